import { z } from "zod";

import { dateTimeOut, id, jsonOut, pageOut, pagination } from "./common";

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

/* ------------------------------------------------------------------ outputs */

/** One entry of the security log, as instance admins see it. */
export const securityEventOut = z
  .object({
    id: z.string(),
    at: dateTimeOut,
    /** One of SECURITY_EVENT_KINDS (entries written by older versions may carry others). */
    kind: z.string(),
    /** Whose account it concerns, when known. */
    userId: z.string().nullable(),
    /** SHA-256 of an address typed at a failed sign-in that matched no account. */
    emailHash: z.string().nullable(),
    /** Who acted, when not the account's owner. */
    actorId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    /** The method, the reason of a failure, a project key…; never a secret. */
    detail: jsonOut,
    /** The account it concerns, while it exists. */
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  })
  .meta({
    id: "SecurityEvent",
    description: "One entry of the security log: a sign-in, a failure or an account change",
  });

/** One page of the security log, newest first. */
export const securityEventPageOut = pageOut(securityEventOut);

/** One of the caller's own sign-ins or failed attempts on their account. */
export const signInEventOut = z
  .object({
    id: z.string(),
    at: dateTimeOut,
    kind: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    detail: jsonOut,
  })
  .meta({ id: "SignInEvent", description: "A sign-in or failed attempt on the caller's account" });

/** The caller's recent sign-ins and failed attempts, newest first. */
export const signInEventListOut = z.array(signInEventOut);
