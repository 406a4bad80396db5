/**
 * A user's own sessions: listing them, ending one, ending all of them.
 * Each ending is one transaction with its audit row; the user's live
 * streams re-check their session once it has committed.
 */

import { recordSecurityEvent } from "@/server/auth/security-log";
import { endSessionsOf, listSessions, sessionIdByHandle } from "@/server/auth/sessions";
import { notFound } from "@/server/errors";
import { revokeLiveAccess } from "@/server/live/bus";
import { type Actor, applyChange } from "@/server/services/change";

type SignedIn = Actor & { userId: string };

export function mySessions(opts: { actor: SignedIn; sessionId: string | undefined }) {
  return listSessions(opts.actor.userId, opts.sessionId);
}

/** Ends one of the caller's sessions (another browser, or this one). */
export async function revokeSession(opts: { actor: SignedIn; handle: string }): Promise<{ ok: true }> {
  const { userId } = opts.actor;
  const id = await sessionIdByHandle(userId, opts.handle);
  if (!id) throw notFound("Session");
  await applyChange(opts.actor, async (tx, record) => {
    await tx.session.deleteMany({ where: { id, userId } });
    record({ action: "user.session_ended", entityType: "User", entityId: userId, after: { session: opts.handle } });
    await recordSecurityEvent({ kind: "session_ended", userId, ip: opts.actor.ip }, tx);
  });
  revokeLiveAccess(userId);
  return { ok: true };
}

/** Ends every session of the caller, this one included. */
export async function signOutEverywhere(opts: { actor: SignedIn }): Promise<{ endedSessions: number }> {
  const { userId } = opts.actor;
  let notify = () => {};
  const ended = await applyChange(opts.actor, async (tx, record) => {
    const { ended, afterCommit } = await endSessionsOf(userId, { tx });
    notify = afterCommit;
    record({ action: "user.signed_out_everywhere", entityType: "User", entityId: userId, after: { ended } });
    await recordSecurityEvent({ kind: "sessions_ended", userId, ip: opts.actor.ip, detail: { ended } }, tx);
    return ended;
  });
  notify();
  return { endedSessions: ended };
}
