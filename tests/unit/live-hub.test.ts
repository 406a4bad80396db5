/**
 * The live hub's ordering rules against a stand-in for the database: every
 * change reaches the streams of its project once and in number order,
 * whatever order publishes arrive in; missing numbers are read back, holes
 * skipped, lost publishes caught up by polling.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

import type { LiveChange } from "@/server/live/changes";
import { type HubSource, LiveHub, type UserMessage } from "@/server/live/hub";

function change(seq: number, projectId = "p1", extra: Partial<LiveChange> = {}): LiveChange {
  return {
    seq,
    id: `e${seq}`,
    type: "issue.created",
    projectId,
    projectKey: projectId.toUpperCase(),
    key: `K-${seq}`,
    refs: [],
    actorId: null,
    actorName: null,
    occurredAt: new Date(0).toISOString(),
    audience: { level: "member" },
    ...extra,
  };
}

/** The committed rows; `reads` records every read the hub makes. */
function database(committed: LiveChange[] = []) {
  const rows = [...committed];
  const reads: [number, number | undefined][] = [];
  const source: HubSource = {
    async read(after, upTo, limit) {
      reads.push([after, upTo]);
      return rows
        .filter((c) => c.seq > after && (upTo === undefined || c.seq <= upTo))
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
    async latest() {
      return rows.reduce((max, c) => Math.max(max, c.seq), 0);
    },
  };
  return { rows, reads, source };
}

function listen(hub: LiveHub, projectId: string | null, userId = "u1") {
  const seen: number[] = [];
  const messages: UserMessage[] = [];
  const remove = hub.add({
    projectId,
    userId,
    onChange: (c) => seen.push(c.seq),
    onUser: (m) => messages.push(m),
  });
  return { seen, messages, remove };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("live hub", () => {
  it("hands each change to the streams of its project, in order, once", async () => {
    const db = database([change(1)]);
    const hub = new LiveHub(db.source, { pollMs: 0 });
    expect(await hub.start()).toBe(1);
    const p1 = listen(hub, "p1");
    const p2 = listen(hub, "p2", "u2");
    hub.offerChanges([change(2), change(3, "p2"), change(4)]);
    hub.offerChanges([change(2), change(4)]); // echoes and repeats
    hub.offerChanges([change(1)]); // older than the start
    expect(p1.seen).toEqual([2, 4]);
    expect(p2.seen).toEqual([3]);
    expect(hub.headSeq()).toBe(4);
    expect(db.reads).toEqual([]);
  });

  it("holds a change that overtook a lower number until that one arrives, without reading", async () => {
    vi.useFakeTimers();
    const db = database();
    const hub = new LiveHub(db.source, { pollMs: 0, gapWaitMs: 150 });
    await hub.start();
    const p1 = listen(hub, "p1");
    hub.offerChanges([change(2)]);
    expect(p1.seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    hub.offerChanges([change(1)]);
    expect(p1.seen).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(500);
    expect(db.reads).toEqual([]);
  });

  it("reads a missing number from the database after the wait, and skips a number never committed", async () => {
    vi.useFakeTimers();
    const db = database();
    const hub = new LiveHub(db.source, { pollMs: 0, gapWaitMs: 150 });
    await hub.start();
    const p1 = listen(hub, "p1");
    // 1 was committed but its publish was lost; 2 was rolled back (a hole); 3 arrives.
    db.rows.push(change(1), change(3));
    hub.offerChanges([change(3)]);
    await vi.advanceTimersByTimeAsync(149);
    expect(p1.seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(p1.seen).toEqual([1, 3]);
    expect(db.reads).toEqual([[0, 2]]);
    expect(hub.headSeq()).toBe(3);
    // A late echo of 1 changes nothing.
    hub.offerChanges([change(1)]);
    expect(p1.seen).toEqual([1, 3]);
  });

  it("catches up on changes nobody published by reading the database while streams listen", async () => {
    vi.useFakeTimers();
    const db = database();
    const hub = new LiveHub(db.source, { pollMs: 1_000 });
    await hub.start();
    db.rows.push(change(1), change(2));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(db.reads).toEqual([]); // nobody listens: no polling
    const p1 = listen(hub, "p1");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(p1.seen).toEqual([1, 2]);
    p1.remove();
    const reads = db.reads.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(db.reads.length).toBe(reads);
  });

  it("keeps changes offered before it knew where the sequence stood, if they are newer", async () => {
    const db = database([change(1), change(2)]);
    const hub = new LiveHub(db.source, { pollMs: 0 });
    const p1 = listen(hub, "p1");
    hub.offerChanges([change(2), change(3)]);
    await hub.start();
    expect(p1.seen).toEqual([3]);
  });

  it("sends user messages to that user's streams only, and asks them to re-check access when their user changes", async () => {
    const hub = new LiveHub(database().source, { pollMs: 0 });
    await hub.start();
    const mine = listen(hub, "p1", "u1");
    const theirs = listen(hub, null, "u2");
    hub.offerUser({ kind: "notifications", userId: "u1", unread: 3 });
    hub.offerChanges([change(1, "p1", { userId: "u2", type: "user.role_changed" })]);
    expect(mine.messages).toEqual([{ kind: "notifications", userId: "u1", unread: 3 }]);
    expect(theirs.messages).toEqual([{ kind: "access", userId: "u2" }]);
    expect(hub.countFor("u1")).toBe(1);
    mine.remove();
    mine.remove();
    expect(hub.countFor("u1")).toBe(0);
    expect(hub.size()).toBe(1);
  });

  it("paces a slow hand-out: what arrives meanwhile goes out together, after as long again; a lone change at once", async () => {
    const hub = new LiveHub(database().source, { pollMs: 0 });
    await hub.start();
    // Each hand-out is one synchronous call per stream and change: changes seen in one task went out together.
    const batches: number[][] = [];
    let open: number[] | null = null;
    hub.add({
      projectId: "p1",
      userId: "u1",
      onChange: (c) => {
        if (!open) {
          const batch: number[] = [];
          open = batch;
          batches.push(batch);
          queueMicrotask(() => {
            open = null;
          });
        }
        open.push(c.seq);
        // The first hand-out is slow, as a fan-out to thousands of streams is.
        if (c.seq === 1) for (const until = performance.now() + 30; performance.now() < until; );
      },
      onUser: () => {},
    });
    hub.offerChanges([change(1)]);
    expect(batches).toEqual([[1]]);
    hub.offerChanges([change(2)]);
    await new Promise((r) => setTimeout(r, 5));
    hub.offerChanges([change(3)]);
    expect(batches).toEqual([[1]]);
    // A stream starting now starts after what it has not been handed yet, so it receives 2 and 3.
    expect(hub.headSeq()).toBe(1);
    await vi.waitFor(() => expect(batches).toEqual([[1], [2, 3]]), { timeout: 1_000, interval: 5 });
    expect(hub.headSeq()).toBe(3);
    // That hand-out was quick: the next change goes out at once.
    hub.offerChanges([change(4)]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
    hub.stop();
  });
});
