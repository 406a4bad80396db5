import type { UserSetActiveInput } from "@/lib/schemas/user";
import { recordSecurityEvent } from "@/server/auth/security-log";
import { endSessionsOf } from "@/server/auth/sessions";
import { conflict, notFound } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";
import { publicUserSelect } from "./user-select";

/**
 * Deactivates or reactivates an account (instance admins). A deactivated
 * user cannot sign in, every session of theirs ends at once (their live
 * streams with them), and they get no notifications; their name stays on
 * what they wrote. The last active instance admin cannot be deactivated.
 */
export async function setUserActive(opts: { actor: Actor; input: UserSetActiveInput }) {
  const { userId, active } = opts.input;
  let notify = () => {};
  const result = await applyChange(opts.actor, async (tx, record) => {
    // Lock the active admins so two admins deactivating each other cannot both pass the check.
    await tx.$executeRaw`SELECT id FROM "User" WHERE role = 'ADMIN' AND "deactivatedAt" IS NULL FOR UPDATE`;
    const before = await tx.user.findUnique({ where: { id: userId }, select: publicUserSelect });
    if (!before) throw notFound("User");
    if ((before.deactivatedAt === null) === active) return before;
    if (!active && before.role === "ADMIN") {
      const admins = await tx.user.count({ where: { role: "ADMIN", deactivatedAt: null } });
      if (admins <= 1) throw conflict("At least one active instance administrator must remain");
    }
    await tx.user.update({
      where: { id: userId },
      data: { deactivatedAt: active ? null : new Date() },
      select: { id: true },
    });
    const after = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: publicUserSelect });
    if (!active) notify = (await endSessionsOf(userId, { tx })).afterCommit;
    await recordSecurityEvent(
      { kind: active ? "user_reactivated" : "user_deactivated", userId, actorId: opts.actor.userId, ip: opts.actor.ip },
      tx,
    );
    record({
      action: active ? "user.reactivated" : "user.deactivated",
      entityType: "User",
      entityId: userId,
      before,
      after,
    });
    return after;
  });
  notify();
  return result;
}
