/**
 * One hub per process: receives dispatched changes (published by this
 * instance's dispatcher, or by another's through Redis) and hands each to
 * the streams that listen to its project, strictly in `seq` order and each
 * once.
 *
 * Numbers are assigned and committed under one lock (server/jobs/dispatcher.ts,
 * `markDispatched`), so once a change numbered n is committed every lower
 * number is final: committed, or never used (a rolled-back assignment
 * leaves a hole). That makes the database the authority the hub falls back
 * on:
 *   - a change that arrives ahead of a missing number is held for
 *     `gapWaitMs` (publishes from two instances can cross), then the missing
 *     numbers are read from the database; whatever is not there is a hole;
 *   - while any stream listens, the hub also reads what is newer than its
 *     head every `pollMs`, so a publish lost on the way (Redis down, an
 *     instance killed between commit and publish) arrives anyway, only later.
 * Streams can therefore use the last number they sent as a resume point.
 *
 * Fan-out is paced: after handing changes to every stream took d ms, the
 * next hand-out waits until d ms have passed (only once a hand-out takes
 * more than `paceAboveMs`). With thousands of streams, changes that arrive
 * meanwhile go out together — each stream writes them in one go, so a
 * burst costs a socket write per stream per batch rather than per change —
 * and at least half of the process's time stays with requests. A lone
 * change goes out at once.
 */
import type { LiveChange } from "@/server/live/changes";

/** A notification as a stream announces it (its id is the pair of user and `eventId`). */
export interface LiveNotification {
  eventId: string;
  type: string;
  title: string;
  body: string;
  url: string | null;
  createdAt: string;
}

/** Messages for one user's streams, whatever the project. */
export type UserMessage =
  /** The user's unread count changed: a notification arrived (`notification`), or some were read. */
  | { kind: "notifications"; userId: string; unread: number; notification?: LiveNotification }
  /** Re-check what this user may receive: role, membership, sign-in. The hook for revoking access. */
  | { kind: "access"; userId: string };

/**
 * Something worth refetching that is not a numbered change: statistics
 * recomputed for a project (the dashboard), an import's progress (the import page), the background jobs' state
 * (instance admins' `/admin/jobs`). Not kept or replayed: a tab that misses
 * one shows the newer state at its next signal or load.
 */
export type LiveSignal = { kind: "stats" | "imports"; projectId: string } | { kind: "jobs" };

export interface LiveListener {
  /** null: only the user's own messages. */
  projectId: string | null;
  userId: string;
  /** An instance admin's stream: it receives the `jobs` signal. */
  instanceAdmin?: boolean;
  onChange(change: LiveChange): void;
  onUser(message: UserMessage): void;
  onSignal?(signal: LiveSignal): void;
}

export interface HubSource {
  /** Changes numbered after `after` (up to `upTo` if given), oldest first, at most `limit`. */
  read(after: number, upTo: number | undefined, limit: number): Promise<LiveChange[]>;
  /** The highest number committed so far. */
  latest(): Promise<number>;
}

export interface HubOptions {
  gapWaitMs: number;
  pollMs: number;
  /** How many changes one read takes. */
  readBatch: number;
  /** A hand-out that took longer than this paces the next one (see above); 0 never paces. */
  paceAboveMs: number;
}

const DEFAULTS: HubOptions = { gapWaitMs: 150, pollMs: 5_000, readBatch: 500, paceAboveMs: 5 };

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

export class LiveHub {
  /** Every number up to this one has been handed out (or was a hole); null until started. */
  private head: number | null = null;
  private readonly pending = new Map<number, LiveChange>();
  private readonly byProject = new Map<string, Set<LiveListener>>();
  private readonly byUser = new Map<string, Set<LiveListener>>();
  private readonly admins = new Set<LiveListener>();
  private listeners = 0;
  private starting: Promise<void> | null = null;
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private reading: Promise<void> | null = null;
  /** Changes past the head not yet handed to the streams (the hand-out is paced), oldest first. */
  private outgoing: LiveChange[] = [];
  private handOutTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the next hand-out may start (performance.now()). */
  private nextHandOutAt = 0;
  private readonly opts: HubOptions;
  /** Called when a read from the database failed (the next poll tries again). */
  onReadError: (err: unknown) => void = () => {};

