/**
 * Retention: what Specline keeps only for a while, deleted when it has outlived its setting (lib/env.mjs,
 * RETENTION_* and SECURITY_LOG_RETENTION_DAYS; 0 keeps a kind for ever). Audit events, requirement,
 * issue and project versions, baselines and attachments that an item names are never pruned.
 *
 * | kind | kept | why it can go |
 * | expired idempotency keys | 24 h | a retry after that is a new request |
 * | security log entries | 90 days | |
 * | ended sessions | (sessions.ts) | |
 * | delivered outbox events | 7 days | delivered everywhere; a live stream resuming from one that is gone starts over |
 * | read notifications | 90 days | unread ones stay |
 * | finished webhook deliveries | 30 days | succeeded or failed for good, with their attempts |
 * | mail files (no SMTP) | 14 days | a development convenience, read in /admin/mail |
 * | orphaned uploads | 24 hours | bytes on disk that no attachment names: an upload cut off before it was recorded |
 *
 * Rows go oldest first, in batches of BATCH, so one run never holds long locks or a long transaction;
 * each kind runs even when another failed, and the run fails if any did. The in-process dispatcher runs
 * it after each statistics run (server/jobs/dispatcher.ts), Inngest's statistics cron as its last step.
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";

import { Prisma } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import { db, queryRows } from "@/server/db";
import { log } from "@/server/observability/log";

const BATCH = 5_000;
const DAY_MS = 86_400_000;

function before(now: Date, ms: number): Date {
  return new Date(now.getTime() - ms);
}

/** Runs `deleteBatch` until it deletes fewer than BATCH rows; answers how many went. */
async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * Delivered outbox events older than `days`, oldest first. The live stream's replay relies on the order:
 * everything after a kept event is kept (server/live/stream.ts), so the cut is a sequence number — every
 * event before the first one delivered after the cutoff — rather than each row's own age.
 */
export async function pruneDeliveredOutbox(now: Date, days: number): Promise<number> {
  if (days === 0) return 0;
  const cutoff = before(now, days * DAY_MS);
  const [first] = await queryRows<{ seq: string | null }>(
    Prisma.sql`SELECT min(seq)::text AS seq FROM "OutboxEvent" WHERE "dispatchedAt" >= ${cutoff}`,
  );
  const keepFrom = first?.seq ?? null;
  return inBatches(
    () => db.$executeRaw`
      DELETE FROM "OutboxEvent" WHERE id IN (
        SELECT id FROM "OutboxEvent"
        WHERE "dispatchedAt" IS NOT NULL AND "dispatchedAt" < ${cutoff}
          ${keepFrom === null ? Prisma.empty : Prisma.sql`AND (seq IS NULL OR seq < ${keepFrom}::bigint)`}
        ORDER BY seq NULLS FIRST
        LIMIT ${BATCH}
      )`,
  );
}

/** Notifications read more than `days` ago (unread ones are kept however old). */
export async function pruneReadNotifications(now: Date, days: number): Promise<number> {
  if (days === 0) return 0;
  const cutoff = before(now, days * DAY_MS);
  return inBatches(
    () => db.$executeRaw`
      DELETE FROM "Notification" WHERE id IN (
        SELECT id FROM "Notification" WHERE "readAt" IS NOT NULL AND "readAt" < ${cutoff}
        ORDER BY "readAt" LIMIT ${BATCH}
      )`,
  );
}

