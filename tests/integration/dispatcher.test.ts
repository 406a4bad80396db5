/**
 * The outbox dispatcher against the real database: at-least-once delivery
 * through stops and crashes (with every notification still written exactly
 * once), back-off and giving up (at once for a permanent failure), the admin
 * view and retry, and relaying to Inngest with the outbox id as the event id.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// The relay test talks to a stand-in Inngest server on this port; the client reads the variables once.
const INNGEST_PORT = 3417;
vi.hoisted(() => {
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = "http://127.0.0.1:3417";
});

import { resetEnvCache } from "@/lib/env.mjs";
import { db, disconnectDb } from "@/server/db";
import { PermanentFailure } from "@/server/errors";
import { toDomainEvent } from "@/server/events/domain-events";
import {
  claimBatch,
  DEFAULT_LEASE_MS,
  dispatcherRunning,
  dispatchOnce,
  handleInProcess,
  releaseHeldBy,
  startDispatcher,
  stopDispatcher,
} from "@/server/jobs/dispatcher";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let dataDir: string;
let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-outbox-"));
  process.env.DATA_DIR = dataDir;
  resetEnvCache();
});

afterAll(async () => {
  await stopDispatcher();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  cast = await createProjectWithCast();
  // Each test starts from an empty outbox (the project set-up events are not under test).
  await db.outboxEvent.deleteMany({});
});

async function mailCount() {
  return (await readdir(path.join(dataDir, "mail")).catch(() => [] as string[])).length;
}

/**
 * `count` issues reported by the reporter, each moved to TRIAGED by the
 * maintainer: every status change notifies exactly the reporter, in the
 * app and by email. Creation events are handled first, so the reporter watches.
 */
