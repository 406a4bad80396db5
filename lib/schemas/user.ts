import { z } from "zod";

import { PASSWORD_MAX, password } from "./auth";
import { id, pagination } from "./common";

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
