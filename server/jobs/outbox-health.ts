/**
 * What instance admins see of background work: how many events wait, how
 * old the oldest is, which ones failed and why — and a way to send a failed
 * event round again.
 */
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { inngestConfigured } from "@/server/jobs/client";
import { dispatcherRunning } from "@/server/jobs/dispatcher";
import { type Actor, applyChange } from "@/server/services/change";

const pendingWhere = { dispatchedAt: null, failedAt: null };

/**
 * The backlog in one query: how many events wait, and the age in seconds of
 * the oldest (null when nothing waits). The admin page and the metrics
 * (`specline_outbox_pending`, `specline_outbox_oldest_age_seconds`) both read it.
 */
export async function getOutboxBacklog(): Promise<{ pending: number; oldestPendingAgeSeconds: number | null }> {
  const { _count, _min } = await db.outboxEvent.aggregate({
    where: pendingWhere,
    _count: { _all: true },
    _min: { createdAt: true },
  });
  const oldest = _min.createdAt;
  return {
    pending: _count._all,
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
  };
}

export async function getOutboxHealth(opts: { failuresLimit?: number } = {}) {
  const [backlog, failed, retrying, failures] = await Promise.all([
    getOutboxBacklog(),
    db.outboxEvent.count({ where: { failedAt: { not: null } } }),
    db.outboxEvent.count({ where: { ...pendingWhere, attempts: { gt: 0 } } }),
    db.outboxEvent.findMany({
      where: { OR: [{ failedAt: { not: null } }, { dispatchedAt: null, lastError: { not: null } }] },
      orderBy: [{ failedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
      take: opts.failuresLimit ?? 20,
      select: {
        id: true,
        type: true,
        projectId: true,
        createdAt: true,
        attempts: true,
        lastError: true,
        failedAt: true,
        availableAt: true,
      },
    }),
  ]);
  return {
    mode: inngestConfigured() ? ("inngest" as const) : ("embedded" as const),
    dispatcherRunning: dispatcherRunning(),
    pending: backlog.pending,
    /** Seconds since the oldest undelivered event was written; null when nothing waits. */
    oldestPendingAgeSeconds: backlog.oldestPendingAgeSeconds,
    retrying,
    failed,
    failures,
  };
}

/** Puts a failed (or backing-off) event back in the queue now, with a fresh set of attempts. */
export async function retryOutboxEvent(opts: { actor: Actor; id: string }) {
  return applyChange(opts.actor, async (tx, record) => {
    const before = await tx.outboxEvent.findUnique({
      where: { id: opts.id },
      select: {
        id: true,
        type: true,
        projectId: true,
        attempts: true,
        lastError: true,
        failedAt: true,
        dispatchedAt: true,
      },
    });
    if (!before) throw new AppError("NOT_FOUND", "Event not found");
    if (before.dispatchedAt) throw new AppError("CONFLICT", "This event has already been delivered");
    await tx.outboxEvent.update({
      where: { id: opts.id },
      data: { failedAt: null, attempts: 0, availableAt: new Date(), leaseUntil: null },
    });
    record({
      action: "outbox.retried",
      entityType: "OutboxEvent",
      entityId: before.id,
      before: { type: before.type, attempts: before.attempts, lastError: before.lastError, failedAt: before.failedAt },
    });
    return { id: before.id, requeued: true as const };
  });
}
