/**
 * Changing and resetting a password. A change keeps the browser that made
 * it and ends every other session; a reset ends them all. Both are one
 * transaction with their audit row.
 */
import { redeemAccountToken } from "@/server/auth/account-tokens";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { recordSecurityEvent } from "@/server/auth/security-log";
import { endSessionsOf } from "@/server/auth/sessions";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";
import { ACCOUNT_EVENTS } from "./account-mail";

export async function changePassword(opts: {
  actor: Actor & { userId: string };
  sessionId: string | undefined;
  input: { currentPassword: string; newPassword: string };
}): Promise<{ endedSessions: number }> {
  const { userId } = opts.actor;
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  if (!user.passwordHash) {
    throw new AppError(
      "BAD_REQUEST",
      "This account signs in through GitHub or Google and has no password yet; use “Forgot password” to set one",
    );
  }
  if (!(await verifyPassword(user.passwordHash, opts.input.currentPassword))) {
    throw new AppError("BAD_REQUEST", "The current password is not correct", {
      fieldErrors: { currentPassword: ["The current password is not correct"] },
    });
  }
  if (opts.input.currentPassword === opts.input.newPassword) {
    throw new AppError("BAD_REQUEST", "The new password is the same as the current one", {
      fieldErrors: { newPassword: ["Choose a password different from the current one"] },
    });
  }
  const passwordHash = await hashPassword(opts.input.newPassword);
  let notify = () => {};
  const ended = await applyChange(opts.actor, async (tx, record) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true } });
    const { ended, afterCommit } = await endSessionsOf(userId, { except: opts.sessionId, tx });
    notify = afterCommit;
    record({ action: "user.password_changed", entityType: "User", entityId: userId, after: { endedSessions: ended } });
    await recordSecurityEvent(
      { kind: "password_changed", userId, ip: opts.actor.ip, detail: { endedSessions: ended } },
      tx,
    );
    return ended;
  });
  notify();
  return { endedSessions: ended };
}

/**
 * Asks for a reset link. The answer and the work are the same whether or
 * not the address has an account: one event is recorded, and the mail
 * handler decides whether a message goes out.
 */
export async function requestPasswordReset(opts: {
  requestId: string;
  ip?: string | null;
  email: string;
}): Promise<{ ok: true }> {
  await applyChange({ userId: null, requestId: opts.requestId }, async (tx, record) => {
    // The address only as its hash: it is not looked up here, so the entry is the same for any address.
    await recordSecurityEvent({ kind: "password_reset_requested", email: opts.email, ip: opts.ip }, tx);
    record({
      action: ACCOUNT_EVENTS.passwordResetRequested,
      entityType: "User",
      entityId: "",
      data: { email: opts.email },
    });
  });
  return { ok: true };
}

/** Sets a new password with a reset link; the link works once and every session of the account ends. */
export async function resetPassword(opts: {
  requestId: string;
  ip?: string | null;
  token: string;
  password: string;
}): Promise<{
  ok: true;
}> {
  const passwordHash = await hashPassword(opts.password);
  let notify = () => {};
  await applyChange({ userId: null, requestId: opts.requestId }, async (tx, record) => {
    const redeemed = await redeemAccountToken(tx, opts.token, "PASSWORD_RESET");
    if (!redeemed) {
      throw new AppError("BAD_REQUEST", "This reset link is not valid any more: ask for a new one", {
        reason: "invalid_token",
      });
    }
    const user = await tx.user.findUnique({
      where: { id: redeemed.userId },
      select: { id: true, email: true, emailVerifiedAt: true, deactivatedAt: true },
    });
    if (!user || user.deactivatedAt) {
      throw new AppError("BAD_REQUEST", "This reset link is not valid any more: ask for a new one", {
        reason: "invalid_token",
      });
    }
    // Following a link sent to the address proves it, as verification would.
    const verifies = !user.emailVerifiedAt && user.email === redeemed.email;
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, ...(verifies ? { emailVerifiedAt: new Date() } : {}) },
      select: { id: true },
    });
    const { ended, afterCommit } = await endSessionsOf(user.id, { tx });
    notify = afterCommit;
    record({ action: "user.password_reset", entityType: "User", entityId: user.id, after: { endedSessions: ended } });
    await recordSecurityEvent(
      { kind: "password_reset", userId: user.id, ip: opts.ip, detail: { endedSessions: ended } },
      tx,
    );
  });
  notify();
  return { ok: true };
}
