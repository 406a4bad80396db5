/**
 * Fan-out between instances. A published change or user message goes to
 * this process's hub at once and, with `REDIS_URL`, to every other
 * instance through one Redis pub/sub channel (one subscriber connection per
 * process, opened when the first stream starts). Without Redis there is
 * only this process.
 *
 * Publishing never blocks and never fails the caller: the change is already
 * committed, and a publish lost on the way is read from the database by the
 * hubs (see hub.ts). While the subscriber connection is down the hub reads
 * the database every second instead of every five.
 */
import { randomUUID } from "node:crypto";

import { Prisma } from "@prisma/client";
import type Redis from "ioredis";
import { queryRows } from "@/server/db";
import { type DispatchedRow, describeChanges, type LiveChange, latestSeq, readDispatched } from "@/server/live/changes";
import { LiveHub, type LiveSignal, type UserMessage } from "@/server/live/hub";
import { log } from "@/server/observability/log";
import { getRedis } from "@/server/redis";

export const LIVE_CHANNEL_PREFIX = "specline:live:";

/**
 * The channel of this database: every instance sharing the database shares
 * it, and deployments (or test runs) sharing one Redis with other databases
 * do not hear each other — a change numbered in another database would
 * otherwise look like a gap here and make the hub skip real changes. Named
 * by the database's name and its cluster's system identifier where the
 * role may read it.
 */
let channel: Promise<string> | null = null;
export function liveChannel(): Promise<string> {
  channel ??= (async () => {
    const [named] = await queryRows<{ name: string }>(Prisma.sql`SELECT current_database() AS name`);
    let cluster = "";
    try {
      const [row] = await queryRows<{ id: string }>(
        Prisma.sql`SELECT system_identifier::text AS id FROM pg_control_system()`,
      );
      cluster = row?.id ?? "";
    } catch {
      // Not readable by this role: the database's name alone.
    }
    return `${LIVE_CHANNEL_PREFIX}${cluster ? `${cluster}:` : ""}${named?.name ?? "default"}`;
  })();
  channel.catch(() => {
    channel = null;
  });
  return channel;
}

/**
 * Tells this process's own messages apart when Redis echoes them back. On
 * globalThis, like the hub: the server's bundles (route handlers, the
 * instrumentation that runs the dispatcher) each load this module.
 */
const globalForInstance = globalThis as { specline_instance_id?: string };
globalForInstance.specline_instance_id ??= randomUUID();
const INSTANCE_ID = globalForInstance.specline_instance_id;

interface Envelope {
  origin: string;
  changes?: LiveChange[];
  user?: UserMessage;
  signal?: LiveSignal;
}

const POLL_MS = 5_000;
const POLL_MS_WITHOUT_CHANNEL = 1_000;

interface LiveState {
  hub: LiveHub;
  subscriber: Redis | null;
  /** Whether the subscriber connection is subscribed right now (null without Redis). */
  channelUp: boolean | null;
}

const globalForLive = globalThis as unknown as { specline_live?: LiveState };

let reportedPublishFailure = false;

function reportPublishFailure(err: unknown) {
  if (reportedPublishFailure) return;
  reportedPublishFailure = true;
  log.warn(
    { error: err instanceof Error ? err.message : String(err) },
    "live: publishing to Redis failed; other instances catch up from the database",
  );
}

/** The hub's database reads: the same description the dispatcher publishes. */
export const databaseSource = {
  async read(after: number, upTo: number | undefined, limit: number): Promise<LiveChange[]> {
    return describeChanges(await readDispatched({ after, upTo, limit }));
  },
  latest: latestSeq,
};

function connectSubscriber(state: LiveState, redis: Redis) {
  const subscriber = redis.duplicate({ commandTimeout: undefined, maxRetriesPerRequest: null });
  state.subscriber = subscriber;
  state.channelUp = false;
  let reported = false;
  subscriber.on("error", (err: Error) => {
    if (!reported) log.warn({ error: err.message }, "live: Redis subscriber failed; reading the database meanwhile");
    reported = true;
  });
  subscriber.on("close", () => {
    state.channelUp = false;
    state.hub.setPollMs(POLL_MS_WITHOUT_CHANNEL);
  });
  subscriber.on("ready", () => {
    reported = false;
    // Subscriptions are restored by ioredis on reconnect; anything published meanwhile is in the database.
    liveChannel()
      .then((name) => subscriber.subscribe(name))
      .then(
        () => {
          state.channelUp = true;
          state.hub.setPollMs(POLL_MS);
          void state.hub.catchUp();
        },
        () => {},
      );
  });
  subscriber.on("message", (_channel: string, raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === INSTANCE_ID) return;
    if (envelope.changes) state.hub.offerChanges(envelope.changes);
    if (envelope.user) state.hub.offerUser(envelope.user);
    if (envelope.signal) state.hub.offerSignal(envelope.signal);
  });
}

