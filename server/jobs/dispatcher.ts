/**
 * The outbox dispatcher: delivers every OutboxEvent at least once.
 *
 * Each tick it claims a batch of due rows with a lease of seconds, renewed
 * while the batch is worked on (so several server processes can run it side
 * by side, and a crashed one's rows are taken over seconds after it died),
 * then per event either
 *   - embedded (no Inngest configured): runs the in-process handlers — the
 *     same services the Inngest functions call — or
 *   - Inngest configured: sends the event to Inngest with the outbox id as
 *     the event id, which Inngest de-duplicates on.
 * Success sets `dispatchedAt`. A failure counts the attempt, keeps the error
 * and backs off exponentially (with jitter); after `maxAttempts`, or at once
 * for a PermanentFailure (server/errors.ts), the row is marked failed for an
 * instance admin to inspect and retry.
 *
 * In embedded mode the loop also sends due webhook deliveries, and every
 * 30 minutes the daily statistics are recomputed and the retention run
 * deletes what has outlived its setting (server/services/retention.ts; with
 * Inngest configured the `deliver-webhook` and `aggregate-daily-stats`
 * functions do that). That work runs beside the dispatch, one run at a time:
 * a receiver that hangs until its timeout never holds back notifications.
 *
 * When the database goes away the loop backs off (doubling its pause up to
 * MAX_OUTAGE_PAUSE_MS, logging once per outage) and resumes by itself. An
 * event whose delivery or bookkeeping the outage interrupted is not an
 * attempt that failed: it and the rest of its batch are handed back as soon
 * as the database answers again, instead of waiting out their lease.
 */
import { randomUUID } from "node:crypto";

import { getEnv } from "@/lib/env.mjs";
import { db, transactionLimits } from "@/server/db";
import { isDatabaseUnavailable, isPermanentFailure } from "@/server/errors";
import { type DomainEvent, onOutboxWritten, toDomainEvent } from "@/server/events/domain-events";
import { inngest, inngestConfigured } from "@/server/jobs/client";
import { toInngestEvent } from "@/server/jobs/events";
import { publishDispatched, publishSignal } from "@/server/live/bus";
import type { DispatchedRow } from "@/server/live/changes";
import { log } from "@/server/observability/log";
import { countOutboxDispatched, countOutboxDispatchFailure } from "@/server/observability/metrics";
import { millisecondsSince } from "@/server/observability/observe";
import { withRequestContext } from "@/server/observability/request-context";
import { notifyForEvent } from "@/server/services/notifications/fan-out";
import { ACCOUNT_EVENT_PREFIX, sendAccountMail, sendsAccountMail } from "@/server/services/users/account-mail";

export interface DispatcherOptions {
  /** Events claimed per tick. */
  batchSize: number;
  /** How long a claimed event stays reserved for this process. */
  leaseMs: number;
  /** After this many failed attempts the event is marked failed. */
  maxAttempts: number;
  /** First back-off; doubles with every failed attempt, capped at maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Pause between ticks when there was nothing to do. */
  pollMs: number;
  /** "embedded" runs handlers in-process, "inngest" relays; default from the environment. */
  mode: "embedded" | "inngest";
  /** Runs the handlers of one event in embedded mode (tests may wrap it). */
  handle: (event: DomainEvent) => Promise<unknown>;
}

/**
 * How long a claim holds without renewal: short, so a dead instance's events are taken over within
 * seconds; renewed every third of it while the batch is worked on (`renewLeases`), so slow handlers keep
 * their events.
 */
export const DEFAULT_LEASE_MS = 10_000;

export function defaultOptions(): DispatcherOptions {
  const env = getEnv();
  return {
    batchSize: 20,
    leaseMs: DEFAULT_LEASE_MS,
    maxAttempts: 10,
    baseBackoffMs: 2_000,
    maxBackoffMs: 3_600_000,
    pollMs: env.OUTBOX_POLL_MS,
    mode: inngestConfigured(env) ? "inngest" : "embedded",
    handle: handleInProcess,
  };
}

/** Everything the Inngest functions would do for this event, run here. */
export async function handleInProcess(event: DomainEvent): Promise<unknown> {
  if (event.type.startsWith(ACCOUNT_EVENT_PREFIX)) return sendAccountMail(event);
  if (sendsAccountMail(event.type)) await sendAccountMail(event);
  return notifyForEvent(event);
}

