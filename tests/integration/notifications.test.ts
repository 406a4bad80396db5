/**
 * Watching and notifications end to end against the real database: domain
 * events written by the services are dispatched in-process (as in the
 * embedded default) or run through the `notify-on-event` Inngest function
 * with @inngest/test, and must reach exactly the right people, once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { db } from "@/server/db";
import { toDomainEvent } from "@/server/events/domain-events";
import { toInngestEvent } from "@/server/jobs/events";
import { notifyOnEvent } from "@/server/jobs/functions/notify-on-event";
import { notifyForEvent } from "@/server/services/notifications/fan-out";

import { addMembership, callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";
import { drainOutbox, mailTo } from "../helpers/mail";

let dataDir: string;
let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-notify-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.SMTP_URL;
  // The Slack stand-in listens on loopback.
  process.env.ALLOW_PRIVATE_WEBHOOK_URLS = "true";
  resetEnvCache();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  // Events of earlier tests must not leak into this one's counts.
  await db.outboxEvent.deleteMany({});
  cast = await createProjectWithCast();
});

async function notificationsOf(userId: string) {
  return db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

describe("watching", () => {
  it("makes creators, assignees and mentioned users watch automatically, and never undoes an explicit unwatch", async () => {
    const maint = callerFor(cast.maintainer.id);
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Login fails" });
    const req = await maint.requirement.create({
      projectKey: cast.key,
      title: "Login",
      statement: "Users shall log in.",
    });
    // At once, in the same transaction as the item: the page right after filing shows "Unwatch".
    await expect(callerFor(cast.reporter.id).subscription.status({ key: issue.key })).resolves.toMatchObject({
      watching: true,
      reason: "created",
    });
    await expect(maint.subscription.status({ key: req.key })).resolves.toMatchObject({ watching: true });
    await drainOutbox();
    await expect(callerFor(cast.reporter.id).subscription.status({ key: issue.key })).resolves.toMatchObject({
      watching: true,
      reason: "created",
    });
    await expect(maint.subscription.status({ key: req.key })).resolves.toMatchObject({
      watching: true,
      reason: "created",
    });

    // The admin unwatches first; being assigned later does not turn it back on.
    const admin = callerFor(cast.admin.id);
    await admin.subscription.set({ key: issue.key, watching: false });
    await maint.issue.assign({ key: issue.key, expectedVersion: 1, assigneeId: cast.admin.id });
    await maint.issue.comments.add({ key: issue.key, body: `@${cast.admin.email} please look` });
    await drainOutbox();
    await expect(admin.subscription.status({ key: issue.key })).resolves.toMatchObject({ watching: false });

    await maint.issue.assign({ key: issue.key, expectedVersion: 2, assigneeId: cast.maintainer.id });
    await drainOutbox();
    await expect(maint.subscription.status({ key: issue.key })).resolves.toMatchObject({
      watching: true,
      reason: "assigned",
    });

    await admin.subscription.set({ key: issue.key, watching: true });
    await expect(admin.subscription.status({ key: issue.key })).resolves.toMatchObject({
      watching: true,
      reason: "manual",
    });
  });

  it("refuses to watch what the caller cannot see, with NOT_FOUND", async () => {
    const secret = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Internal" });
    await expectTRPCError(
      callerFor(cast.reporter.id).subscription.set({ key: secret.key, watching: true }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      callerFor(cast.nonMember.id).subscription.set({ key: secret.key, watching: true }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      callerFor(cast.nonMember.id).subscription.set({ projectKey: cast.key, watching: true }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      callerFor(cast.reporter.id).subscription.set({ key: `${cast.key}-999`, watching: true }),
      "NOT_FOUND",
    );
    await expectTRPCError(callerFor(null).subscription.set({ projectKey: cast.key, watching: true }), "UNAUTHORIZED");
    await expectTRPCError(
      callerFor(cast.reporter.id).subscription.set({ key: "nonsense", watching: true } as never),
      "BAD_REQUEST",
    );
    expect(await db.subscription.count({ where: { userId: { in: [cast.reporter.id, cast.nonMember.id] } } })).toBe(0);
  });
});

describe("notifying", () => {
  it("tells watchers about a status change, but not the person who made it", async () => {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Crash on save" });
    await callerFor(cast.admin.id).subscription.set({ projectKey: cast.key, watching: true });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();

    const reporterNotes = await notificationsOf(cast.reporter.id);
    expect(reporterNotes.map((n) => n.type)).toEqual(["issue.status_changed"]);
    expect(reporterNotes[0]).toMatchObject({
      title: `Maintainer moved ${issue.key} from Open to Triaged`,
      url: `/projects/${cast.key}/issues/${issue.key}`,
      readAt: null,
    });
    // The project watcher hears about the new issue and the change.
    expect((await notificationsOf(cast.admin.id)).map((n) => n.type).sort()).toEqual([
      "issue.created",
      "issue.status_changed",
    ]);
    expect(await notificationsOf(cast.maintainer.id)).toEqual([]);
    expect(await mailTo(dataDir, cast.reporter.email)).toHaveLength(1);
  });

  it("notifies an instance admin who watches a project they are not a member of, as the admin they act as there", async () => {
    // createProjectWithCast's instance admin has no membership in the project.
    expect(await db.membership.findFirst({ where: { userId: cast.instanceAdmin.id } })).toBeNull();
    await callerFor(cast.instanceAdmin.id).subscription.set({ projectKey: cast.key, watching: true });
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Kiosk reboots" });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();
    expect((await notificationsOf(cast.instanceAdmin.id)).map((n) => n.type).sort()).toEqual([
      "issue.created",
      "issue.status_changed",
    ]);
  });

  it("gives the time in each recipient's own zone, as set in their preferences", async () => {
    await expectTRPCError(
      callerFor(cast.reporter.id).user.updatePreferences({ timeZone: "Mars/Olympus_Mons" }),
      "BAD_REQUEST",
    );
    await expectTRPCError(callerFor(null).user.updatePreferences({ timeZone: "UTC" }), "UNAUTHORIZED");
    expect(await callerFor(cast.reporter.id).user.updatePreferences({ timeZone: "Asia/Tokyo" })).toEqual({
      timeZone: "Asia/Tokyo",
      theme: "system",
    });
    expect((await callerFor(cast.reporter.id).user.me()).timeZone).toBe("Asia/Tokyo");
    // The theme is the other preference: one may change without the other, nothing at all is refused.
    await expectTRPCError(callerFor(cast.reporter.id).user.updatePreferences({}), "BAD_REQUEST");
    await expectTRPCError(
      callerFor(cast.reporter.id).user.updatePreferences({ theme: "neon" } as never),
      "BAD_REQUEST",
    );
    expect(await callerFor(cast.reporter.id).user.updatePreferences({ theme: "dark" })).toEqual({
      timeZone: "Asia/Tokyo",
      theme: "dark",
    });
    expect((await callerFor(cast.reporter.id).user.me()).theme).toBe("dark");
    // Nobody else's preference changes with it.
    expect((await callerFor(cast.admin.id).user.me()).timeZone).toBe("UTC");

    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Zone check" });
    await callerFor(cast.admin.id).subscription.set({ projectKey: cast.key, watching: true });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();
    const event = await db.outboxEvent.findFirstOrThrow({
      where: { type: "issue.status_changed", payload: { path: ["key"], equals: issue.key } },
    });
    const inZone = (timeZone: string) =>
      new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone }).format(event.createdAt);
    const [toReporter] = (await mailTo(dataDir, cast.reporter.email)).filter((m) => m.includes(issue.key));
    expect(toReporter).toContain(`When: ${inZone("Asia/Tokyo")} (Asia/Tokyo)`);
    const [toAdmin] = (await mailTo(dataDir, cast.admin.email)).filter(
      (m) => m.includes("Triaged") && m.includes(issue.key),
    );
    expect(toAdmin).toContain(`When: ${inZone("UTC")} (UTC)`);
    await callerFor(cast.reporter.id).user.updatePreferences({ timeZone: "UTC" });
  });

  it("notifies a mentioned member with a mention, and keeps issues from reporters who may not see them", async () => {
    const maint = callerFor(cast.maintainer.id);
    const issue = await maint.issue.create({ projectKey: cast.key, title: "Payment rounding" });
    const other = await createUser({ name: "Second maintainer" });
    await addMembership(cast.project.id, other.id, "MAINTAINER");
    await maint.issue.comments.add({
      key: issue.key,
      body: `@${other.email} and @${cast.reporter.email}: see the totals`,
    });
    await drainOutbox();

    const notes = await notificationsOf(other.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      type: "mention",
      title: `Maintainer mentioned you on ${issue.key} Payment rounding`,
      body: expect.stringContaining("see the totals"),
    });
    await expect(callerFor(other.id).notification.unreadCount()).resolves.toEqual({ unreadCount: 1 });
    // A reporter can only see issues they reported or are assigned to.
    expect(await notificationsOf(cast.reporter.id)).toEqual([]);
    expect(await mailTo(dataDir, cast.reporter.email)).toEqual([]);
    expect(await db.subscription.count({ where: { userId: cast.reporter.id } })).toBe(0);
    // Later comments reach the now-watching mentioned user as ordinary comments.
    await maint.issue.comments.add({ key: issue.key, body: "Fixed in the next build." });
    await drainOutbox();
    expect((await notificationsOf(other.id)).map((n) => n.type)).toEqual(["mention", "issue.commented"]);
  });

  it("spends the author's create budget on mention emails; over it, mentions reach the inbox only", async () => {
    const saved = process.env.RATE_LIMIT_CREATE_PER_HOUR;
    process.env.RATE_LIMIT_CREATE_PER_HOUR = "2";
    resetEnvCache();
    try {
      const maint = callerFor(cast.maintainer.id);
      const issue = await maint.issue.create({ projectKey: cast.key, title: "Mention storm" });
      const mentioned = await Promise.all([1, 2, 3].map((n) => createUser({ name: `Mentioned ${n}` })));
      for (const user of mentioned) await addMembership(cast.project.id, user.id, "MAINTAINER");
      await maint.issue.comments.add({ key: issue.key, body: mentioned.map((u) => `@${u.email}`).join(" ") });
      await drainOutbox();
      for (const user of mentioned) expect(await notificationsOf(user.id)).toHaveLength(1);
      const mails = await Promise.all(mentioned.map((u) => mailTo(dataDir, u.email)));
      expect(mails.map((m) => m.length).sort()).toEqual([0, 1, 1]);
    } finally {
      if (saved === undefined) delete process.env.RATE_LIMIT_CREATE_PER_HOUR;
      else process.env.RATE_LIMIT_CREATE_PER_HOUR = saved;
      resetEnvCache();
    }
  });

  it("honours channel preferences and muted types", async () => {
    const admin = callerFor(cast.admin.id);
    await admin.subscription.set({ projectKey: cast.key, watching: true });
    await admin.notification.preferences.set({ inApp: true, email: false, mutedTypes: ["issue.created"] });
    await expect(admin.notification.preferences.get()).resolves.toEqual({
      inApp: true,
      email: false,
      mutedTypes: ["issue.created"],
    });
    const issue = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Muted" });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();
    expect((await notificationsOf(cast.admin.id)).map((n) => n.type)).toEqual(["issue.status_changed"]);
    expect(await mailTo(dataDir, cast.admin.email)).toEqual([]);
    await expectTRPCError(
      admin.notification.preferences.set({ inApp: true, email: true, mutedTypes: ["nope"] } as never),
      "BAD_REQUEST",
    );
  });

  it("writes nothing twice when an event is handled again", async () => {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Replay" });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();
    const event = await db.outboxEvent.findFirstOrThrow({ where: { type: "issue.status_changed" } });
    const again = await notifyForEvent(toDomainEvent(event));
    expect(again).toMatchObject({ notified: 0, emailed: 0 });
    expect(await notificationsOf(cast.reporter.id)).toHaveLength(1);
    expect(await mailTo(dataDir, cast.reporter.email)).toHaveLength(1);
    expect(await db.channelDelivery.count({ where: { eventId: event.id } })).toBe(1);
  });

  it("tells the watchers of the item downstream when its link becomes suspect", async () => {
    const maint = callerFor(cast.maintainer.id);
    const upstream = await maint.requirement.create({ projectKey: cast.key, title: "Upstream", statement: "A." });
    const issue = await callerFor(cast.reporter.id).issue.create({
      projectKey: cast.key,
      title: "Implements upstream",
    });
    await maint.traceLink.create({ projectKey: cast.key, from: issue.key, to: upstream.key, type: "IMPLEMENTS" });
    await drainOutbox();
    await maint.requirement.update({ key: upstream.key, expectedVersion: 1, statement: "B." });
    await drainOutbox();
    const notes = await notificationsOf(cast.reporter.id);
    expect(notes.map((n) => n.type)).toEqual(["traceLink.suspected"]);
    expect(notes[0]!.url).toBe(`/projects/${cast.key}/issues/${issue.key}`);
  });
});

describe("notification procedures", () => {
  it("lists only the caller's notifications, pages them and marks them read", async () => {
    const admin = callerFor(cast.admin.id);
    await admin.subscription.set({ projectKey: cast.key, watching: true });
    const maint = callerFor(cast.maintainer.id);
    for (let i = 0; i < 3; i++) await maint.issue.create({ projectKey: cast.key, title: `Issue ${i}` });
    await drainOutbox();

    const first = await admin.notification.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.unreadCount).toBe(3);
    const second = await admin.notification.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((n) => n.id);
    expect(new Set(ids).size).toBe(3);

    // Someone else's ids are silently out of reach.
    const stranger = callerFor(cast.reporter.id);
    await expect(stranger.notification.markRead({ ids })).resolves.toEqual({ marked: 0, unreadCount: 0 });
    expect((await stranger.notification.list({})).items).toEqual([]);

    await expect(admin.notification.markRead({ ids: [ids[0]!] })).resolves.toEqual({ marked: 1, unreadCount: 2 });
    expect((await admin.notification.list({ unreadOnly: true })).items.map((n) => n.id)).not.toContain(ids[0]);
    await expect(admin.notification.markRead({ all: true })).resolves.toEqual({ marked: 2, unreadCount: 0 });
    await expectTRPCError(admin.notification.markRead({ ids: ["not-a-uuid"] }), "BAD_REQUEST");
    await expectTRPCError(admin.notification.markRead({ all: false } as never), "BAD_REQUEST");
    await expectTRPCError(callerFor(null).notification.unreadCount(), "UNAUTHORIZED");
  });

  it("lets instance admins read the embedded mail folder, and nobody else", async () => {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Mail me" });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    await drainOutbox();
    const root = callerFor(cast.instanceAdmin.id);
    const list = await root.jobs.mail.list({});
    const mine = list.items.find((m) => m.to === cast.reporter.email);
    expect(mine?.subject).toBe(`[${cast.key}] Maintainer moved ${issue.key} from Open to Triaged`);
    const message = await root.jobs.mail.read({ name: mine!.name });
    expect(message.text).toContain(`/projects/${cast.key}/issues/${issue.key}`);
    await expectTRPCError(root.jobs.mail.read({ name: "../../etc/passwd" }), "BAD_REQUEST");
    await expectTRPCError(
      root.jobs.mail.read({ name: `20260101T000000Z-${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}.eml` }),
      "NOT_FOUND",
    );
    await expectTRPCError(callerFor(cast.admin.id).jobs.mail.list({}), "FORBIDDEN");
  });
});

/** A stand-in for Slack's incoming webhook that answers with the queued statuses, then 200. */
async function slackStandIn() {
  const received: string[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push(body);
      res.writeHead(statuses.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/X`;
  return { url, received, statuses, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("notify-on-event as an Inngest function", () => {
  type Output = Awaited<ReturnType<InngestTestEngine["execute"]>>;

  /** A fresh run (the engine memoizes step results per instance). */
  const runFresh = (event: ReturnType<typeof toInngestEvent>) =>
    new InngestTestEngine({ function: notifyOnEvent }).execute({ events: [event] });

  /**
   * What Inngest does on a retry: steps that succeeded are not run again
   * (their memoized output is replayed), the failed one runs anew.
   */
  async function retry(event: ReturnType<typeof toInngestEvent>, previous: Output) {
    // `state` is keyed by the hashed step ids Inngest uses internally.
    const steps: { id: string; idIsHashed: true; handler: () => unknown }[] = [];
    for (const [id, output] of Object.entries(previous.state)) {
      const settled = await Promise.race([
        output.then(
          (data) => ({ ok: true as const, data }),
          () => ({ ok: false as const }),
        ),
        new Promise<{ ok: false }>((resolve) => setTimeout(() => resolve({ ok: false }), 50)),
      ]);
      if (settled.ok) steps.push({ id, idIsHashed: true, handler: () => settled.data });
    }
    return new InngestTestEngine({ function: notifyOnEvent }).execute({ events: [event], steps });
  }

  /** An issue status change, not dispatched yet; Slack is switched on only after the issue's own event went out. */
  async function statusChangeEvent(slackUrl: string) {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Inngest path" });
    await drainOutbox();
    await db.project.update({ where: { id: cast.project.id }, data: { slackWebhookUrl: slackUrl } });
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    const row = await db.outboxEvent.findFirstOrThrow({ where: { type: "issue.status_changed", dispatchedAt: null } });
    return { issue, row, event: toInngestEvent(row) };
  }

  it("runs each channel as a named step and sends each message once", async () => {
    const slack = await slackStandIn();
    try {
      const { event } = await statusChangeEvent(slack.url);
      expect(event).toMatchObject({ id: event.data.outboxId, name: "specline/issue.status_changed" });
      const { result, ctx } = await runFresh(event);
      expect(result).toMatchObject({
        type: "issue.status_changed",
        notified: 1,
        emailed: 1,
        slack: "sent",
        failures: [],
      });
      const stepIds = ctx.step.run.mock.calls.map((c) => c[0]);
      expect(stepIds).toEqual(expect.arrayContaining(["watch", "recipients", "in-app", "email", "slack", "webhooks"]));
      expect(slack.received).toHaveLength(1);
      expect(JSON.parse(slack.received[0]!)).toMatchObject({ text: expect.stringContaining("from Open to Triaged") });

      // Inngest may run the same event again (it de-duplicates on the id, but a replay is allowed): no second message.
      const again = await runFresh(event);
      expect(again.result).toMatchObject({ notified: 0, emailed: 0, slack: "skipped" });
      expect(slack.received).toHaveLength(1);
      expect(await notificationsOf(cast.reporter.id)).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it("retries a step that failed for a while without repeating the steps that succeeded", async () => {
    const slack = await slackStandIn();
    try {
      const { event, row } = await statusChangeEvent(slack.url);
      slack.statuses.push(503);
      const first = await runFresh(event);
      expect(first.error).toMatchObject({ message: expect.stringContaining("HTTP 503") });
      expect((first.error as { name?: string }).name).not.toBe("NonRetriableError");
      const failed = await db.channelDelivery.findUniqueOrThrow({
        where: { eventId_channel_recipient: { eventId: row.id, channel: "SLACK", recipient: cast.project.id } },
      });
      expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
      expect(await notificationsOf(cast.reporter.id)).toHaveLength(1);

      // Proof that the retry replays in-app instead of running it: the row removed now stays away.
      await db.notification.deleteMany({ where: { userId: cast.reporter.id } });

      // The retry: Slack is back.
      const second = await retry(event, first);
      expect(second.error).toBeUndefined();
      expect(second.result).toMatchObject({ slack: "sent", notified: 1, emailed: 1, failures: [] });
      expect(slack.received).toHaveLength(2);
      await expect(db.channelDelivery.findUniqueOrThrow({ where: { id: failed.id } })).resolves.toMatchObject({
        status: "SENT",
        attempts: 2,
        error: null,
      });
      expect(await notificationsOf(cast.reporter.id)).toHaveLength(0);
      expect(await mailTo(dataDir, cast.reporter.email)).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it("fails a step for good with NonRetriableError when Slack refuses the message", async () => {
    const slack = await slackStandIn();
    try {
      const { event, row } = await statusChangeEvent(slack.url);
      slack.statuses.push(404);
      const run = await runFresh(event);
      expect(run.error).toMatchObject({ name: "NonRetriableError", message: "Slack refused the message (HTTP 404)" });
      await expect(
        db.channelDelivery.findUniqueOrThrow({
          where: { eventId_channel_recipient: { eventId: row.id, channel: "SLACK", recipient: cast.project.id } },
        }),
      ).resolves.toMatchObject({ status: "FAILED", error: "Slack refused the message (HTTP 404)" });
      // The channels before it were delivered.
      expect(await notificationsOf(cast.reporter.id)).toHaveLength(1);
      expect(await mailTo(dataDir, cast.reporter.email)).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it("in-process, a permanent failure of one channel does not hold the event back", async () => {
    await db.project.update({
      where: { id: cast.project.id },
      data: { slackWebhookUrl: "https://example.invalid/not-slack" },
    });
    process.env.ALLOW_PRIVATE_WEBHOOK_URLS = "false";
    resetEnvCache();
    try {
      const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Bad Slack URL" });
      await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
      await drainOutbox();
      expect(await db.outboxEvent.count({ where: { dispatchedAt: null } })).toBe(0);
      expect(await notificationsOf(cast.reporter.id)).toHaveLength(1);
      // Both events tried Slack once, were refused for good, and were not retried.
      const slackRows = await db.channelDelivery.findMany({ where: { channel: "SLACK", recipient: cast.project.id } });
      expect(slackRows.map((r) => [r.status, r.attempts])).toEqual([
        ["FAILED", 1],
        ["FAILED", 1],
      ]);
      expect(slackRows[0]!.error).toContain("Slack URL refused");
    } finally {
      process.env.ALLOW_PRIVATE_WEBHOOK_URLS = "true";
      resetEnvCache();
    }
  });
});
