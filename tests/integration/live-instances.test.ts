/**
 * Live streams across instances, over real HTTP with the typed client.
 *
 * On PostgreSQL with Redis: two API instances, each its own process
 * (tests/helpers/app-instance.ts) running the real tRPC endpoint and the
 * outbox dispatcher, sharing the database and Redis — streams are opened
 * on B, changes made through A. On the embedded database (no Redis): one
 * instance in this process, and the same checks in-process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { apiLinks } from "@/lib/trpc/links";
import type { AppRouter } from "@/server/api/root";
import { db } from "@/server/db";
import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";
import { LIVE_CHANNEL_PREFIX, revokeLiveAccess, stopLive } from "@/server/live/bus";
import type { LiveMessage } from "@/server/live/stream";
import { getRedis } from "@/server/redis";
import { addMembership, createProjectWithCast, createUser } from "../helpers/factories";
import { createInstanceServer } from "../helpers/instance-server";
import { sessionCookieFor, until } from "../helpers/session";

const redisUrl = process.env.TEST_REDIS_URL;
/** Two processes sharing PostgreSQL and Redis; without Redis (embedded default) one instance in this process. */
const multi = Boolean(redisUrl && process.env.TEST_DATABASE_URL);

// The shared budget checked below: a small one for searches, the same in every instance.
const EXPENSIVE_PER_MINUTE = 20;
/** The shortest a stream may last: the browser then reconnects by itself and resumes. */
const MAX_DURATION_MS = 10_000;

const children: ChildProcess[] = [];
let local: http.Server | null = null;
let urlA: string;
let urlB: string;
let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

async function startChild(): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "../helpers/app-instance.ts")],
    {
      cwd: path.join(import.meta.dirname, "../.."),
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        RATE_LIMIT_EXPENSIVE_PER_MINUTE: String(EXPENSIVE_PER_MINUTE),
        // The shared budget is under test, not the fallback: on a loaded machine a Redis answer can
        // take longer than the default 50 ms, and the instance would then count in its own memory.
        RATE_LIMIT_REDIS_TIMEOUT_MS: "2000",
        LIVE_MAX_DURATION_MS: String(MAX_DURATION_MS),
        BACKGROUND_JOBS: "on",
        NODE_ENV: "test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let output = "";
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}/api/trpc`);
      }
    });
    child.on("exit", (code) => reject(new Error(`instance exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  if (multi) {
    [urlA, urlB] = await Promise.all([startChild(), startChild()]);
    // This process publishes too (revokeLiveAccess below), through the same Redis.
    process.env.REDIS_URL = redisUrl;
    resetEnvCache();
  } else {
    process.env.RATE_LIMIT_EXPENSIVE_PER_MINUTE = String(EXPENSIVE_PER_MINUTE);
    process.env.LIVE_MAX_DURATION_MS = String(MAX_DURATION_MS);
    resetEnvCache();
    // Streams carried as the route handler's Response here (as under `next dev`); the two processes
    // above carry them on the socket, as the production server does.
    local = createInstanceServer({ carrier: "fetch" });
    await new Promise<void>((resolve) => local?.listen(0, "127.0.0.1", resolve));
    urlA = urlB = `http://127.0.0.1:${(local.address() as AddressInfo).port}/api/trpc`;
    startDispatcher({ pollMs: 50 });
  }
  cast = await createProjectWithCast();
}, 120_000);

afterAll(async () => {
  await stopLive();
  await getRedis()?.quit();
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r)))));
  if (local) {
    local.closeAllConnections();
    local.close();
    await stopDispatcher();
    await stopLive();
  }
});

/** The typed client as another TypeScript program would use it, signed in as `userId`, against `url`. */
async function clientFor(userId: string, url: string) {
  const cookie = await sessionCookieFor(userId);
  const origin = new URL(url).origin;
  const withCookie: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie, origin } });
  return createTRPCClient<AppRouter>({
    links: apiLinks({ url, fetch: withCookie, EventSource, eventSourceOptions: { fetch: withCookie } }),
  });
}