interface ClaimedRow {
  id: string;
  type: string;
  payload: unknown;
  projectId: string | null;
  createdAt: Date;
  attempts: number;
}

/** This process's dispatcher, as lease holder (on globalThis: the server's bundles each load this module). */
const globalForOwner = globalThis as { specline_dispatcher_id?: string };
globalForOwner.specline_dispatcher_id ??= randomUUID();
const DISPATCHER_ID = globalForOwner.specline_dispatcher_id;

/** Reserves up to `limit` due events for `leaseMs`; rows another process holds are skipped. */
export async function claimBatch(limit: number, leaseMs: number, owner = DISPATCHER_ID): Promise<ClaimedRow[]> {
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await db.$queryRaw<ClaimedRow[]>`
    UPDATE "OutboxEvent" SET "leaseUntil" = ${leaseUntil}, "leasedBy" = ${owner}
    WHERE id IN (
      SELECT id FROM "OutboxEvent"
      WHERE "dispatchedAt" IS NULL AND "failedAt" IS NULL AND "availableAt" <= ${now}
        AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
      ORDER BY "createdAt", id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, type, payload, "projectId", "createdAt", attempts`;
  // RETURNING does not keep the sub-select's order; events are handled oldest first.
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Extends this process's leases on the events of `ids` that are not yet dispatched; answers how many. */
export async function renewLeases(ids: string[], leaseMs: number, owner = DISPATCHER_ID): Promise<number> {
  if (ids.length === 0) return 0;
  const leaseUntil = new Date(Date.now() + leaseMs);
  return db.$executeRaw`
    UPDATE "OutboxEvent" SET "leaseUntil" = ${leaseUntil}
    WHERE id = ANY(${ids}::uuid[]) AND "leasedBy" = ${owner} AND "dispatchedAt" IS NULL`;
}

export function backoffMs(attempt: number, opts: Pick<DispatcherOptions, "baseBackoffMs" | "maxBackoffMs">): number {
  const exp = Math.min(opts.maxBackoffMs, opts.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  // Up to +25% jitter, so events that failed together do not all come back together.
  return Math.round(exp * (1 + Math.random() * 0.25));
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return message.slice(0, 2000);
}

/** The id of the request whose change wrote the event (`Actor.requestId`, in its payload). */
function requestIdOfEvent(row: ClaimedRow): string | undefined {
  return toDomainEvent(row).payload.requestId;
}

async function deliver(row: ClaimedRow, opts: DispatcherOptions): Promise<void> {
  if (opts.mode === "inngest") {
    await inngest.send(toInngestEvent(row));
  } else {
    await opts.handle(toDomainEvent(row));
  }
}

/** Serialises numbering (see markDispatched); any constant key would do, this one is Specline's. */
export const OUTBOX_SEQUENCE_LOCK = 0x5eed_0001;

/**
 * Marks delivered events dispatched and gives each the next number of the
 * live streams' sequence, in the order given. The numbers are taken and
 * committed under one transaction-scoped advisory lock, so numbers commit in
 * increasing order across every instance: once n is visible, every lower
 * number is visible too or was never used (server/live/hub.ts relies on
 * it). One transaction for the events delivered in a batch keeps the lock
 * and the round trips to one per batch.
 */
async function markDispatched(ids: string[]): Promise<DispatchedRow[]> {
  if (ids.length === 0) return [];
  const dispatchedAt = new Date();
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${OUTBOX_SEQUENCE_LOCK}::bigint)`;
    const marked: DispatchedRow[] = [];
    for (const id of ids) {
      const rows = await tx.$queryRaw<DispatchedRow[]>`
        UPDATE "OutboxEvent"
        SET "dispatchedAt" = ${dispatchedAt}, seq = nextval('"OutboxEvent_seq_seq"'),
            "leaseUntil" = NULL, "lastError" = NULL, attempts = attempts + 1
        WHERE id = ${id}::uuid AND "dispatchedAt" IS NULL
        RETURNING id, type, "projectId", payload, seq, "dispatchedAt"`;
      marked.push(...rows);
    }
    return marked;
  }, transactionLimits());
}

async function markAttemptFailed(row: ClaimedRow, err: unknown, opts: DispatcherOptions) {
  const attempts = row.attempts + 1;
  const now = new Date();
  // Retrying will not help a permanent failure; Inngest ends such a run at once too.
  const giveUp = attempts >= opts.maxAttempts || isPermanentFailure(err);
  await db.outboxEvent.updateMany({
    where: { id: row.id, dispatchedAt: null },
    data: {
      attempts,
      lastError: errorText(err),
      leaseUntil: null,
      availableAt: new Date(now.getTime() + backoffMs(attempts, opts)),
      ...(giveUp ? { failedAt: now } : {}),
    },
  });
  log[giveUp ? "error" : "warn"](
    { eventId: row.id, type: row.type, attempts, giveUp, error: errorText(err) },
    giveUp ? "outbox event failed; giving up" : "outbox event failed; retrying",
  );
}

/** Whether the database answers a trivial query now. */
async function databaseAnswers(): Promise<boolean> {
  return db.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
}

/**
 * Hands back every row this dispatcher holds. Called between ticks after one
 * failed, when it holds nothing on purpose: a claim whose answer was lost
 * with the connection committed leases nobody would otherwise release
 * before they end.
 */
export async function releaseHeldBy(owner = DISPATCHER_ID): Promise<number> {
  return db.$executeRaw`
    UPDATE "OutboxEvent" SET "leaseUntil" = NULL, "leasedBy" = NULL
    WHERE "leasedBy" = ${owner} AND "dispatchedAt" IS NULL`;
}

/** Hands claimed but unprocessed rows back, so the next tick (here or elsewhere) takes them at once. */
async function release(ids: string[]) {
  if (ids.length === 0) return;
  await db.outboxEvent.updateMany({ where: { id: { in: ids }, dispatchedAt: null }, data: { leaseUntil: null } });
}

/**
 * The database went away in the middle of a batch: `unfinished` are the
 * claimed rows not known to be done, to be released once it is back.
 */
export class DispatchInterrupted extends Error {
  constructor(
    readonly unfinished: string[],
    cause: unknown,
  ) {
    super("the database became unavailable during a batch", { cause });
    this.name = "DispatchInterrupted";
  }
}

export interface TickResult {
  claimed: number;
  dispatched: number;
  failed: number;
  released: number;
}

/**
 * One batch: claim, deliver one by one in creation order, record the outcome.
 * `shouldStop` is checked between events; unprocessed rows are released.
 */
export async function dispatchOnce(
  overrides: Partial<DispatcherOptions> = {},
  shouldStop: () => boolean = () => false,
): Promise<TickResult> {
  const opts = { ...defaultOptions(), ...overrides };
  const start = performance.now();
  const rows = await claimBatch(opts.batchSize, opts.leaseMs);
  const result: TickResult = { claimed: rows.length, dispatched: 0, failed: 0, released: 0 };
  if (rows.length === 0) return result;
  // Held while the batch is worked on; a failed renewal only risks a second delivery (at least once).
  const renewal = setInterval(
    () => {
      renewLeases(
        rows.map((r) => r.id),
        opts.leaseMs,
      ).catch((err: unknown) => log.warn({ err }, "could not renew outbox leases"));
    },
    Math.max(500, Math.floor(opts.leaseMs / 3)),
  );
  renewal.unref?.();
  try {
    return await dispatchClaimed(rows, opts, result, start, shouldStop);
  } finally {
    clearInterval(renewal);
  }
}

async function dispatchClaimed(
  rows: ClaimedRow[],
  opts: DispatcherOptions,
  result: TickResult,
  start: number,
  shouldStop: () => boolean,
): Promise<TickResult> {
  /** Delivered, not yet marked: marked together at the end of the batch (or before a failure is recorded). */
  let delivered: string[] = [];
  const markDelivered = async () => {
    if (delivered.length === 0) return;
    const marked = await markDispatched(delivered);
    result.dispatched += delivered.length;
    countOutboxDispatched(delivered.length);
    delivered = [];
    // After the commit, once: live streams on every instance (never fails or delays dispatching).
    if (marked.length > 0) void publishDispatched(marked);
  };
  /** The database went away: what is delivered but unmarked, and what is left, is handed back later. */
  const interrupted = (rest: string[], err: unknown) => new DispatchInterrupted([...delivered, ...rest], err);
  for (const [i, row] of rows.entries()) {
    if (shouldStop()) {
      const rest = rows.slice(i).map((r) => r.id);
      await release(rest);
      result.released = rest.length;
      break;
    }
    try {
      // The handlers' log lines carry the id of the request that wrote the event.
      await withRequestContext({ requestId: requestIdOfEvent(row) ?? `outbox:${row.id}` }, () => deliver(row, opts));
      delivered.push(row.id);
    } catch (err) {
      // Not the event's fault when the database went away: keep its attempts, and hand it back with the
      // rest when the database returns. A connection refused by Inngest, a mail server or a webhook
      // receiver looks the same, so the database is asked before the event is blamed.
      if (isDatabaseUnavailable(err) && !(await databaseAnswers())) {
        throw interrupted(
          rows.slice(i).map((r) => r.id),
          err,
        );
      }
      result.failed++;
      countOutboxDispatchFailure();
      await markAttemptFailed(row, err, opts).catch((e: unknown) =>
        log.error({ err: e, eventId: row.id }, "could not record an outbox failure"),
      );
    }
  }
  try {
    await markDelivered();
  } catch (err) {
    if (isDatabaseUnavailable(err) && !(await databaseAnswers())) throw interrupted([], err);
    throw err;
  }
  // The backlog and the failures changed: instance admins' /admin/jobs refetches (at most once a second).
  publishSignal({ kind: "jobs" });
  log[result.failed > 0 ? "warn" : "info"](
    {
      ...result,
      durationMs: millisecondsSince(start),
      events: rows.map((row) => ({ id: row.id, type: row.type, requestId: requestIdOfEvent(row) })),
    },
    "outbox batch dispatched",
  );
  return result;
}

const AGGREGATION_EVERY_MS = 30 * 60 * 1000;
/** After a failed aggregation run the next comes sooner: 1 min, doubling up to the regular 30. */
const AGGREGATION_RETRY_MS = 60 * 1000;
/** The longest pause between ticks while the database is unreachable. */
export const MAX_OUTAGE_PAUSE_MS = 10_000;

export interface SideWorkState {
  nextAggregationAt: number;
  aggregationFailures: number;
}

/** When the next aggregation runs after one that ended `ok` (or failed) at `now`. */
export function nextAggregationAt(state: SideWorkState, ok: boolean, now = Date.now()): number {
  state.aggregationFailures = ok ? 0 : state.aggregationFailures + 1;
  if (ok) return now + AGGREGATION_EVERY_MS;
  return now + Math.min(AGGREGATION_EVERY_MS, AGGREGATION_RETRY_MS * 2 ** (state.aggregationFailures - 1));
}

async function runSideWork(state: SideWorkState) {
  try {
    const { runDueWebhookDeliveries } = await import("@/server/services/webhooks/deliveries");
    await runDueWebhookDeliveries();
  } catch (err) {
    if (isDatabaseUnavailable(err) && !(await databaseAnswers())) throw err;
    log.error({ error: errorText(err) }, "webhook deliveries failed");
  }
  if (Date.now() >= state.nextAggregationAt) {
    let ok = false;
    try {
      const { runScheduledAggregation } = await import("@/server/services/stats/aggregate-daily-stats");
      await runScheduledAggregation();
      ok = true;
    } catch (err) {
      log.error({ error: errorText(err) }, "daily statistics failed; retrying sooner");
    }
    try {
      const { timeJobRun } = await import("@/server/services/job-runs");
      const { runRetention } = await import("@/server/services/retention");
      await timeJobRun(
        "retention",
        () => runRetention(),
        (r) => r.join(", "),
      );
    } catch {
      // Logged kind by kind in runRetention; the run is recorded as failed.
    }
    state.nextAggregationAt = nextAggregationAt(state, ok);
  }
}

interface Running {
  stopping: boolean;
  loop: Promise<void>;
  wake: () => void;
}

const globalForDispatcher = globalThis as unknown as { specline_dispatcher?: Running };

export function dispatcherRunning(): boolean {
  return Boolean(globalForDispatcher.specline_dispatcher && !globalForDispatcher.specline_dispatcher.stopping);
}

/**
 * Starts the loop in this process (once; later calls are no-ops). In
 * embedded mode it also runs webhook deliveries and the periodic housekeeping
 * (statistics, expired idempotency keys).
 */
export function startDispatcher(overrides: Partial<DispatcherOptions> = {}): void {
  if (globalForDispatcher.specline_dispatcher) return;
  const opts = { ...defaultOptions(), ...overrides };
  const side: SideWorkState = { nextAggregationAt: 0, aggregationFailures: 0 };
  let wake: () => void = () => {};
  /** Set by a wake-up that came while a tick ran: the next tick follows at once. */
  let woken = false;
  const running: Running = {
    stopping: false,
    wake: () => {
      woken = true;
      wake();
    },
    loop: Promise.resolve(),
  };
  /** Rows an outage interrupted, handed back once the database answers again. */
  let unfinished: string[] = [];
  /** A tick failed after it may have claimed rows: hand back whatever this dispatcher holds first. */
  let mayHold = false;
  let outageTicks = 0;
  let sideWorkAt = 0;
  /**
   * The webhook deliveries and housekeeping in flight. They run beside the dispatch, never in front of
   * it: a delivery waits on its receiver for up to WEBHOOK_TIMEOUT_MS, and statistics read the whole
   * instance, and neither may hold back the notifications of the changes committed meanwhile.
   */
  let sideWork: Promise<void> | null = null;
  running.loop = (async () => {
    while (!running.stopping) {
      let busy = false;
      woken = false;
      try {
        if (unfinished.length > 0) {
          await release(unfinished);
          unfinished = [];
        }
        if (mayHold) {
          await releaseHeldBy();
          mayHold = false;
        }
        const tick = await dispatchOnce(opts, () => running.stopping);
        busy = tick.claimed === opts.batchSize;
        // Webhook deliveries and housekeeping keep their own pace: at most once a poll interval, however often
        // commits wake the loop, and one run at a time.
        if (opts.mode === "embedded" && !running.stopping && !sideWork && Date.now() - sideWorkAt >= opts.pollMs) {
          sideWorkAt = Date.now();
          sideWork = runSideWork(side)
            .catch((err: unknown) => {
              // An outage shows in the dispatch too, which backs off; anything else is worth a line.
              if (!isDatabaseUnavailable(err)) log.error({ error: errorText(err) }, "background work failed");
            })
            .finally(() => {
              sideWork = null;
            });
        }
        if (outageTicks > 0) log.info("the database is back; dispatching outbox events again");
        outageTicks = 0;
      } catch (err) {
        mayHold = true;
        if (err instanceof DispatchInterrupted) unfinished = [...new Set([...unfinished, ...err.unfinished])];
        if (isDatabaseUnavailable(err instanceof DispatchInterrupted ? err.cause : err)) {
          if (outageTicks === 0) log.error("the database is unavailable; the outbox dispatcher retries with back-off");
          outageTicks++;
        } else {
          log.error({ error: errorText(err) }, "outbox dispatcher tick failed");
        }
      }
      if (busy || running.stopping || (woken && outageTicks === 0)) continue;
      const pause = outageTicks > 0 ? Math.min(MAX_OUTAGE_PAUSE_MS, opts.pollMs * 2 ** (outageTicks - 1)) : opts.pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Stopping: the deliveries in flight finish (their receivers answer or time out) before the loop ends.
    await sideWork;
  })();
  globalForDispatcher.specline_dispatcher = running;
  // A change committed in this process: dispatch it now (live streams see it within milliseconds).
  const stopListening = onOutboxWritten(() => running.wake());
  void running.loop.finally(stopListening);
  log.info({ mode: opts.mode, owner: DISPATCHER_ID }, "outbox dispatcher started");
}

/** Finishes the event in hand, releases the rest of the batch and resolves when the loop has ended. */
export async function stopDispatcher(): Promise<void> {
  const running = globalForDispatcher.specline_dispatcher;
  if (!running) return;
  running.stopping = true;
  running.wake();
  await running.loop;
  globalForDispatcher.specline_dispatcher = undefined;
  // Whatever this process still holds (a batch an outage interrupted) goes back now, not when its lease runs out.
  const released = await releaseHeldBy().catch((err: unknown) => {
    log.warn({ error: errorText(err) }, "could not hand back the outbox events this dispatcher held");
    return 0;
  });
  log.info({ owner: DISPATCHER_ID, released }, "outbox dispatcher stopped");
}
