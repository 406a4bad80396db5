import { beforeEach, describe, expect, it } from "vitest";

import { parseMentions } from "@/lib/schemas/comment";
import { db } from "@/server/db";

import { addMembership, callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

describe("issues — object-level authorization", () => {
  it("shows a reporter only the issues they reported or are assigned to, everywhere", async () => {
    const other = await createUser({ name: "Other reporter" });
    await addMembership(cast.project.id, other.id, "REPORTER");
    const me = callerFor(cast.reporter.id);
    const mine = await me.issue.create({ projectKey: cast.key, title: "Mine" });
    const theirs = await callerFor(other.id).issue.create({
      projectKey: cast.key,
      title: "Theirs",
      description: "secret",
    });
    const assigned = await callerFor(cast.maintainer.id).issue.create({
      projectKey: cast.key,
      title: "Assigned to me",
    });
    await callerFor(cast.maintainer.id).issue.assign({
      key: assigned.key,
      expectedVersion: 1,
      assigneeId: cast.reporter.id,
    });

    const listed = (await me.issue.list({ projectKey: cast.key })).items.map((i) => i.key).sort();
    expect(listed).toEqual([mine.key, assigned.key].sort());
    expect((await me.issue.list({ projectKey: cast.key, q: "secret" })).items).toEqual([]);
    await expectTRPCError(me.issue.byKey({ key: theirs.key }), "NOT_FOUND");
    await expectTRPCError(me.issue.comments.list({ key: theirs.key }), "NOT_FOUND");
    await expectTRPCError(me.issue.comments.add({ key: theirs.key, body: "peek" }), "NOT_FOUND");
    await expectTRPCError(me.issue.update({ key: theirs.key, expectedVersion: 1, title: "hijack" }), "NOT_FOUND");
    // Guessing keys beyond the counter looks exactly the same.
    const guessed = await expectTRPCError(me.issue.byKey({ key: `${cast.key}-I-999` }), "NOT_FOUND");
    const hidden = await expectTRPCError(me.issue.byKey({ key: theirs.key }), "NOT_FOUND");
    expect(guessed.message.replace(/I-\d+/, "")).toBe(hidden.message.replace(/I-\d+/, ""));
    await expect(me.issue.byKey({ key: assigned.key })).resolves.toMatchObject({ title: "Assigned to me" });
    // Maintainers see everything.
    expect((await callerFor(cast.maintainer.id).issue.list({ projectKey: cast.key })).items).toHaveLength(3);
  });

  it("answers NOT_FOUND to a non-member for any issue of the project", async () => {
    const issue = await callerFor(cast.admin.id).issue.create({ projectKey: cast.key, title: "Internal" });
    const outsider = callerFor(cast.nonMember.id);
    await expectTRPCError(outsider.issue.byKey({ key: issue.key }), "NOT_FOUND");
    await expectTRPCError(outsider.issue.list({ projectKey: cast.key }), "NOT_FOUND");
    await expectTRPCError(outsider.issue.comments.add({ key: issue.key, body: "hi" }), "NOT_FOUND");
  });
});

describe("issues — lifecycle", () => {
  it("creates with per-project keys, triages through the workflow and reopens", async () => {
    const maint = callerFor(cast.maintainer.id);
    const a = await callerFor(cast.reporter.id).issue.create({
      projectKey: cast.key,
      title: "Crash",
      severity: "HIGH",
      labels: ["ui", "ui"],
    });
    expect(a).toMatchObject({
      key: `${cast.key}-I-1`,
      version: 1,
      status: "OPEN",
      severity: "HIGH",
      labels: ["ui"],
      reporter: { id: cast.reporter.id },
    });
    const bad = await expectTRPCError(
      maint.issue.transition({ key: a.key, expectedVersion: 1, to: "DONE" }),
      "BAD_REQUEST",
    );
    expect(bad.message).toContain("allowed: TRIAGED, IN_PROGRESS, WONT_FIX");
    let v = 1;
    for (const to of ["TRIAGED", "IN_PROGRESS", "DONE"] as const)
      v = (await maint.issue.transition({ key: a.key, expectedVersion: v, to })).version;
    const done = await maint.issue.byKey({ key: a.key });
    expect(done.status).toBe("DONE");
    expect(done.closedAt).toBeInstanceOf(Date);
    const reopened = await maint.issue.transition({ key: a.key, expectedVersion: v, to: "OPEN" });
    expect(reopened).toMatchObject({ status: "OPEN", closedAt: null });
    await expectTRPCError(maint.issue.transition({ key: a.key, expectedVersion: 1, to: "TRIAGED" }), "CONFLICT");
    await expectTRPCError(
      maint.issue.transition({ key: a.key, expectedVersion: reopened.version, to: "CLOSED" as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      callerFor(cast.reporter.id).issue.transition({ key: a.key, expectedVersion: reopened.version, to: "TRIAGED" }),
      "FORBIDDEN",
    );
  });

  it("lets a reporter edit their own issue only while it is open, and never its labels", async () => {
    const reporter = callerFor(cast.reporter.id);
    const issue = await reporter.issue.create({ projectKey: cast.key, title: "Typo" });
    const edited = await reporter.issue.update({
      key: issue.key,
      expectedVersion: 1,
      title: "Typo in footer",
      severity: "LOW",
    });
    expect(edited).toMatchObject({ version: 2, title: "Typo in footer", severity: "LOW" });
    await expectTRPCError(reporter.issue.update({ key: issue.key, expectedVersion: 2, labels: ["x"] }), "FORBIDDEN");
    await callerFor(cast.maintainer.id).issue.transition({ key: issue.key, expectedVersion: 2, to: "TRIAGED" });
    await expectTRPCError(reporter.issue.update({ key: issue.key, expectedVersion: 3, title: "Again" }), "FORBIDDEN");
    await expect(
      callerFor(cast.maintainer.id).issue.update({ key: issue.key, expectedVersion: 3, labels: ["docs"] }),
    ).resolves.toMatchObject({ labels: ["docs"] });
  });

  it("lets exactly one of 10 concurrent updates win per version and writes nothing for the losers", async () => {
    const writers = [cast.maintainer, cast.admin];
    const issue = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Race" });
    for (const version of [1, 2]) {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          callerFor(writers[i % 2]!.id).issue.update({
            key: issue.key,
            expectedVersion: version,
            description: `v${version} writer ${i}`,
          }),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      const conflicts = results.filter(
        (r) => r.status === "rejected" && r.reason.code === "CONFLICT",
      ) as PromiseRejectedResult[];
      expect(conflicts).toHaveLength(9);
      const winner = won[0]!.value;
      const author = writers.find((u) => u.id === winner.updatedById)!;
      for (const { reason } of conflicts) {
        expect(reason.message).toBe(`${issue.key} was changed by ${author.name} (now at version ${version + 1})`);
        expect(reason.details).toEqual({
          currentVersion: version + 1,
          current: expect.objectContaining({ version: version + 1, description: winner.description }),
          updatedBy: { id: author.id, name: author.name },
          updatedAt: winner.updatedAt,
        });
      }
    }
    expect(await db.auditEvent.count({ where: { entityId: issue.id, action: "issue.updated" } })).toBe(2);
    // Stale is a CONFLICT even when the edit would change nothing; a current no-op writes nothing.
    const now = await callerFor(cast.maintainer.id).issue.byKey({ key: issue.key });
    await expectTRPCError(
      callerFor(cast.maintainer.id).issue.update({ key: issue.key, expectedVersion: 1, title: now.title }),
      "CONFLICT",
    );
    const same = await callerFor(cast.maintainer.id).issue.update({
      key: issue.key,
      expectedVersion: 3,
      title: now.title,
    });
    expect(same).toEqual(now);
    expect(await db.auditEvent.count({ where: { entityId: issue.id, action: "issue.updated" } })).toBe(2);
  });

  it("assigns only project members", async () => {
    const maint = callerFor(cast.maintainer.id);
    const issue = await maint.issue.create({ projectKey: cast.key, title: "Assign me" });
    const err = await expectTRPCError(
      maint.issue.assign({ key: issue.key, expectedVersion: 1, assigneeId: cast.nonMember.id }),
      "BAD_REQUEST",
    );
    expect(err.message).toContain("member");
    const assigned = await maint.issue.assign({ key: issue.key, expectedVersion: 1, assigneeId: cast.maintainer.id });
    expect(assigned.assignee?.id).toBe(cast.maintainer.id);
    const unassigned = await maint.issue.assign({ key: issue.key, expectedVersion: 2, assigneeId: null });
    expect(unassigned.assignee).toBeNull();
    expect((await maint.issue.list({ projectKey: cast.key, assigneeId: null })).items.map((i) => i.key)).toContain(
      issue.key,
    );
  });

  it("refuses bad input with typed errors and writes nothing", async () => {
    const maint = callerFor(cast.maintainer.id);
    const before = await db.issue.count({ where: { projectId: cast.project.id } });
    await expectTRPCError(
      maint.issue.create({ projectKey: cast.key, title: "x", severity: "URGENT" as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      maint.issue.create({ projectKey: cast.key, title: "x", description: "d".repeat(102_401) }),
      "BAD_REQUEST",
    );
    await expectTRPCError(maint.issue.create({ projectKey: cast.key, title: "" }), "BAD_REQUEST");
    await expectTRPCError(maint.issue.byKey({ key: `${cast.key}-7` }), "BAD_REQUEST");
    expect(await db.issue.count({ where: { projectId: cast.project.id } })).toBe(before);
  });

  it("filters and pages by key, severity and last change without gaps", async () => {
    const maint = callerFor(cast.maintainer.id);
    const severities = ["LOW", "CRITICAL", "MEDIUM", "HIGH", "CRITICAL", "LOW"] as const;
    for (const [i, severity] of severities.entries())
      await maint.issue.create({ projectKey: cast.key, title: `Issue ${i}`, severity, labels: i % 2 ? ["odd"] : [] });
    expect((await maint.issue.list({ projectKey: cast.key, severity: ["CRITICAL"] })).items).toHaveLength(2);
    expect((await maint.issue.list({ projectKey: cast.key, label: "odd" })).items).toHaveLength(3);
    for (const sort of ["key", "severity", "updated"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const all = (await maint.issue.list({ projectKey: cast.key, sort, order, limit: 100 })).items.map((i) => i.key);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await maint.issue.list({ projectKey: cast.key, sort, order, limit: 4, cursor });
          paged.push(...page.items.map((i) => i.key));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(paged, `${sort} ${order}`).toEqual(all);
        expect(new Set(paged).size).toBe(6);
      }
    }
    const bySeverity = (await maint.issue.list({ projectKey: cast.key, sort: "severity", order: "desc" })).items.map(
      (i) => i.severity,
    );
    expect(bySeverity.slice(0, 2)).toEqual(["CRITICAL", "CRITICAL"]);
  });
});

describe("comments and mentions", () => {
  it("parses @email mentions", () => {
    expect(parseMentions("Ping @Ada@Example.com and @bob@x.io. Not me@x.io, nor @nobody")).toEqual([
      "ada@example.com",
      "bob@x.io",
    ]);
    expect(parseMentions("no mentions")).toEqual([]);
  });

  it("stores mentions of project members only, and lets authors edit and delete their own comments", async () => {
    const reporter = callerFor(cast.reporter.id);
    const issue = await reporter.issue.create({ projectKey: cast.key, title: "Discuss" });
    const comment = await reporter.issue.comments.add({
      key: issue.key,
      body: `Can @${cast.maintainer.email} look? cc @${cast.nonMember.email}`,
    });
    expect(comment.mentions).toEqual([cast.maintainer.id]);
    const outbox = await db.outboxEvent.findFirstOrThrow({
      where: { type: "issue.commented", projectId: cast.project.id },
      orderBy: { createdAt: "desc" },
    });
    expect(outbox.payload).toMatchObject({ issueKey: issue.key, mentions: [cast.maintainer.id] });

    await expectTRPCError(
      callerFor(cast.maintainer.id).issue.comments.edit({ key: issue.key, commentId: comment.id, body: "mine now" }),
      "FORBIDDEN",
    );
    const edited = await reporter.issue.comments.edit({
      key: issue.key,
      commentId: comment.id,
      body: `Also @${cast.admin.email}`,
    });
    expect(edited.mentions).toEqual([cast.admin.id]);
    expect(edited.editedAt).toBeInstanceOf(Date);
    await reporter.issue.comments.delete({ key: issue.key, commentId: comment.id });
    const thread = await reporter.issue.comments.list({ key: issue.key });
    expect(thread.items).toHaveLength(1);
    expect(thread.items[0]).toMatchObject({ body: "", deletedAt: expect.any(Date) });
    await expectTRPCError(
      reporter.issue.comments.edit({ key: issue.key, commentId: comment.id, body: "revive" }),
      "NOT_FOUND",
    );
  });

  it("refuses empty and oversized comments", async () => {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Sizes" });
    await expectTRPCError(
      callerFor(cast.reporter.id).issue.comments.add({ key: issue.key, body: "   " }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      callerFor(cast.reporter.id).issue.comments.add({ key: issue.key, body: "c".repeat(20 * 1024 + 1) }),
      "BAD_REQUEST",
    );
  });
});
