/**
 * Comments on requirements: the same thread as on issues (one service, one
 * set of rules) — add, list, edit and delete, who may do what, @mentions that
 * notify and make the mentioned member watch, events in the outbox and the
 * audit log, and typed errors for bad input. Issue comments keep working as
 * before beside them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { db } from "@/server/db";

import { addMembership, callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";
import { drainOutbox, mailTo } from "../helpers/mail";

let dataDir: string;
let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let requirementKey: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-requirement-comments-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.SMTP_URL;
  resetEnvCache();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  // Events of earlier tests must not be dispatched into this one's notifications.
  await drainOutbox();
  cast = await createProjectWithCast();
  const requirement = await callerFor(cast.maintainer.id).requirement.create({
    projectKey: cast.key,
    title: "Refund in 5 days",
    statement: "Refunds shall reach the customer within 5 working days.",
  });
  requirementKey = requirement.key;
});

function notificationsOf(userId: string) {
  return db.notification.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

describe("the thread of a requirement", () => {
  it("adds, lists oldest first, edits and deletes comments, with audit rows and outbox events", async () => {
    const reporter = callerFor(cast.reporter.id);
    const first = await reporter.requirement.comments.add({
      key: requirementKey,
      body: "Is **5 days** calendar or working?",
    });
    expect(first).toMatchObject({
      body: "Is **5 days** calendar or working?",
      mentions: [],
      editedAt: null,
      deletedAt: null,
      author: { id: cast.reporter.id, name: "Reporter" },
    });
    const second = await callerFor(cast.maintainer.id).requirement.comments.add({
      key: requirementKey,
      body: "Working.",
    });

    const page = await reporter.requirement.comments.list({ key: requirementKey, limit: 1 });
    expect(page.items.map((c) => c.id)).toEqual([first.id]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await reporter.requirement.comments.list({ key: requirementKey, cursor: page.nextCursor ?? "" });
    expect(rest.items.map((c) => c.id)).toEqual([second.id]);
    expect(rest.nextCursor).toBeNull();

    const edited = await reporter.requirement.comments.edit({
      key: requirementKey,
      commentId: first.id,
      body: "Calendar or working days?",
    });
    expect(edited).toMatchObject({ id: first.id, body: "Calendar or working days?", editedAt: expect.any(Date) });
    expect(await reporter.requirement.comments.delete({ key: requirementKey, commentId: first.id })).toEqual({
      deleted: true,
      commentId: first.id,
    });

    const thread = await reporter.requirement.comments.list({ key: requirementKey });
    expect(thread.items.map((c) => [c.id, c.body, c.deletedAt !== null])).toEqual([
      [first.id, "", true],
      [second.id, "Working.", false],
    ]);
    // A deleted comment cannot be edited or deleted again.
    await expectTRPCError(
      reporter.requirement.comments.edit({ key: requirementKey, commentId: first.id, body: "Back" }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      reporter.requirement.comments.delete({ key: requirementKey, commentId: first.id }),
      "NOT_FOUND",
    );

    const row = await db.comment.findUniqueOrThrow({ where: { id: second.id } });
    expect(row).toMatchObject({ issueId: null, requirementId: expect.any(String) });

    const events = await db.outboxEvent.findMany({
      where: { projectId: cast.project.id, type: { startsWith: "requirement.comment" } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual([
      "requirement.commented",
      "requirement.commented",
      "requirement.comment_edited",
      "requirement.comment_deleted",
    ]);
    for (const e of events) expect(e.payload).toMatchObject({ entityType: "Comment", requirementKey });
    const audit = await db.auditEvent.findMany({
      where: { projectId: cast.project.id, action: { startsWith: "requirement.comment" } },
      select: { action: true, actorId: true, entityId: true },
    });
    expect(audit).toHaveLength(4);
    expect(audit.filter((a) => a.entityId === first.id).every((a) => a.actorId === cast.reporter.id)).toBe(true);
  });

  it("lets only the author change a comment: someone else's is FORBIDDEN, whatever their role", async () => {
    const comment = await callerFor(cast.reporter.id).requirement.comments.add({ key: requirementKey, body: "Mine" });
    for (const other of [cast.maintainer.id, cast.admin.id, cast.instanceAdmin.id]) {
      await expectTRPCError(
        callerFor(other).requirement.comments.edit({ key: requirementKey, commentId: comment.id, body: "Theirs" }),
        "FORBIDDEN",
      );
      await expectTRPCError(
        callerFor(other).requirement.comments.delete({ key: requirementKey, commentId: comment.id }),
        "FORBIDDEN",
      );
    }
    const [kept] = (await callerFor(cast.reporter.id).requirement.comments.list({ key: requirementKey })).items;
    expect(kept).toMatchObject({ body: "Mine", editedAt: null, deletedAt: null });
  });

  it("hides the thread from non-members and strangers: NOT_FOUND, never a hint that it exists", async () => {
    const comment = await callerFor(cast.admin.id).requirement.comments.add({ key: requirementKey, body: "Internal" });
    const outsider = callerFor(cast.nonMember.id);
    await expectTRPCError(outsider.requirement.comments.list({ key: requirementKey }), "NOT_FOUND");
    await expectTRPCError(outsider.requirement.comments.add({ key: requirementKey, body: "Hello" }), "NOT_FOUND");
    await expectTRPCError(
      outsider.requirement.comments.edit({ key: requirementKey, commentId: comment.id, body: "x" }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      outsider.requirement.comments.delete({ key: requirementKey, commentId: comment.id }),
      "NOT_FOUND",
    );
    await expectTRPCError(callerFor(null).requirement.comments.list({ key: requirementKey }), "UNAUTHORIZED");
    // A requirement that does not exist looks the same to a member.
    await expectTRPCError(
      callerFor(cast.admin.id).requirement.comments.list({ key: `${cast.key}-999999` }),
      "NOT_FOUND",
    );
    expect(await db.comment.count({ where: { requirement: { key: requirementKey } } })).toBe(1);
  });

  it("keeps threads apart: a comment of one requirement or issue cannot be changed through another", async () => {
    const admin = callerFor(cast.admin.id);
    const other = await admin.requirement.create({ projectKey: cast.key, title: "Other" });
    const issue = await admin.issue.create({ projectKey: cast.key, title: "An issue" });
    const onRequirement = await admin.requirement.comments.add({ key: requirementKey, body: "On the requirement" });
    const onIssue = await admin.issue.comments.add({ key: issue.key, body: "On the issue" });
    await expectTRPCError(
      admin.requirement.comments.edit({ key: other.key, commentId: onRequirement.id, body: "moved" }),
      "NOT_FOUND",
    );
    await expectTRPCError(
      admin.requirement.comments.delete({ key: requirementKey, commentId: onIssue.id }),
      "NOT_FOUND",
    );
    await expectTRPCError(admin.issue.comments.delete({ key: issue.key, commentId: onRequirement.id }), "NOT_FOUND");
    expect((await admin.requirement.comments.list({ key: other.key })).items).toEqual([]);
    expect((await admin.issue.comments.list({ key: issue.key })).items.map((c) => c.body)).toEqual(["On the issue"]);
  });

  it("reads on an archived project, and refuses new comments there", async () => {
    const admin = callerFor(cast.admin.id);
    await admin.requirement.comments.add({ key: requirementKey, body: "Before archiving" });
    await admin.project.archive({ projectKey: cast.key });
    expect((await callerFor(cast.reporter.id).requirement.comments.list({ key: requirementKey })).items).toHaveLength(
      1,
    );
    await expectTRPCError(admin.requirement.comments.add({ key: requirementKey, body: "After" }), "FORBIDDEN");
  });

  it("refuses bad input with BAD_REQUEST and field messages, writing nothing", async () => {
    const reporter = callerFor(cast.reporter.id);
    const empty = await expectTRPCError(
      reporter.requirement.comments.add({ key: requirementKey, body: "  \n " }),
      "BAD_REQUEST",
    );
    expect(empty.message).toContain("Comment cannot be empty");
    const huge = await expectTRPCError(
      reporter.requirement.comments.add({ key: requirementKey, body: "é".repeat(10 * 1024 + 1) }),
      "BAD_REQUEST",
    );
    expect(huge.message).toContain("Comment must be at most 20 KB");
    await expectTRPCError(
      reporter.requirement.comments.add({ key: `${cast.key}-I-7`, body: "An issue key" }),
      "BAD_REQUEST",
    );
    await expectTRPCError(reporter.requirement.comments.list({ key: requirementKey, limit: 1000 }), "BAD_REQUEST");
    await expectTRPCError(
      reporter.requirement.comments.list({ key: requirementKey, cursor: "not-a-cursor" }),
      "BAD_REQUEST",
    );
    const comment = await reporter.requirement.comments.add({ key: requirementKey, body: "Fine" });
    await expectTRPCError(
      reporter.requirement.comments.edit({ key: requirementKey, commentId: comment.id, body: "" }),
      "BAD_REQUEST",
    );
    expect(await db.comment.count({ where: { requirement: { key: requirementKey } } })).toBe(1);
  });
});

describe("mentions and notifications", () => {
  it("notifies a mentioned member in words and makes them watch; later comments reach them as a watcher", async () => {
    const other = await createUser({ name: "Ada Admin" });
    await addMembership(cast.project.id, other.id, "REPORTER");
    const maint = callerFor(cast.maintainer.id);
    const comment = await maint.requirement.comments.add({
      key: requirementKey,
      body: `@${other.email} is the refund window right?`,
    });
    expect(comment.mentions).toEqual([other.id]);
    await drainOutbox();

    const notes = await notificationsOf(other.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      type: "mention",
      title: `Maintainer mentioned you on ${requirementKey} Refund in 5 days`,
      body: expect.stringContaining("is the refund window right?"),
      url: `/projects/${cast.key}/requirements/${requirementKey}`,
    });
    await expect(callerFor(other.id).subscription.status({ key: requirementKey })).resolves.toMatchObject({
      watching: true,
      reason: "mentioned",
    });
    const [mail] = await mailTo(dataDir, other.email);
    expect(mail).toContain(`Maintainer mentioned you on ${requirementKey}`);

    // Now a watcher: Ada's reply notifies the maintainer (who created the requirement), and the
    // maintainer's next comment reaches Ada as an ordinary comment.
    await callerFor(other.id).requirement.comments.add({ key: requirementKey, body: "Yes, working days." });
    await maint.requirement.comments.add({ key: requirementKey, body: "Thanks." });
    await drainOutbox();
    expect(await notificationsOf(cast.maintainer.id)).toEqual([
      expect.objectContaining({
        type: "requirement.commented",
        title: `Ada Admin commented on ${requirementKey} Refund in 5 days`,
        body: "Yes, working days.",
      }),
    ]);
    expect((await notificationsOf(other.id)).map((n) => [n.type, n.title])).toEqual([
      ["mention", `Maintainer mentioned you on ${requirementKey} Refund in 5 days`],
      ["requirement.commented", `Maintainer commented on ${requirementKey} Refund in 5 days`],
    ]);
  });

  it("ignores a mention of someone who is not a member: nothing stored, nobody notified, nobody watching", async () => {
    const stranger = await createUser({ name: "Stranger" });
    const comment = await callerFor(cast.maintainer.id).requirement.comments.add({
      key: requirementKey,
      body: `cc @${stranger.email} and @${cast.nonMember.email} and @nobody@example.test`,
    });
    expect(comment.mentions).toEqual([]);
    await drainOutbox();
    for (const id of [stranger.id, cast.nonMember.id]) {
      expect(await notificationsOf(id)).toEqual([]);
      expect(await db.subscription.count({ where: { userId: id } })).toBe(0);
    }
  });

  it("notifies only the people an edit newly mentions, and not the watchers again", async () => {
    const maint = callerFor(cast.maintainer.id);
    const comment = await maint.requirement.comments.add({
      key: requirementKey,
      body: `@${cast.admin.email} see this`,
    });
    await drainOutbox();
    await maint.requirement.comments.edit({
      key: requirementKey,
      commentId: comment.id,
      body: `@${cast.admin.email} and @${cast.reporter.email} see this`,
    });
    await drainOutbox();
    expect((await notificationsOf(cast.admin.id)).map((n) => n.type)).toEqual(["mention"]);
    expect((await notificationsOf(cast.reporter.id)).map((n) => n.type)).toEqual(["mention"]);
    await expect(callerFor(cast.reporter.id).subscription.status({ key: requirementKey })).resolves.toMatchObject({
      watching: true,
    });
  });
});

describe("issue comments beside them", () => {
  it("work as before: thread, events with the issue key, mentions, and reporters' visibility", async () => {
    const reporter = callerFor(cast.reporter.id);
    const issue = await reporter.issue.create({ projectKey: cast.key, title: "Refund stuck" });
    const comment = await reporter.issue.comments.add({ key: issue.key, body: `@${cast.maintainer.email} look` });
    expect(comment.mentions).toEqual([cast.maintainer.id]);
    expect(await db.comment.findUniqueOrThrow({ where: { id: comment.id } })).toMatchObject({
      issueId: expect.any(String),
      requirementId: null,
    });
    const event = await db.outboxEvent.findFirstOrThrow({
      where: { type: "issue.commented", projectId: cast.project.id },
    });
    expect(event.payload).toMatchObject({ issueKey: issue.key, mentions: [cast.maintainer.id] });
    expect(event.payload).not.toHaveProperty("requirementKey");
    await drainOutbox();
    expect(await notificationsOf(cast.maintainer.id)).toEqual([
      expect.objectContaining({ type: "mention", title: `Reporter mentioned you on ${issue.key} Refund stuck` }),
    ]);
    // The issue thread is not the requirement's, and a reporter still cannot see an issue that is not theirs.
    expect((await reporter.requirement.comments.list({ key: requirementKey })).items).toEqual([]);
    const hidden = await callerFor(cast.admin.id).issue.create({ projectKey: cast.key, title: "Admins only" });
    await expectTRPCError(reporter.issue.comments.list({ key: hidden.key }), "NOT_FOUND");
    await expectTRPCError(reporter.issue.comments.add({ key: hidden.key, body: "peek" }), "NOT_FOUND");
  });
});
