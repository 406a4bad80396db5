import { Prisma } from "@prisma/client";

import { emailVerificationRequired, getEnv } from "@/lib/env.mjs";
import type { RegisterInput } from "@/lib/schemas/auth";
import { hashAccountToken } from "@/server/auth/account-tokens";
import { hashPassword } from "@/server/auth/password";
import { db } from "@/server/db";
import { AppError, isUniqueViolation } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { acceptWithin } from "@/server/services/projects/invitations";

import { ACCOUNT_EVENTS } from "./account-mail";
import { publicUserSelect } from "./user-select";

/** Serialises registrations so exactly one "first user" becomes instance ADMIN. */
const FIRST_USER_LOCK = 7_020_101;

/** Whether `token` is an open invitation to `email` (sign-up through it is allowed whatever SIGNUP_MODE says). */
async function invitationFor(token: string, email: string): Promise<boolean> {
  const found = await db.invitation.count({
    where: {
      tokenHash: hashAccountToken(token),
      email,
      acceptedAt: null,
      declinedAt: null,
      revokedAt: null,
      expiresAt: { gt: new Date() },
    },
  });
  return found > 0;
}

export type RegisterOutcome = {
  ok: true;
  /** Whether the new account must confirm its address before it can do anything (the same for every caller). */
  verificationRequired: boolean;
};

/**
 * Whether SIGNUP_MODE lets this address create an account on its own.
 * `invite` admits nobody here (invitations bring people in); `domains`
 * admits the listed domains. The same for every address of a domain, so it
 * tells nothing about who has an account.
 */
export function signupAllowed(email: string, env = getEnv()): boolean {
  if (env.SIGNUP_MODE === "open") return true;
  if (env.SIGNUP_MODE === "invite") return false;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return (env.SIGNUP_DOMAINS ?? []).includes(domain);
}

/** No account exists yet: the next one becomes the instance's admin, whatever SIGNUP_MODE says. */
export async function instanceIsEmpty(): Promise<boolean> {
  return (await db.user.count({ take: 1 })) === 0;
}

/**
 * Creates an account. The first account of an instance becomes its admin
 * (and counts as verified: there is nobody to approve it otherwise).
 *
 * The answer, and the work behind it, are the same for a new address and
 * for one that already has an account: the password is hashed either way,
 * and the existing account's owner gets an email saying someone tried, so
 * sign-up cannot be used to find out who has an account.
 */
export async function registerUser(opts: { input: RegisterInput; requestId: string }): Promise<RegisterOutcome> {
  const env = getEnv();
  const { email, name, password } = opts.input;
  const invited = opts.input.invitation ? await invitationFor(opts.input.invitation, email) : false;
  const closed = () =>
    new AppError(
      "FORBIDDEN",
      env.SIGNUP_MODE === "invite"
        ? "Accounts on this Specline are created by invitation only"
        : `Sign-up is open to addresses at ${(env.SIGNUP_DOMAINS ?? []).join(", ")} only`,
      { reason: "signup_closed" },
    );
  // Refused before any work when the instance already has people; its first account is always allowed.
  if (!invited && !signupAllowed(email, env) && !(await instanceIsEmpty())) throw closed();
  const verificationRequired = emailVerificationRequired(env);
  const passwordHash = await hashPassword(password);
  try {
    await applyChange(
      { userId: null, requestId: opts.requestId },
      async (tx, record) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
        const isFirst = (await tx.user.count({ take: 1 })) === 0;
        if (!isFirst && !invited && !signupAllowed(email, env)) throw closed();
        const existing = await tx.user.findUnique({ where: { email }, select: { id: true } });
        if (existing) {
          record({
            action: ACCOUNT_EVENTS.signupWithExistingEmail,
            entityType: "User",
            entityId: existing.id,
            data: { email },
          });
          return;
        }
        const user = await tx.user.create({
          data: {
            email,
            name,
            passwordHash,
            role: isFirst ? "ADMIN" : "USER",
            // An invitation link followed to this address proves it, as verification would.
            emailVerifiedAt: verificationRequired && !isFirst && !invited ? null : new Date(),
          },
          select: publicUserSelect,
        });
        record({ action: "user.registered", entityType: "User", entityId: user.id, after: user });
        if (invited && opts.input.invitation) {
          await acceptWithin(tx, record, user.id, email, { token: opts.input.invitation });
        } else if (verificationRequired && !isFirst) {
          record({
            action: ACCOUNT_EVENTS.verificationRequested,
            entityType: "User",
            entityId: user.id,
            data: { email },
          });
        }
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
    );
  } catch (err) {
    // Two sign-ups with one address at the same moment: the second is answered like any existing address.
    if (!isUniqueViolation(err)) throw err;
  }
  return { ok: true, verificationRequired };
}
