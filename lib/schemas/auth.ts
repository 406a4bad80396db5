import { z } from "zod";

import { displayName, email } from "./common";

/** A short list of passwords that pass a length rule but are guessed first. */
const COMMON_PASSWORDS = new Set([
  "password123",
  "password1234",
  "passw0rd123",
  "qwertyuiop",
  "1234567890",
  "12345678910",
  "iloveyou123",
  "letmein1234",
  "welcome1234",
  "administrator",
  "changeme123",
  "abcdefghij",
]);

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

export const password = z
  .string()
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`)
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), "This password is too common")
  .refine((p) => new Set(p).size >= 4, "Password is too repetitive");

export const registerInput = z
  .object({
    email,
    name: displayName,
    password,
    /** The token of an invitation link to this address: sign-up is then open whatever SIGNUP_MODE says. */
    invitation: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link is not valid")
      .optional(),
  })
  .refine(
    (v) => {
      const [local = ""] = v.email.split("@");
      return !v.password.toLowerCase().includes(local.toLowerCase()) || local.length < 4;
    },
    {
      message: "Password must not contain your email address",
      path: ["password"],
    },
  );
export type RegisterInput = z.infer<typeof registerInput>;

export const signInInput = z.object({
  email,
  password: z.string().min(1).max(PASSWORD_MAX),
  /** The second factor, for accounts with two-factor sign-in: a 6-digit code or a recovery code. */
  code: z.string().trim().max(20).optional(),
});

/** A link's token, as emailed: 43 base64url characters. */
const accountToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "This link is not valid; copy the whole link from the email");

export const passwordResetRequestInput = z.object({ email });
export const passwordResetInput = z.object({ token: accountToken, password });
export const verifyEmailInput = z.object({ token: accountToken });

/* ------------------------------------------------------------------ outputs */

/** The answer to a sign-up: the same for a new address and one that has an account. */
export const registerOut = z.object({
  ok: z.literal(true),
  /** Whether the new account must confirm its address before it can do anything (the same for every caller). */
  verificationRequired: z.boolean(),
});