  constructor(
    private readonly source: HubSource,
    opts: Partial<HubOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Resolves with the current head once the hub knows where the sequence stands. */
  start(): Promise<number> {
    if (this.starting === null) {
      this.starting = this.source.latest().then(
        (latest) => {
          // Changes offered before the start are kept if they are newer.
          this.head = Math.max(this.head ?? 0, latest);
          this.drain();
          this.handOut();
        },
        (err: unknown) => {
          this.starting = null;
          throw err;
        },
      );
    }
    return this.starting.then(() => this.headSeq());
  }

  /** The number every stream has been handed up to (the replay's upper bound, a new stream's start). */
  headSeq(): number {
    if (this.head === null) throw new Error("The live hub has not started");
    const [first] = this.outgoing;
    return first ? first.seq - 1 : this.head;
  }

  size(): number {
    return this.listeners;
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Registers a stream; the returned function removes it. */
  add(listener: LiveListener): () => void {
    if (listener.projectId) addTo(this.byProject, listener.projectId, listener);
    addTo(this.byUser, listener.userId, listener);
    if (listener.instanceAdmin) this.admins.add(listener);
    this.listeners++;
    this.ensurePolling();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (listener.projectId) removeFrom(this.byProject, listener.projectId, listener);
      removeFrom(this.byUser, listener.userId, listener);
      this.admins.delete(listener);
      this.listeners--;
      if (this.listeners === 0) this.stopPolling();
    };
  }

  /** Dispatched changes, from this instance or another; duplicates and old numbers are dropped. */
  offerChanges(changes: LiveChange[]): void {
    for (const change of changes) {
      if (this.head !== null && change.seq <= this.head) continue;
      this.pending.set(change.seq, change);
    }
    this.drain();
    this.handOut();
  }

  offerUser(message: UserMessage): void {
    for (const listener of [...(this.byUser.get(message.userId) ?? [])]) listener.onUser(message);
  }

  offerSignal(signal: LiveSignal): void {
    const to = signal.kind === "jobs" ? this.admins : this.byProject.get(signal.projectId);
    for (const listener of [...(to ?? [])]) listener.onSignal?.(signal);
  }

  /** Reads what is newer than the head from the database (after a reconnect to Redis, and periodically). */
  catchUp(): Promise<void> {
    if (this.head === null) return this.start().then(() => this.catchUp());
    if (this.reading !== null) return this.reading;
    this.reading = (async () => {
      try {
        for (;;) {
          const after = this.head ?? 0;
          const rows = await this.source.read(after, undefined, this.opts.readBatch);
          // Every row read is committed, so every lower number is final: each row moves the head.
          for (const change of rows) this.advanceTo(change);
          this.drain();
          this.handOut();
          if (rows.length < this.opts.readBatch) break;
        }
      } catch (err) {
        this.onReadError(err);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  stop(): void {
    this.stopPolling();
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    if (this.handOutTimer) clearTimeout(this.handOutTimer);
    this.handOutTimer = null;
  }

  private advanceTo(change: LiveChange) {
    if (this.head === null || change.seq <= this.head) return;
    this.pending.delete(change.seq);
    this.head = change.seq;
    this.deliver(change);
  }

  /** Hands out every pending change that follows the head without a gap; schedules a gap read otherwise. */
  private drain() {
    if (this.head === null) return;
    for (let next = this.pending.get(this.head + 1); next; next = this.pending.get(this.head + 1)) {
      this.pending.delete(next.seq);
      this.head = next.seq;
      this.deliver(next);
    }
    for (const seq of this.pending.keys()) if (seq <= this.head) this.pending.delete(seq);
    if (this.pending.size > 0) this.scheduleGapRead();
    else if (this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  private scheduleGapRead() {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      void this.fillGap();
    }, this.opts.gapWaitMs);
    this.gapTimer.unref?.();
  }

  /** The changes between the head and the lowest pending one are committed or never will be: read them. */
  private async fillGap() {
    if (this.head === null || this.pending.size === 0) return;
    const lowest = Math.min(...this.pending.keys());
    if (lowest <= this.head + 1) {
      this.drain();
      this.handOut();
      return;
    }
    try {
      let after = this.head;
      for (;;) {
        const rows = await this.source.read(after, lowest - 1, this.opts.readBatch);
        for (const change of rows) this.advanceTo(change);
        if (rows.length < this.opts.readBatch) break;
        after = rows[rows.length - 1]?.seq ?? lowest - 1;
      }
      // What is still missing below `lowest` is a hole.
      if (this.head < lowest - 1) this.head = lowest - 1;
      this.drain();
      this.handOut();
    } catch (err) {
      this.onReadError(err);
      this.scheduleGapRead();
    }
  }

  private deliver(change: LiveChange) {
    this.outgoing.push(change);
  }

  /** Hands the outgoing changes to the streams now, or when the pace allows. */
  private handOut() {
    if (this.outgoing.length === 0 || this.handOutTimer) return;
    const wait = this.nextHandOutAt - performance.now();
    if (wait <= 0) {
      this.handOutNow();
      return;
    }
    this.handOutTimer = setTimeout(() => {
      this.handOutTimer = null;
      this.handOutNow();
    }, wait);
    this.handOutTimer.unref?.();
  }

  private handOutNow() {
    const batch = this.outgoing;
    this.outgoing = [];
    const started = performance.now();
    // Each stream takes the batch's changes for its project in one go, in order.
    const byProject = new Map<string, LiveChange[]>();
    for (const change of batch) {
      if (!change.projectId) continue;
      const changes = byProject.get(change.projectId);
      if (changes) changes.push(change);
      else byProject.set(change.projectId, [change]);
    }
    for (const [projectId, changes] of byProject) {
      for (const listener of [...(this.byProject.get(projectId) ?? [])]) {
        for (const change of changes) listener.onChange(change);
      }
    }
    // A change to a user (their instance role) may change what their streams may receive.
    for (const change of batch) if (change.userId) this.offerUser({ kind: "access", userId: change.userId });
    const took = performance.now() - started;
    this.nextHandOutAt = took > this.opts.paceAboveMs ? performance.now() + took : 0;
    // Whatever arrived during the hand-out (a listener may cause arrivals) follows at the pace.
    this.handOut();
  }

  private ensurePolling() {
    if (this.pollTimer || this.opts.pollMs <= 0) return;
    this.pollTimer = setInterval(() => void this.catchUp(), this.opts.pollMs);
    this.pollTimer.unref?.();
  }

  private stopPolling() {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  /** Polls more often while the cross-instance channel is down. */
  setPollMs(ms: number) {
    if (ms === this.opts.pollMs) return;
    this.opts.pollMs = ms;
    if (this.pollTimer) {
      this.stopPolling();
      this.ensurePolling();
    }
  }
}
