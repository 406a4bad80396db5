/**
 * One live stream: what a browser tab receives from `live.events`.
 *
 *   - its user's unread notification count, at once and whenever it changes;
 *   - with a project: every change there that the user may see, in `seq`
 *     order, each tracked with its number as the event id; on a reconnect
 *     naming the last id, exactly the changes after it are read once from
 *     the database and sent first; a gap that is too old or too long (or an
 *     id this server never gave out) is a `resync`: the page refetches.
 *
 * Who may see what is the project procedures' rule, checked in memory: the
 * caller's role is resolved once when the stream opens (`authorizeOrThrow`,
 * the one access check) and again only when a change says their membership
 * or their user changed, or `revokeLiveAccess` asks — so a fan-out runs no
 * query per subscriber. If the answer becomes "no access", the stream ends
 * with that error.
 */
import type { ProjectRole } from "@prisma/client";
import { type TrackedEnvelope, tracked } from "@trpc/server";

import { getEnv } from "@/lib/env.mjs";
import { type ProjectPermission, roleHas } from "@/server/auth/permissions";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { getLive } from "@/server/live/bus";
import {
  describeChanges,
  type LiveChange,
  type LiveChangeMessage,
  readDispatched,
  toMessage,
} from "@/server/live/changes";
import type { LiveNotification, LiveSignal, UserMessage } from "@/server/live/hub";
import { countRateLimitRejection } from "@/server/observability/metrics";
import { canSeeIssue } from "@/server/services/issues/issue-access";
import { countUnread } from "@/server/services/notifications/inbox";

/** The unread count, sent first and whenever it changes; with the new notification when one arrived. */
export interface NotificationsMessage {
  kind: "notifications";
  unread: number;
  notification?: LiveNotification;
}

/** The page should refetch what it shows: changes were missed that cannot be replayed. */
export interface ResyncMessage {
  kind: "resync";
  reason: "gap_too_old" | "unknown_event_id" | "fell_behind";
}

/** Refetch the dashboard (`stats`: this project's statistics were recomputed), an import's progress (`imports`) or `/admin/jobs` (`jobs`). */
export interface SignalMessage {
  kind: "stats" | "imports" | "jobs";
}

export type LiveMessage = LiveChangeMessage | NotificationsMessage | ResyncMessage | SignalMessage;

/** A reconnect replays at most LIVE_REPLAY_MAX_CHANGES of the project's changes, and looks at most this far back in the whole instance's sequence. */
export const REPLAY_MAX_SPAN = 50_000;
/** Messages a stream holds for a browser that does not read; past it the stream says resync and starts over. */
export const STREAM_QUEUE_MAX = 1_000;

/** What a member needs to receive a project's stream at all. */
const STREAM_PERMISSION: ProjectPermission = "project:read";

interface Viewer {
  userId: string;
  /** The effective role in the project (instance admins act as ADMIN); null for a stream without one. */
  role: ProjectRole | null;
}

/** Whether `viewer` may receive `change`: the same rules as reading the item (see LiveAudience). */
export function mayReceive(viewer: Viewer, change: LiveChange): boolean {
  if (!viewer.role) return false;
  const audience = change.audience;
  switch (audience.level) {
    case "member":
      return true;
    case "admin":
      return roleHas(viewer.role, "integrations:read");
    case "issue":
      return canSeeIssue({ userId: viewer.userId, role: viewer.role }, audience);
    case "self":
      return audience.userId === viewer.userId;
  }
}

async function resolveViewer(
  opts: Pick<LiveStreamOptions, "userId" | "sessionId" | "apiToken" | "projectKey" | "requestId">,
) {
  const { userId, sessionId, apiToken, requestId } = opts;
  const projectKey = opts.projectKey ?? null;
  const { scope } = await authorizeOrThrow({
    userId,
    sessionId,
    apiToken,
    projectKey,
    permission: STREAM_PERMISSION,
    requestId,
  });
  return { userId, role: scope?.role ?? null, projectId: scope?.projectId ?? null };
}

