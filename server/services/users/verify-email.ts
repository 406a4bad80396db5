/**
 * Verified addresses. With REQUIRE_EMAIL_VERIFICATION a new account gets a
 * link by email and can do nothing but sign in, verify and sign out until
 * it follows it (the caller check in server/auth/project-scope.ts).
 */
import { redeemAccountToken } from "@/server/auth/account-tokens";
import { recordSecurityEvent } from "@/server/auth/security-log";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";
import { ACCOUNT_EVENTS } from "./account-mail";

export async function verifyEmail(opts: {
  requestId: string;
  ip?: string | null;
  token: string;
}): Promise<{ ok: true }> {
  await applyChange({ userId: null, requestId: opts.requestId }, async (tx, record) => {
    const redeemed = await redeemAccountToken(tx, opts.token, "EMAIL_VERIFICATION");
    const user = redeemed
      ? await tx.user.findUnique({ where: { id: redeemed.userId }, select: { email: true, emailVerifiedAt: true } })
      : null;
    // The link verifies the address it was sent to, and only while that is still the account's address.
    if (!redeemed || !user || user.email !== redeemed.email) {
      throw new AppError("BAD_REQUEST", "This confirmation link is not valid any more: ask for a new one", {
        reason: "invalid_token",
      });
    }
    if (user.emailVerifiedAt) return;
    await tx.user.update({
      where: { id: redeemed.userId },
      data: { emailVerifiedAt: new Date() },
      select: { id: true },
    });
    record({
      action: "user.email_verified",
      entityType: "User",
      entityId: redeemed.userId,
      after: { email: user.email },
    });
    await recordSecurityEvent({ kind: "email_verified", userId: redeemed.userId, ip: opts.ip }, tx);
  });
  return { ok: true };
}

/** Sends the verification email again (nothing when the address is already verified). */
export async function requestVerification(opts: { actor: Actor & { userId: string } }): Promise<{ ok: true }> {
  const user = await db.user.findUnique({
    where: { id: opts.actor.userId },
    select: { email: true, emailVerifiedAt: true },
  });
  if (!user || user.emailVerifiedAt) return { ok: true };
  await applyChange(opts.actor, async (_tx, record) => {
    record({
      action: ACCOUNT_EVENTS.verificationRequested,
      entityType: "User",
      entityId: opts.actor.userId,
      data: { email: user.email },
    });
  });
  return { ok: true };
}