async function statusChanges(count: number) {
  const reporter = callerFor(cast.reporter.id);
  const keys: string[] = [];
  for (let i = 0; i < count; i++)
    keys.push((await reporter.issue.create({ projectKey: cast.key, title: `Issue ${i}` })).key);
  for (;;) if ((await dispatchOnce({ batchSize: 100, mode: "embedded" })).claimed === 0) break;
  const mailBefore = await mailCount();
  for (const key of keys)
    await callerFor(cast.maintainer.id).issue.transition({ key, expectedVersion: 1, to: "TRIAGED" });
  const events = await db.outboxEvent.findMany({ where: { type: "issue.status_changed" }, select: { id: true } });
  expect(events).toHaveLength(count);
  return { eventIds: events.map((e) => e.id), mailBefore };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function expectEachNotifiedOnce(eventIds: string[], mailBefore: number) {
  const notes = await db.notification.groupBy({ by: ["eventId"], where: { eventId: { in: eventIds } }, _count: true });
  expect(notes).toHaveLength(eventIds.length);
  for (const n of notes) expect(n._count).toBe(1);
  const emails = await db.channelDelivery.findMany({ where: { eventId: { in: eventIds }, channel: "EMAIL" } });
  expect(emails.map((e) => [e.status, e.attempts])).toEqual(eventIds.map(() => ["SENT", 1]));
  expect(await mailCount()).toBe(mailBefore + eventIds.length);
}

describe("outbox dispatcher", () => {
  it("delivers every event after being stopped mid-batch and started again, notifying each person once", async () => {
    const { eventIds, mailBefore } = await statusChanges(12);
    let handled = 0;
    let stopping: Promise<void> | undefined;
    startDispatcher({
      mode: "embedded",
      batchSize: 5,
      pollMs: 20,
      handle: async (event) => {
        const result = await handleInProcess(event);
        handled++;
        // Stop while the first batch is still in hand.
        if (handled === 3) stopping = stopDispatcher();
        return result;
      },
    });
    await waitFor(async () => stopping !== undefined);
    await stopping;
    expect(dispatcherRunning()).toBe(false);
    const delivered = await db.outboxEvent.count({ where: { id: { in: eventIds }, dispatchedAt: { not: null } } });
    expect(delivered).toBe(3);
    // The rest of the batch was handed back, not left leased.
    expect(
      await db.outboxEvent.count({ where: { id: { in: eventIds }, dispatchedAt: null, leaseUntil: { not: null } } }),
    ).toBe(0);

    startDispatcher({ mode: "embedded", batchSize: 5, pollMs: 20 });
    await waitFor(async () => (await db.outboxEvent.count({ where: { dispatchedAt: null } })) === 0);
    await stopDispatcher();
    await expectEachNotifiedOnce(eventIds, mailBefore);
  });

  it("notifies while a webhook receiver hangs: deliveries run beside the dispatch, not in front of it", async () => {
    // A receiver that accepts every request and never answers: each delivery waits out its timeout.
    const sockets = new Set<import("node:net").Socket>();
    const hanging = http.createServer(() => undefined);
    hanging.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const port = (hanging.address() as import("node:net").AddressInfo).port;
    const saved = { private: process.env.ALLOW_PRIVATE_WEBHOOK_URLS, timeout: process.env.WEBHOOK_TIMEOUT_MS };
    process.env.ALLOW_PRIVATE_WEBHOOK_URLS = "true";
    process.env.WEBHOOK_TIMEOUT_MS = "8000";
    resetEnvCache();
    try {
      await callerFor(cast.admin.id).webhook.create({ projectKey: cast.key, url: `http://127.0.0.1:${port}/hook` });
      const reporter = callerFor(cast.reporter.id);
      const issue = await reporter.issue.create({ projectKey: cast.key, title: "Hangs the receiver" });
      startDispatcher({ mode: "embedded", pollMs: 50 });
      // The creation's delivery is under way and hanging.
      await waitFor(async () => sockets.size > 0, 5_000);
      const started = Date.now();
      await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
      await waitFor(
        async () =>
          (await db.notification.count({ where: { userId: cast.reporter.id, type: "issue.status_changed" } })) === 1,
        7_000,
      );
      // Well within the receiver's 8 s timeout: the notification did not wait for the delivery.
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await stopDispatcher();
      await new Promise((resolve) => hanging.close(resolve));
      for (const [key, value] of [
        ["ALLOW_PRIVATE_WEBHOOK_URLS", saved.private],
        ["WEBHOOK_TIMEOUT_MS", saved.timeout],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      resetEnvCache();
    }
  });

  it("takes over the events of a process that died mid-event once their lease runs out", async () => {
    const { eventIds, mailBefore } = await statusChanges(4);
    // A process claims a batch, handles the first event completely, and dies before recording it.
    const claimed = await claimBatch(10, 400);
    expect(claimed.map((r) => r.id).sort()).toEqual([...eventIds].sort());
    await handleInProcess(toDomainEvent(claimed[0]!));

    // While the lease holds, nobody else touches the rows.
    expect((await dispatchOnce({ mode: "embedded" })).claimed).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    const tick = await dispatchOnce({ mode: "embedded" });
    expect(tick).toMatchObject({ claimed: 4, dispatched: 4, failed: 0 });
    // The event handled twice still produced one notification and one email.
    await expectEachNotifiedOnce(eventIds, mailBefore);
  });

  it("renews its leases while a slow batch is worked on, so nobody takes its events over meanwhile", async () => {
    const { eventIds, mailBefore } = await statusChanges(3);
    const other: string[] = [];
    let otherLooked = false;
    const tick = await dispatchOnce({
      mode: "embedded",
      batchSize: 10,
      leaseMs: 600,
      handle: async (event) => {
        if (!otherLooked) {
          // Twice the lease spent on the first event: without renewal the others would be free again.
          await new Promise((r) => setTimeout(r, 1_300));
          other.push(...(await claimBatch(10, 600, "another-instance")).map((r) => r.id));
          otherLooked = true;
        }
        return handleInProcess(event);
      },
    });
    expect(other).toEqual([]);
    expect(tick).toMatchObject({ claimed: 3, dispatched: 3, failed: 0 });
    await expectEachNotifiedOnce(eventIds, mailBefore);
  });

  it("claims with a lease of seconds by default", async () => {
    await statusChanges(1);
    const before = Date.now();
    const [row] = await claimBatch(1, DEFAULT_LEASE_MS, "probe");
    const held = await db.outboxEvent.findUniqueOrThrow({ where: { id: row!.id }, select: { leaseUntil: true } });
    expect(held.leaseUntil!.getTime() - before).toBeLessThanOrEqual(DEFAULT_LEASE_MS + 1_000);
    expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(15_000);
    await releaseHeldBy("probe");
  });

  it("hands back what this process holds after a claim whose answer was lost, leaving other processes' leases", async () => {
    const { eventIds } = await statusChanges(4);
    // Two claims committed: one by another process, one by this one whose connection died before the answer came.
    const theirs = await claimBatch(2, 60_000, "another-process");
    const mine = await claimBatch(10, 60_000);
    expect(mine).toHaveLength(2);
    expect((await dispatchOnce({ mode: "embedded" })).claimed).toBe(0);
    expect(await releaseHeldBy()).toBe(2);
    const tick = await dispatchOnce({ mode: "embedded" });
    expect(tick).toMatchObject({ claimed: 2, dispatched: 2 });
    expect(
      await db.outboxEvent.count({
        where: { id: { in: theirs.map((r) => r.id) }, dispatchedAt: null, leasedBy: "another-process" },
      }),
    ).toBe(2);
    expect(eventIds).toHaveLength(4);
  });

  it("hands back events an outage interrupted, without counting an attempt, as soon as the database answers", async () => {
    const { eventIds, mailBefore } = await statusChanges(6);
    const realUrl = process.env.DATABASE_URL ?? "";
    const unreachable = new URL(realUrl);
    unreachable.port = String(await closedPort());
    /** Points the app at `url`: the next query opens a new pool there. */
    const switchTo = async (url: string) => {
      process.env.DATABASE_URL = url;
      resetEnvCache();
      await disconnectDb();
    };
    let handled = 0;
    let interrupted = false;
    startDispatcher({
      mode: "embedded",
      batchSize: 10,
      // A lease far longer than the test: only the hand-back can make the events come back in time.
      leaseMs: 600_000,
      pollMs: 20,
      handle: async (event) => {
        // The third event meets the database gone, as a restart or a failover would leave it.
        if (++handled === 3 && !interrupted) {
          interrupted = true;
          await switchTo(unreachable.toString());
          await db.user.count();
        }
        return handleInProcess(event);
      },
    });
    try {
      await waitFor(async () => interrupted);
      // Down for a few of the dispatcher's back-off pauses.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await switchTo(realUrl);
    }
    await waitFor(async () => (await db.outboxEvent.count({ where: { dispatchedAt: null } })) === 0);
    await stopDispatcher();
    const rows = await db.outboxEvent.findMany({ where: { id: { in: eventIds } } });
    // The interrupted event was not a failed attempt: no error kept, no back-off, delivered once.
    expect(rows.map((r) => [r.lastError, r.failedAt, r.attempts])).toEqual(eventIds.map(() => [null, null, 1]));
    await expectEachNotifiedOnce(eventIds, mailBefore);
  });

  it("two dispatchers running side by side never handle the same event twice", async () => {
    const { eventIds, mailBefore } = await statusChanges(10);
    const seen: string[] = [];
    const handle = async (event: Parameters<typeof handleInProcess>[0]) => {
      seen.push(event.id);
      return handleInProcess(event);
    };
    const [a, b] = await Promise.all([
      dispatchOnce({ mode: "embedded", batchSize: 6, handle }),
      dispatchOnce({ mode: "embedded", batchSize: 6, handle }),
    ]);
    expect(a.claimed + b.claimed).toBe(10);
    expect(new Set(seen).size).toBe(seen.length);
    await expectEachNotifiedOnce(eventIds, mailBefore);
  });

  it("backs off after a failure, gives up after the last attempt, and lets an admin send it again", async () => {
    await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Doomed" });
    const event = await db.outboxEvent.findFirstOrThrow({ where: { type: "issue.created" } });
    const failing = async () => {
      throw new Error("receiver exploded");
    };
    const options = {
      mode: "embedded" as const,
      handle: failing,
      maxAttempts: 2,
      baseBackoffMs: 60_000,
      maxBackoffMs: 120_000,
    };

    const before = Date.now();
    expect(await dispatchOnce(options)).toMatchObject({ claimed: 1, failed: 1 });
    const once = await db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(once).toMatchObject({
      attempts: 1,
      failedAt: null,
      dispatchedAt: null,
      leaseUntil: null,
      lastError: "Error: receiver exploded",
    });
    // 60 s plus at most 25% jitter.
    expect(once.availableAt.getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(once.availableAt.getTime() - before).toBeLessThanOrEqual(76_000);
    // Not due yet.
    expect((await dispatchOnce(options)).claimed).toBe(0);

    const admin = callerFor(cast.instanceAdmin.id);
    let health = await admin.jobs.outbox();
    // This file configures an Inngest dev server (for the relay test), so that is the reported mode.
    expect(health).toMatchObject({ mode: "inngest", dispatcherRunning: false, pending: 1, retrying: 1, failed: 0 });
    expect(health.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(health.failures[0]).toMatchObject({ id: event.id, lastError: "Error: receiver exploded", failedAt: null });

    await db.outboxEvent.update({ where: { id: event.id }, data: { availableAt: new Date(Date.now() - 1000) } });
    expect(await dispatchOnce(options)).toMatchObject({ claimed: 1, failed: 1 });
    const gaveUp = await db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(gaveUp.attempts).toBe(2);
    expect(gaveUp.failedAt).toBeInstanceOf(Date);
    await db.outboxEvent.update({ where: { id: event.id }, data: { availableAt: new Date(Date.now() - 1000) } });
    expect((await dispatchOnce(options)).claimed).toBe(0);

    health = await admin.jobs.outbox();
    expect(health).toMatchObject({ pending: 0, failed: 1, oldestPendingAgeSeconds: null });
    expect(health.failures.map((f) => f.id)).toContain(event.id);

    // Only instance admins see or retry background work.
    await expectTRPCError(callerFor(cast.admin.id).jobs.outbox(), "FORBIDDEN");
    await expectTRPCError(callerFor(cast.admin.id).jobs.retry({ id: event.id }), "FORBIDDEN");
    await expectTRPCError(admin.jobs.retry({ id: "7d0b5b1e-0000-4000-8000-000000000000" }), "NOT_FOUND");
    await expectTRPCError(admin.jobs.retry({ id: "nope" }), "BAD_REQUEST");

    await expect(admin.jobs.retry({ id: event.id })).resolves.toEqual({ id: event.id, requeued: true });
    // The event, and the retry's own audit event.
    expect(await dispatchOnce({ mode: "embedded" })).toMatchObject({ claimed: 2, dispatched: 2, failed: 0 });
    const delivered = await db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(delivered).toMatchObject({ failedAt: null, lastError: null });
    expect(delivered.dispatchedAt).toBeInstanceOf(Date);
    await expectTRPCError(admin.jobs.retry({ id: event.id }), "CONFLICT");
    const audit = await db.auditEvent.findFirst({ where: { action: "outbox.retried", entityId: event.id } });
    expect(audit?.actorId).toBe(cast.instanceAdmin.id);
  });

  it("gives up at once on a permanent failure instead of retrying it", async () => {
    await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Refused for good" });
    const event = await db.outboxEvent.findFirstOrThrow({ where: { type: "issue.created" } });
    let calls = 0;
    const refusing = async () => {
      calls++;
      throw new PermanentFailure("SMTP refused the message (550)");
    };
    expect(await dispatchOnce({ mode: "embedded", handle: refusing, maxAttempts: 10 })).toMatchObject({
      claimed: 1,
      failed: 1,
    });
    const row = await db.outboxEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(row).toMatchObject({
      attempts: 1,
      dispatchedAt: null,
      lastError: "PermanentFailure: SMTP refused the message (550)",
    });
    expect(row.failedAt).toBeInstanceOf(Date);

    // Not picked up again, even when it would be due.
    await db.outboxEvent.update({ where: { id: event.id }, data: { availableAt: new Date(Date.now() - 1000) } });
    expect((await dispatchOnce({ mode: "embedded", handle: refusing })).claimed).toBe(0);
    expect(calls).toBe(1);
  });
});

describe("relaying to Inngest", () => {
  it("sends each event once, named specline/<type>, with the outbox id as the event id", async () => {
    const received: { url: string; body: unknown }[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ url: req.url ?? "", body: JSON.parse(body || "null") });
        const count = Array.isArray(received.at(-1)!.body) ? (received.at(-1)!.body as unknown[]).length : 1;
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ ids: Array(count).fill("x"), status: 200 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(INNGEST_PORT, "127.0.0.1", resolve));
    try {
      await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Relayed" });
      const row = await db.outboxEvent.findFirstOrThrow({ where: { type: "issue.created" } });
      const tick = await dispatchOnce({ mode: "inngest" });
      expect(tick).toMatchObject({ dispatched: tick.claimed, failed: 0 });
      const sent = received.flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body])) as {
        id: string;
        name: string;
        data: Record<string, unknown>;
      }[];
      const relayed = sent.find((e) => e.id === row.id);
      expect(relayed).toMatchObject({
        name: "specline/issue.created",
        data: {
          outboxId: row.id,
          type: "issue.created",
          projectId: cast.project.id,
          createdAt: row.createdAt.toISOString(),
          actorId: cast.reporter.id,
        },
      });
      // Nothing ran in-process: the one watch is the one filing the issue wrote, no notification was made.
      expect(await db.subscription.count({ where: { userId: cast.reporter.id } })).toBe(1);
      expect(await db.notification.count({ where: { eventId: row.id } })).toBe(0);
      expect(await db.outboxEvent.count({ where: { dispatchedAt: null } })).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("keeps the event for a later attempt when Inngest cannot be reached", async () => {
    await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Unreachable" });
    const tick = await dispatchOnce({ mode: "inngest" });
    expect(tick.failed).toBe(tick.claimed);
    const rows = await db.outboxEvent.findMany({ where: { dispatchedAt: null } });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatchObject({ attempts: 1, failedAt: null, lastError: expect.any(String) });
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}
