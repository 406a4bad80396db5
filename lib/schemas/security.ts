import { z } from "zod";

import { id, pagination } from "./common";

/** What the security log records (server/auth/security-log.ts). */
export const SECURITY_EVENT_KINDS = [
  "sign_in",
  "sign_in_failed",
  "sign_out",
  "password_changed",
  "password_reset_requested",
  "password_reset",
  "email_verified",
  "sessions_ended",
  "session_ended",
  "user_deactivated",
  "user_reactivated",
  "mfa_enabled",
  "mfa_disabled",
  "recovery_code_used",
  "invitation_sent",
  "invitation_accepted",
  "invitation_declined",
  "invitation_revoked",
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export const securityLogInput = z.object({
  ...pagination,
  kind: z.enum(SECURITY_EVENT_KINDS).optional(),
  userId: id.optional(),
});
export type SecurityLogInput = z.infer<typeof securityLogInput>;