interface Received {
  at: number;
  id: string | undefined;
  message: LiveMessage;
}

/** Opens `live.events` and collects what arrives; `ended` settles when the stream ends or fails. */
async function openStream(userId: string, url: string, input: { projectKey?: string; lastEventId?: string }) {
  const client = await clientFor(userId, url);
  const received: Received[] = [];
  const states: string[] = [];
  let settle!: (value: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((resolve) => {
    settle = resolve;
  });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const subscription = client.live.events.subscribe(input, {
    onData: (data) => {
      const tracked = data as unknown as { id?: string; data?: LiveMessage };
      const message = (tracked.data ?? data) as LiveMessage;
      received.push({ at: Date.now(), id: tracked.id, message });
      if (message.kind === "notifications") started();
    },
    onError: (error) => settle({ error }),
    onComplete: () => settle({}),
    onConnectionStateChange: (state) => states.push(state.state),
  });
  await ready;
  return {
    received,
    states,
    ended,
    changes: () => received.filter((r) => r.message.kind === "change"),
    close: () => subscription.unsubscribe(),
  };
}

function keysOf(received: Received[]): string[] {
  return received.flatMap((r) => (r.message.kind === "change" && r.message.key ? [r.message.key] : []));
}

describe(
  multi ? "live streams across two instances (PostgreSQL + Redis)" : "live streams, one instance (no Redis)",
  () => {
    it("a subscriber on B receives an issue created through A within a second", async () => {
      const stream = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key });
      const a = await clientFor(cast.reporter.id, urlA);
      const issue = await a.issue.create.mutate({ projectKey: cast.key, title: "Live from A" });
      const committed = Date.now();
      await until(() => keysOf(stream.received).includes(issue.key), 5_000);
      const arrived = stream.received.find((r) => r.message.kind === "change" && r.message.key === issue.key);
      expect(arrived?.message).toMatchObject({
        kind: "change",
        type: "issue.created",
        projectKey: cast.key,
        key: issue.key,
        version: 1,
        actorId: cast.reporter.id,
        actorName: cast.reporter.name,
      });
      expect(arrived?.id).toBe(String((arrived?.message as { seq?: number } | undefined)?.seq));
      expect((arrived?.at ?? Number.POSITIVE_INFINITY) - committed).toBeLessThan(1_000);
      stream.close();
    });

    it("a reporter's stream never carries another reporter's issue (50 events); a maintainer's carries all", async () => {
      const other = await createUser({ name: "Other Reporter" });
      await addMembership(cast.project.id, other.id, "REPORTER");
      const mine = await openStream(cast.reporter.id, urlB, { projectKey: cast.key });
      const staff = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key });
      const a = await clientFor(other.id, urlA);
      const theirs: string[] = [];
      for (let i = 0; i < 50; i++)
        theirs.push((await a.issue.create.mutate({ projectKey: cast.key, title: `Other ${i}` })).key);
      // A last issue of the reporter's own, through A: once it arrives, everything before it has been handled.
      const own = await (await clientFor(cast.reporter.id, urlA)).issue.create.mutate({
        projectKey: cast.key,
        title: "Mine",
      });
      await until(() => keysOf(mine.received).includes(own.key) && keysOf(staff.received).includes(own.key));
      expect(keysOf(mine.received).filter((k) => theirs.includes(k))).toEqual([]);
      expect(keysOf(staff.received).filter((k) => theirs.includes(k))).toHaveLength(50);
      // In order, each once.
      const seqs = staff.changes().map((r) => (r.message as { seq: number }).seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      mine.close();
      staff.close();
    });

    it("removal from the project ends the member's stream", async () => {
      const member = await createUser({ name: "Leaving" });
      await addMembership(cast.project.id, member.id, "REPORTER");
      const stream = await openStream(member.id, urlB, { projectKey: cast.key });
      const admin = await clientFor(cast.admin.id, urlA);
      await admin.project.members.remove.mutate({ projectKey: cast.key, userId: member.id });
      const outcome = await Promise.race([
        stream.ended,
        new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), 5_000)),
      ]);
      expect(outcome).toHaveProperty("error");
      const error = (outcome as { error: unknown }).error;
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    });

    it("a role change narrows an open stream at once", async () => {
      const member = await createUser({ name: "Demoted" });
      await addMembership(cast.project.id, member.id, "MAINTAINER");
      const stream = await openStream(member.id, urlB, { projectKey: cast.key });
      const admin = await clientFor(cast.admin.id, urlA);
      const seenAsMaintainer = await admin.issue.create.mutate({ projectKey: cast.key, title: "Before" });
      await until(() => keysOf(stream.received).includes(seenAsMaintainer.key));
      await admin.project.members.setRole.mutate({ projectKey: cast.key, userId: member.id, role: "REPORTER" });
      const hidden = await admin.issue.create.mutate({ projectKey: cast.key, title: "After" });
      // Still open: a requirement change (every member's) arrives, the admin's issue does not.
      const requirement = await admin.requirement.create.mutate({ projectKey: cast.key, title: "After too" });
      await until(() => keysOf(stream.received).includes(requirement.key));
      expect(keysOf(stream.received)).not.toContain(hidden.key);
      stream.close();
    });

    it("access taken away without a change (the revocation hook) ends the stream on every instance", async () => {
      const member = await createUser({ name: "Revoked" });
      const membership = await addMembership(cast.project.id, member.id, "REPORTER");
      const stream = await openStream(member.id, urlB, { projectKey: cast.key });
      await db.membership.delete({ where: { id: membership.id } });
      revokeLiveAccess(member.id);
      const outcome = await Promise.race([
        stream.ended,
        new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), 5_000)),
      ]);
      expect((outcome as { error?: TRPCClientError<AppRouter> }).error?.data?.code).toBe("NOT_FOUND");
    });

    it("a reconnect with the last event id replays exactly the missed changes, none twice", async () => {
      const first = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key });
      const a = await clientFor(cast.admin.id, urlA);
      const before = await a.issue.create.mutate({ projectKey: cast.key, title: "Seen" });
      await until(() => keysOf(first.received).includes(before.key));
      const lastId = first.changes().at(-1)?.id;
      expect(lastId).toMatch(/^\d+$/);
      first.close();

      const missed: string[] = [];
      for (let i = 0; i < 5; i++)
        missed.push((await a.issue.create.mutate({ projectKey: cast.key, title: `Missed ${i}` })).key);
      // Every missed change has been dispatched (numbered) before the reconnect.
      await waitForDispatch();

      const again = await openStream(cast.maintainer.id, urlA, { projectKey: cast.key, lastEventId: lastId });
      const after = await a.issue.create.mutate({ projectKey: cast.key, title: "Live again" });
      await until(() => keysOf(again.received).includes(after.key));
      // Exactly the missed changes and the new one, each once, in number order (the order they were dispatched
      // in, which two dispatchers may make differ from the order they were created in).
      const keys = keysOf(again.received);
      expect(keys).toHaveLength(missed.length + 1);
      expect([...keys].sort()).toEqual([...missed, after.key].sort());
      const seqs = again.changes().map((r) => (r.message as { seq: number }).seq);
      expect(seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] as number))).toBe(true);
      expect(seqs[0]).toBeGreaterThan(Number(lastId));
      again.close();
    });

    it(
      "a stream past its longest duration reconnects by itself and resumes without a gap or a repeat",
      async () => {
        const opened = Date.now();
        const stream = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key });
        const a = await clientFor(cast.admin.id, urlA);
        // Issues keep coming across the moment the server ends the stream (after MAX_DURATION_MS) and EventSource
        // reconnects naming the last event id: those sent while it was away must come in the replay.
        await new Promise((r) => setTimeout(r, Math.max(0, opened + MAX_DURATION_MS - 1_500 - Date.now())));
        const created: string[] = [];
        while (stream.states.filter((s) => s === "pending").length < 2 || created.length < 40) {
          created.push((await a.issue.create.mutate({ projectKey: cast.key, title: `Across ${created.length}` })).key);
          await new Promise((r) => setTimeout(r, 25));
          if (Date.now() > opened + MAX_DURATION_MS + 30_000) throw new Error("the stream did not reconnect");
        }
        const last = created.at(-1) as string;
        // Generous: on a loaded machine (the whole suite runs in parallel) dispatching lags, not what arrives.
        await until(() => keysOf(stream.received).includes(last), 30_000);
        const received = keysOf(stream.received).filter((k) => created.includes(k));
        expect(received).toHaveLength(created.length);
        expect(new Set(received).size).toBe(created.length);
        expect(stream.states).toEqual(["connecting", "pending", "connecting", "pending"]);
        stream.close();
      },
      MAX_DURATION_MS + 70_000,
    );

    it("an event id this server never gave out gets a resync, not a replay", async () => {
      const stream = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key, lastEventId: "999999999999" });
      expect(stream.received[0]?.message).toEqual({ kind: "resync", reason: "unknown_event_id" });
      stream.close();
      const forged = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key, lastEventId: "abc" });
      expect(forged.received[0]?.message).toEqual({ kind: "resync", reason: "unknown_event_id" });
      forged.close();
    });

    it("one user holds at most LIVE_MAX_STREAMS_PER_USER streams on an instance; closing one makes room", async () => {
      const user = await createUser({ name: "Many Tabs" });
      await addMembership(cast.project.id, user.id, "REPORTER");
      const open = [];
      for (let i = 0; i < 20; i++) open.push(await openStream(user.id, urlB, { projectKey: cast.key }));
      const client = await clientFor(user.id, urlB);
      const refused = await new Promise<unknown>((resolve) => {
        client.live.events.subscribe({ projectKey: cast.key }, { onError: resolve, onData: () => resolve(null) });
      });
      expect((refused as TRPCClientError<AppRouter>).data?.code).toBe("TOO_MANY_REQUESTS");
      open.pop()?.close();
      // The server notices the closed connection a moment later.
      await new Promise((r) => setTimeout(r, 300));
      const again = await openStream(user.id, urlB, { projectKey: cast.key });
      again.close();
      for (const stream of open) stream.close();
    });

    it("an outsider cannot open a project's stream", async () => {
      const client = await clientFor(cast.nonMember.id, urlB);
      const error = await new Promise<unknown>((resolve) => {
        client.live.events.subscribe({ projectKey: cast.key }, { onError: resolve, onData: () => resolve(null) });
      });
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    });

    it("the unread count arrives live on the user's stream", async () => {
      const stream = await openStream(cast.maintainer.id, urlB, {});
      const initial = stream.received.find((r) => r.message.kind === "notifications")?.message as { unread: number };
      const reporter = await clientFor(cast.reporter.id, urlA);
      // The maintainer watches the project's issues they are assigned to: assign one to them.
      const issue = await reporter.issue.create.mutate({ projectKey: cast.key, title: "Needs the maintainer" });
      const admin = await clientFor(cast.admin.id, urlA);
      await admin.issue.assign.mutate({
        key: issue.key,
        expectedVersion: issue.version,
        assigneeId: cast.maintainer.id,
      });
      await until(() =>
        stream.received.some((r) => r.message.kind === "notifications" && r.message.unread > initial.unread),
      );
      const arrived = stream.received.find((r) => r.message.kind === "notifications" && r.message.notification);
      expect(arrived?.message).toMatchObject({
        kind: "notifications",
        unread: initial.unread + 1,
        notification: {
          type: "issue.assigned",
          title: expect.stringContaining(issue.key),
          eventId: expect.any(String),
        },
      });
      // Read in one tab: every tab's count drops.
      const maintainer = await clientFor(cast.maintainer.id, urlA);
      await maintainer.notification.markRead.mutate({ all: true });
      await until(() => {
        const latest = stream.received.at(-1)?.message;
        return latest?.kind === "notifications" && latest.unread === 0;
      });
      stream.close();
    });

    it.runIf(multi)("ignores what deployments on other databases publish through the same Redis", async () => {
      const stream = await openStream(cast.maintainer.id, urlB, { projectKey: cast.key });
      const redis = getRedis();
      if (!redis) throw new Error("this test needs Redis");
      // Another database's change, numbered far ahead in its own sequence: were B to take it, it would
      // look like a gap here, and the changes below that number would be skipped as holes.
      const foreign = {
        origin: "another-deployment",
        changes: [
          {
            seq: 1_000_000_000,
            id: "00000000-0000-0000-0000-000000000000",
            type: "issue.created",
            projectId: cast.project.id,
            projectKey: cast.key,
            key: `${cast.key}-I-999999`,
            refs: [],
            actorId: null,
            actorName: null,
            occurredAt: new Date().toISOString(),
            audience: { level: "member" },
          },
        ],
      };
      for (const channel of ["specline:live", `${LIVE_CHANNEL_PREFIX}another-database`]) {
        await redis.publish(channel, JSON.stringify(foreign));
      }
      await new Promise((r) => setTimeout(r, 300));
      const a = await clientFor(cast.reporter.id, urlA);
      const issue = await a.issue.create.mutate({ projectKey: cast.key, title: "After the foreign publish" });
      await until(() => keysOf(stream.received).includes(issue.key), 5_000);
      expect(keysOf(stream.received)).not.toContain(`${cast.key}-I-999999`);
      stream.close();
    });

    it("dispatches every event exactly once with every instance running, numbered without repeats", async () => {
      await waitForDispatch();
      const rows = await db.outboxEvent.findMany({ select: { seq: true, attempts: true, dispatchedAt: true } });
      expect(rows.length).toBeGreaterThan(60);
      expect(rows.every((r) => r.dispatchedAt !== null && r.seq !== null)).toBe(true);
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      expect(new Set(rows.map((r) => String(r.seq))).size).toBe(rows.length);
      const notifications = await db.notification.groupBy({ by: ["userId", "eventId"], _count: { _all: true } });
      expect(notifications.every((n) => n._count._all === 1)).toBe(true);
    });

    it("rate limits are shared: one budget across the instances", async () => {
      const user = await createUser({ name: "Searcher" });
      await addMembership(cast.project.id, user.id, "MAINTAINER");
      const [a, b] = await Promise.all([clientFor(user.id, urlA), clientFor(user.id, urlB)]);
      const outcomes = await Promise.all(
        Array.from({ length: EXPENSIVE_PER_MINUTE }, (_, i) =>
          (i % 2 === 0 ? a : b).search.query
            .query({ projectKey: cast.key, q: "live" })
            .then(() => "ok" as const)
            .catch((e: unknown) => (e instanceof TRPCClientError ? (e.data?.code as string) : "error")),
        ),
      );
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(EXPENSIVE_PER_MINUTE);
      // The budget is spent for this user on both instances.
      for (const client of [a, b]) {
        const refused = await client.search.query.query({ projectKey: cast.key, q: "live" }).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(TRPCClientError);
        expect((refused as TRPCClientError<AppRouter>).data?.code).toBe("TOO_MANY_REQUESTS");
      }
    });
  },
);

async function waitForDispatch() {
  const deadline = Date.now() + 10_000;
  while ((await db.outboxEvent.count({ where: { dispatchedAt: null } })) > 0) {
    if (Date.now() > deadline) throw new Error("events were not dispatched");
    await new Promise((r) => setTimeout(r, 50));
  }
}