/** An event id as this server writes them: a positive integer. */
function parseEventId(id: string | null | undefined): number | null {
  if (!id || !/^[1-9]\d{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

type Item = { change: LiveChange } | { user: UserMessage };

/**
 * Where a stream's messages go: the SSE response (server/api/live-sse.ts)
 * or an async iterator (below). A change's message is one object shared by
 * every stream, so a sink can encode it once for all of them.
 */
export interface LiveSink {
  /** Writes one message; `id` (a change's `seq`) is its event id. False when the reader's buffer is full. */
  send(message: LiveMessage, id?: string): boolean;
  /** Calls `fn` once, when a full buffer has room again. */
  onDrain(fn: () => void): void;
  /** The stream ended with an error (already mapped to the API's error). */
  fail(error: unknown): void;
}

export interface LiveStreamOptions {
  userId: string;
  /** The session the stream was opened with: ending it (sign-out, revocation) ends the stream at the next re-check. */
  sessionId?: string;
  /** Or the API token it was opened with: revoking it ends the stream the same way. */
  apiToken?: { id: string; scope: "READ" | "WRITE" };
  /** The caller is an instance admin: the stream carries the background jobs' signal. */
  instanceAdmin?: boolean;
  projectKey?: string | null;
  /** The last event id the browser saw (a reconnect), as sent. */
  lastEventId?: string | null;
  requestId: string;
  signal?: AbortSignal;
  /** How an error that ends the stream reaches the sink (the API maps domain errors to its codes). */
  mapError?: (err: unknown) => unknown;
}

/**
 * Checks access and the stream limits, then returns the stream (which starts
 * listening when a sink attaches, or when it is first iterated). A caller
 * without access gets the error here, as the call's answer, rather than as
 * the stream's first event.
 */
export async function openLiveStream(opts: LiveStreamOptions): Promise<LiveStream> {
  const env = getEnv();
  const viewer = await resolveViewer(opts);
  const { hub } = getLive();
  if (hub.size() >= env.LIVE_MAX_STREAMS) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "This server has as many live streams open as it allows; try again shortly",
    );
  }
  if (hub.countFor(opts.userId) >= env.LIVE_MAX_STREAMS_PER_USER) {
    countRateLimitRejection("live-streams");
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `At most ${env.LIVE_MAX_STREAMS_PER_USER} live streams per user; close another tab or window`,
    );
  }
  return new LiveStream(viewer, opts);
}

/** A viewer as resolved when the stream opened: who, their role, and the project. */
type ResolvedViewer = Awaited<ReturnType<typeof resolveViewer>>;

/**
 * A stream that has passed its checks. `attach` connects it to a sink and
 * returns the function that detaches it (the connection closed). Iterating
 * it instead yields the messages (changes `tracked` by their number), for
 * tRPC's own transport and in-process callers.
 */
export class LiveStream implements AsyncIterable<LiveMessage | TrackedEnvelope<LiveMessage>> {
  private used = false;

  constructor(
    private readonly viewer: ResolvedViewer,
    private readonly opts: LiveStreamOptions,
  ) {}

  attach(sink: LiveSink): () => void {
    if (this.used) throw new Error("A live stream is attached once");
    this.used = true;
    const subscription = new Subscription(this.viewer, this.opts, sink);
    return () => subscription.close();
  }