/** Webhook deliveries that ended (succeeded, or failed for good) more than `days` ago; their attempts go with them. */
export async function pruneFinishedWebhookDeliveries(now: Date, days: number): Promise<number> {
  if (days === 0) return 0;
  const cutoff = before(now, days * DAY_MS);
  return inBatches(
    () => db.$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE id IN (
        SELECT id FROM "WebhookDelivery"
        WHERE status IN ('SUCCEEDED', 'FAILED') AND "completedAt" IS NOT NULL AND "completedAt" < ${cutoff}
        ORDER BY "completedAt" LIMIT ${BATCH}
      )`,
  );
}

/** `.eml` files in `dir` last written more than `days` ago (only mail files: nothing else there is touched). */
export async function pruneMailFiles(dir: string, now: Date, days: number): Promise<number> {
  if (days === 0) return 0;
  const cutoff = now.getTime() - days * DAY_MS;
  let removed = 0;
  for (const name of await listOrEmpty(dir)) {
    if (!name.endsWith(".eml")) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || info.mtimeMs >= cutoff) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Files under the local attachment folder (`root`, DATA_DIR/uploads: `<project>/<uuid>`) older than
 * `hours` that no attachment names: the bytes of an upload whose row was never written (the process
 * stopped between the two). Younger files are left alone: their upload may still be recording them.
 * With S3 there is no such folder; a bucket's lifecycle rules are the place for that.
 */
export async function pruneOrphanedUploads(root: string, now: Date, hours: number): Promise<number> {
  if (hours === 0) return 0;
  const cutoff = now.getTime() - hours * 3_600_000;
  let removed = 0;
  for (const folder of await listOrEmpty(root)) {
    const dir = path.join(root, folder);
    const candidates: string[] = [];
    for (const name of await listOrEmpty(dir)) {
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (info?.isFile() && info.mtimeMs < cutoff) candidates.push(`${folder}/${name}`);
    }
    for (let i = 0; i < candidates.length; i += BATCH) {
      const keys = candidates.slice(i, i + BATCH);
      const named = await queryRows<{ storageKey: string }>(
        Prisma.sql`SELECT "storageKey" FROM "Attachment" WHERE "storageKey" = ANY(${keys}::text[])`,
      );
      const kept = new Set(named.map((r) => r.storageKey));
      for (const key of keys) {
        if (kept.has(key)) continue;
        await rm(path.join(root, key), { force: true });
        removed++;
      }
    }
  }
  return removed;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") {
      return [];
    }
    throw err;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One retention run over every kind. Answers what was deleted, kind by kind ("12 read notifications");
 * throws, after trying every kind, when any failed.
 */
export async function runRetention(now = new Date()): Promise<string[]> {
  const env = getEnv();
  const parts: [string, () => Promise<number>][] = [
    [
      "idempotency keys",
      async () => (await (await import("@/server/services/idempotency")).pruneExpiredIdempotencyKeys()).deleted,
    ],
    ["security log entries", async () => (await import("@/server/auth/security-log")).pruneSecurityLog(now)],
    ["ended sessions", async () => (await (await import("@/server/auth/sessions")).pruneEndedSessions()).sessions],
    ["delivered outbox events", () => pruneDeliveredOutbox(now, env.RETENTION_OUTBOX_DAYS)],
    ["read notifications", () => pruneReadNotifications(now, env.RETENTION_READ_NOTIFICATIONS_DAYS)],
    ["finished webhook deliveries", () => pruneFinishedWebhookDeliveries(now, env.RETENTION_WEBHOOK_DELIVERIES_DAYS)],
    ["mail files", () => pruneMailFiles(path.resolve(env.DATA_DIR, "mail"), now, env.RETENTION_MAIL_FILES_DAYS)],
    [
      "orphaned uploads",
      () =>
        env.S3_BUCKET
          ? Promise.resolve(0)
          : pruneOrphanedUploads(path.resolve(env.DATA_DIR, "uploads"), now, env.RETENTION_ORPHAN_UPLOADS_HOURS),
    ],
  ];
  const done: string[] = [];
  const failed: string[] = [];
  for (const [kind, prune] of parts) {
    try {
      done.push(`${await prune()} ${kind}`);
    } catch (err) {
      log.error({ error: errorText(err), kind }, "retention failed for one kind");
      failed.push(`${kind}: ${errorText(err)}`);
    }
  }
  if (failed.length > 0) throw new Error(failed.join("; "));
  return done;
}