/** Live streams open on this instance now (0 before the first one created the hub; never creates it). */
export function liveStreamCount(): number {
  return globalForLive.specline_live?.hub.size() ?? 0;
}

/** This process's hub, with its Redis subscriber when REDIS_URL is set (created on first use). */
export function getLive(): LiveState {
  const existing = globalForLive.specline_live;
  if (existing) return existing;
  const redis = getRedis();
  const hub = new LiveHub(databaseSource, { pollMs: redis ? POLL_MS_WITHOUT_CHANNEL : POLL_MS });
  let reported = false;
  hub.onReadError = (err) => {
    if (!reported)
      log.error({ error: err instanceof Error ? err.message : String(err) }, "live: reading dispatched events failed");
    reported = true;
    setTimeout(() => {
      reported = false;
    }, 60_000).unref?.();
  };
  const state: LiveState = { hub, subscriber: null, channelUp: null };
  globalForLive.specline_live = state;
  if (redis) connectSubscriber(state, redis);
  return state;
}

export function getHub(): LiveHub {
  return getLive().hub;
}

function send(envelope: Omit<Envelope, "origin">) {
  const redis = getRedis();
  if (!redis) return;
  liveChannel()
    .then((name) => redis.publish(name, JSON.stringify({ origin: INSTANCE_ID, ...envelope })))
    .then(() => {
      reportedPublishFailure = false;
    }, reportPublishFailure);
}

/** Hands committed, numbered changes to every instance's streams. Never throws, never waits. */
export function publishChanges(changes: LiveChange[]): void {
  if (changes.length === 0) return;
  globalForLive.specline_live?.hub.offerChanges(changes);
  send({ changes });
}

/** Publishes go out in the order they were asked for, so a hub rarely has to wait for a number. */
let publishing: Promise<void> = Promise.resolve();

/**
 * Describes dispatched rows and publishes them, after any publish asked for
 * earlier; a failure only delays them (the hubs read them later).
 */
export function publishDispatched(rows: DispatchedRow[]): Promise<void> {
  const described = describeChanges(rows);
  described.catch(() => {});
  publishing = publishing.then(async () => {
    try {
      publishChanges(await described);
    } catch (err) {
      reportPublishFailure(err);
    }
  });
  return publishing;
}

/** A message for one user's streams on every instance (unread count, access re-check). Never throws. */
export function publishUserMessage(message: UserMessage): void {
  globalForLive.specline_live?.hub.offerUser(message);
  send({ user: message });
}

/** At most one `jobs` signal a second from each process: the page refetches, a burst of ticks needs one. */
const JOBS_SIGNAL_MS = 1_000;
let lastJobsSignal = 0;
let jobsSignalTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * A signal for every instance's streams (see LiveSignal). `jobs` signals
 * are thinned to one a second per process, the last one always sent. Never
 * throws.
 */
export function publishSignal(signal: LiveSignal): void {
  if (signal.kind === "jobs") {
    const wait = lastJobsSignal + JOBS_SIGNAL_MS - Date.now();
    if (wait > 0) {
      jobsSignalTimer ??= setTimeout(() => {
        jobsSignalTimer = null;
        publishSignal(signal);
      }, wait);
      jobsSignalTimer.unref?.();
      return;
    }
    lastJobsSignal = Date.now();
  }
  globalForLive.specline_live?.hub.offerSignal(signal);
  send({ signal });
}

/**
 * The one hook for taking access away: every stream of `userId`, on every
 * instance, re-checks who its user is and what they may see, and ends if
 * the answer is nothing. Membership and role changes arrive as changes and
 * trigger the same re-check.
 */
export function revokeLiveAccess(userId: string): void {
  publishUserMessage({ kind: "access", userId });
}

/**
 * Live fan-out for readiness: `in-process` without Redis (one instance by
 * design), `idle` with Redis before the first stream opened here, then `up`,
 * or `degraded` while the subscriber connection is down (streams still get
 * every change, from the database, up to a second later).
 */
export function liveStatus(): "in-process" | "idle" | "up" | "degraded" {
  if (!getRedis()) return "in-process";
  const state = globalForLive.specline_live;
  if (!state || state.channelUp === null) return "idle";
  return state.channelUp ? "up" : "degraded";
}

/** Closes the subscriber connection and stops the hub (tests, shutdown). */
export async function stopLive(): Promise<void> {
  const state = globalForLive.specline_live;
  if (!state) return;
  globalForLive.specline_live = undefined;
  state.hub.stop();
  if (state.subscriber) await state.subscriber.quit().catch(() => state.subscriber?.disconnect());
}