  [Symbol.asyncIterator]() {
    const buffered: { message: LiveMessage; id?: string }[] = [];
    let failure: { error: unknown } | null = null;
    let wake: (() => void) | null = null;
    let drained: (() => void) | null = null;
    const detach = this.attach({
      send(message, id) {
        buffered.push({ message, id });
        wake?.();
        return buffered.length < STREAM_QUEUE_MAX;
      },
      onDrain(fn) {
        drained = fn;
      },
      fail(error) {
        failure = { error };
        wake?.();
      },
    });
    const signal = this.opts.signal;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    const finish = () => {
      detach();
      signal?.removeEventListener("abort", onAbort);
    };
    return {
      async next(): Promise<IteratorResult<LiveMessage | TrackedEnvelope<LiveMessage>>> {
        for (;;) {
          if (signal?.aborted) {
            finish();
            return { done: true, value: undefined };
          }
          const item = buffered.shift();
          if (item) {
            if (buffered.length === 0 && drained) {
              const fn = drained;
              drained = null;
              fn();
            }
            return { done: false, value: item.id === undefined ? item.message : tracked(item.id, item.message) };
          }
          if (failure) {
            finish();
            throw failure.error;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
      },
      async return() {
        finish();
        return { done: true as const, value: undefined };
      },
    };
  }
}

/**
 * One attached stream. Changes and user messages are handled as the hub
 * hands them over, synchronously, so a fan-out costs one call per stream;
 * while something asynchronous runs (the start, or re-checking access),
 * what arrives waits in order behind it.
 */
class Subscription {
  private readonly remove: () => void;
  private readonly waiting: Item[] = [];
  /** Something asynchronous is running: arrivals wait. */
  private busy = true;
  private closed = false;
  /** The reader's buffer is full: changes are skipped until it drains, then the page is told to resync. */
  private behind = false;
  /** More arrived while busy than a stream holds: the page is told to resync when the work is done. */
  private missed = false;
  /** The number of the last change this stream has handled (sent, or not for this viewer). */
  private sent = 0;

  constructor(
    private viewer: ResolvedViewer,
    private readonly opts: LiveStreamOptions,
    private readonly sink: LiveSink,
  ) {
    // Listening starts before the replay is read, so nothing falls between the two; numbers dedupe.
    this.remove = getLive().hub.add({
      projectId: viewer.projectId,
      userId: opts.userId,
      instanceAdmin: opts.instanceAdmin ?? false,
      onChange: (change) => this.arrive({ change }),
      onUser: (user) => this.arrive({ user }),
      onSignal: (signal) => this.signal(signal),
    });
    void this.run(this.start());
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.waiting.length = 0;
    this.remove();
  }

  private async start() {
    const { hub } = getLive();
    const head = await hub.start();
    if (this.viewer.projectId && this.opts.lastEventId != null) {
      const replay = await readReplay(this.viewer.projectId, parseEventId(this.opts.lastEventId), head);
      if (this.closed) return;
      if ("resync" in replay) this.resync(replay.resync);
      else for (const change of replay.changes) if (mayReceive(this.viewer, change)) this.emitChange(change);
    }
    this.sent = Math.max(this.sent, head);
    const unread = await countUnread(this.opts.userId);
    // Numbered with the position the stream starts from, so a tab that saw no change before its
    // connection dropped still resumes from here and is replayed what happened while it was away.
    if (!this.closed) this.emit({ kind: "notifications", unread }, String(this.sent));
  }

  private arrive(item: Item) {
    if (this.closed) return;
    if (this.busy) {
      // A reader this far behind gets a resync instead of everything it missed.
      if (this.waiting.length >= STREAM_QUEUE_MAX) {
        this.waiting.length = 0;
        this.missed = true;
        this.sent = getLive().hub.headSeq();
      } else this.waiting.push(item);
      return;
    }
    const pending = this.handle(item);
    if (pending !== undefined) void this.run(pending);
  }

  /** Runs `work` with arrivals waiting, then handles what waited, in order. */
  private async run(work: Promise<void>) {
    this.busy = true;
    try {
      await work;
      for (let item = this.waiting.shift(); item && !this.closed; item = this.waiting.shift()) {
        const pending = this.handle(item);
        if (pending !== undefined) await pending;
      }
      if (this.missed && !this.closed) {
        this.missed = false;
        this.resync("fell_behind");
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  /** Handles one arrival; returns a promise when it needs to re-check access first. */
  private handle(item: Item): Promise<void> | undefined {
    if ("user" in item) {
      if (item.user.kind === "notifications") {
        const { userId: _userId, ...message } = item.user;
        this.emit(message);
        return;
      }
      return this.recheck();
    }
    const { change } = item;
    if (change.seq <= this.sent) return;
    if (change.memberUserId === this.opts.userId) {
      return this.recheck().then(() => this.deliver(change));
    }
    this.deliver(change);
  }

  /** Signals are not numbered or ordered with changes: sent as they come, once the stream has started. */
  private signal(signal: LiveSignal) {
    if (this.closed || this.busy) return;
    this.emit({ kind: signal.kind });
  }

  private deliver(change: LiveChange) {
    if (this.closed || change.seq <= this.sent) return;
    if (mayReceive(this.viewer, change)) this.emitChange(change);
    else this.sent = change.seq;
  }

  private emitChange(change: LiveChange) {
    this.sent = change.seq;
    this.emit(toMessage(change), String(change.seq));
  }

  private emit(message: LiveMessage, id?: string) {
    if (this.closed || this.behind) return;
    if (this.sink.send(message, id)) return;
    this.behind = true;
    this.sink.onDrain(() => this.catchUpAfterOverflow());
  }

  /** The reader missed changes while its buffer was full: tell the page to refetch, and go on from the head. */
  private catchUpAfterOverflow() {
    if (this.closed || !this.behind) return;
    this.behind = false;
    this.resync("fell_behind");
  }

  private resync(reason: ResyncMessage["reason"]) {
    const head = getLive().hub.headSeq();
    this.sent = Math.max(this.sent, head);
    this.emit({ kind: "resync", reason }, String(head));
  }

  /** Access may have changed: resolve it again (failing — ending the stream — when it is gone). */
  private async recheck() {
    const next = await resolveViewer(this.opts);
    this.viewer = { ...this.viewer, role: next.role };
  }

  private fail(err: unknown) {
    if (this.closed) return;
    this.close();
    this.sink.fail(this.opts.mapError ? this.opts.mapError(err) : err);
  }
}

/** The project's changes after `after` up to `head`, or why they cannot be replayed. */
async function readReplay(
  projectId: string,
  after: number | null,
  head: number,
): Promise<{ changes: LiveChange[] } | { resync: ResyncMessage["reason"] }> {
  if (after === null || after > head) return { resync: "unknown_event_id" };
  if (head - after > REPLAY_MAX_SPAN) return { resync: "gap_too_old" };
  if (after === head) return { changes: [] };
  // The event the browser saw must still be kept: everything after a kept event is kept too (pruning goes oldest first).
  const [seen] = await readDispatched({ after: after - 1, upTo: after, limit: 1 });
  if (!seen) return { resync: "gap_too_old" };
  const most = getEnv().LIVE_REPLAY_MAX_CHANGES;
  const rows = await readDispatched({ after, upTo: head, projectId, limit: most + 1 });
  if (rows.length > most) return { resync: "gap_too_old" };
  return { changes: await describeChanges(rows) };
}
