import { z } from "zod";
import { THEMES } from "@/lib/theme";

import { PASSWORD_MAX, password } from "./auth";
import { dateTimeOut, id, pageOut, pagination } from "./common";

export const instanceRole = z.enum(["ADMIN", "USER"]);

export const userListInput = z.object({
  ...pagination,
  query: z.string().trim().max(100).optional(),
});
export type UserListInput = z.infer<typeof userListInput>;

export const userSetRoleInput = z.object({ userId: id, role: instanceRole });
export type UserSetRoleInput = z.infer<typeof userSetRoleInput>;

export const userSetActiveInput = z.object({ userId: id, active: z.boolean() });
export type UserSetActiveInput = z.infer<typeof userSetActiveInput>;

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(PASSWORD_MAX),
  newPassword: password,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** A session as its user names it (a digest of its id: see server/auth/sessions.ts). */
export const sessionRevokeInput = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "Not a session") });

/** A code from the authenticator app (6 digits) or a recovery code (`abcde-fghjk`). */
const secondFactorCode = z.string().trim().min(6, "Enter the code").max(20);
export const twoFactorConfirmInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code"),
});
export const twoFactorDisableInput = z.object({
  password: z.string().min(1, "Enter your password").max(PASSWORD_MAX),
  code: secondFactorCode,
});
export const twoFactorRegenerateInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "Enter the 6-digit code"),
});

/* ------------------------------------------------------------------ outputs */

/** The signed-in person, as the app shell reads it: who they are and how far their account is set up (never a secret). */
export const currentUserOut = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: instanceRole,
    emailVerified: z.boolean(),
    /** Two-factor sign-in is on for the account. */
    mfaEnabled: z.boolean(),
    /** The instance requires two-factor sign-in of this account (REQUIRE_ADMIN_MFA, for instance admins). */
    mfaRequired: z.boolean(),
    /** The IANA time zone the person's emails give times in (pages use the browser's). */
    timeZone: z.string(),
    /** Light, dark, or as the device is. */
    theme: z.enum(THEMES),
  })
  .meta({ id: "CurrentUser", description: "The signed-in person and how far their account is set up" });

/** An account of the instance, as instance admins see it. */
export const instanceUserOut = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: instanceRole,
    /** Deactivated accounts stay (their work keeps their name), marked. */
    deactivatedAt: dateTimeOut.nullable(),
    createdAt: dateTimeOut,
  })
  .meta({ id: "InstanceUser", description: "An account of the instance, as instance admins see it" });

/** An account in the admins' user list, with how many projects it is a member of. */
export const instanceUserListItemOut = instanceUserOut.extend({
  _count: z.object({ memberships: z.number() }),
});

/** One page of the instance's accounts, ordered by address. */
export const instanceUserPageOut = pageOut(instanceUserListItemOut);

/** The answer to a change that ended sessions: how many. */
export const endedSessionsOut = z.object({ endedSessions: z.number() });

/** The account's ways in: its address, whether it has a password, and the sign-in providers connected and available. */
export const accountSecurityOut = z
  .object({
    email: z.string(),
    emailVerified: z.boolean(),
    hasPassword: z.boolean(),
    connected: z.array(z.object({ provider: z.string(), connectedAt: dateTimeOut })),
    available: z.array(z.object({ id: z.string(), name: z.string() })),
  })
  .meta({ id: "AccountSecurity", description: "The account's ways in: password, connected and available providers" });

/** Whether two-factor sign-in is on, since when, and how many recovery codes are left. */
export const twoFactorStatusOut = z
  .object({
    enabled: z.boolean(),
    enabledAt: dateTimeOut.nullable(),
    recoveryCodesLeft: z.number(),
    /** The instance requires it of this account. */
    required: z.boolean(),
  })
  .meta({
    id: "TwoFactorStatus",
    description: "Whether two-factor sign-in is on and how many recovery codes are left",
  });

/** A new authenticator secret, shown to its owner this once: as text, as an otpauth URI and as a QR code (SVG). */
export const twoFactorSetupOut = z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() });

/** New recovery codes, shown this once. */
export const recoveryCodesOut = z.object({ recoveryCodes: z.array(z.string()) });

/** One of the caller's live sessions, named by a digest of its id (the id itself never leaves the cookie). */
export const userSessionOut = z
  .object({
    id: z.string(),
    /** The session this request came with. */
    current: z.boolean(),
    createdAt: dateTimeOut,
    lastSeenAt: dateTimeOut,
    expiresAt: dateTimeOut,
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .meta({ id: "UserSession", description: "One of the caller's live sessions (browser, address, last seen)" });

/** The caller's live sessions, most recently seen first. */
export const userSessionListOut = z.array(userSessionOut);

/** An IANA time zone name Intl knows (`Europe/Berlin`, `UTC`). */
export const timeZoneName = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "Unknown time zone: use an IANA name such as Europe/Berlin");

export const userPreferencesInput = z
  .object({ timeZone: timeZoneName.optional(), theme: z.enum(THEMES).optional() })
  .refine((p) => p.timeZone !== undefined || p.theme !== undefined, "Nothing to change");
export type UserPreferencesInput = z.infer<typeof userPreferencesInput>;
export const userPreferencesOut = z
  .object({ timeZone: z.string(), theme: z.enum(THEMES) })
  .meta({ id: "UserPreferences", description: "The signed-in person's preferences" });
