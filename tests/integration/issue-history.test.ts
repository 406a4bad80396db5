/**
 * Issue history: every change of an issue is kept as an immutable version,
 * and any two compare field by field with the word-level diff requirements use.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

describe("issue history", () => {
  it("keeps every change as a version with who, when and how, newest first", async () => {
    const reporter = callerFor(cast.reporter.id);
    const maintainer = callerFor(cast.maintainer.id);
    const issue = await reporter.issue.create({
      projectKey: cast.key,
      title: "Export loses the history",
      description: "Exported files have only the latest version.",
      severity: "MEDIUM",
    });
    const v2 = await reporter.issue.update({
      key: issue.key,
      expectedVersion: 1,
      description: "Exported files have only the latest version of each requirement.",
    });
    const v3 = await maintainer.issue.transition({ key: issue.key, expectedVersion: v2.version, to: "TRIAGED" });
    const v4 = await maintainer.issue.assign({
      key: issue.key,
      expectedVersion: v3.version,
      assigneeId: cast.maintainer.id,
    });
    // A change that changes nothing writes no version.
    await maintainer.issue.update({ key: issue.key, expectedVersion: v4.version, title: "Export loses the history" });

    const history = await reporter.issue.history({ key: issue.key });
    expect(history.items.map((v) => [v.version, v.changeKind, v.author?.id])).toEqual([
      [4, "assigned", cast.maintainer.id],
      [3, "transitioned", cast.maintainer.id],
      [2, "updated", cast.reporter.id],
      [1, "created", cast.reporter.id],
    ]);
    expect(history.items[0]?.snapshot).toMatchObject({ status: "TRIAGED", assignee: { id: cast.maintainer.id } });
    expect(history.items[3]?.snapshot).toMatchObject({
      title: "Export loses the history",
      description: "Exported files have only the latest version.",
      status: "OPEN",
      assignee: null,
    });

    // Paged by version.
    const first = await reporter.issue.history({ key: issue.key, limit: 3 });
    expect(first.items.map((v) => v.version)).toEqual([4, 3, 2]);
    const rest = await reporter.issue.history({ key: issue.key, limit: 3, cursor: first.nextCursor ?? undefined });
    expect(rest.items.map((v) => v.version)).toEqual([1]);
    expect(rest.nextCursor).toBeNull();

    // Stored versions are exactly the issue's version numbers, one each.
    const stored = await db.issueVersion.findMany({ where: { issueId: issue.id }, select: { version: true } });
    expect(stored.map((s) => s.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it("compares two versions word by word, with status, assignee and labels as values and sets", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const issue = await maintainer.issue.create({
      projectKey: cast.key,
      title: "Slow search",
      description: "Search takes over 8 seconds.",
      labels: ["search"],
    });
    const v2 = await maintainer.issue.update({
      key: issue.key,
      expectedVersion: 1,
      description: "Search takes over 12 seconds on large projects.",
      labels: ["search", "performance"],
    });
    const v3 = await maintainer.issue.transition({ key: issue.key, expectedVersion: v2.version, to: "IN_PROGRESS" });
    await maintainer.issue.assign({ key: issue.key, expectedVersion: v3.version, assigneeId: cast.admin.id });

    const diff = await maintainer.issue.diff({ key: issue.key, from: 1, to: 4 });
    expect(diff.from.version).toBe(1);
    expect(diff.to.version).toBe(4);
    const byField = Object.fromEntries(diff.changes.map((c) => [c.field, c]));
    expect(Object.keys(byField).sort()).toEqual(["assignee", "description", "labels", "status"]);
    const description = byField.description;
    if (description?.kind !== "text") throw new Error("description should be a text change");
    expect(description.segments).toEqual([
      { kind: "equal", text: "Search takes over " },
      { kind: "delete", text: "8" },
      { kind: "insert", text: "12" },
      { kind: "equal", text: " seconds" },
      { kind: "insert", text: " on large projects" },
      { kind: "equal", text: "." },
    ]);
    expect(byField.status).toEqual({ field: "status", kind: "value", before: "OPEN", after: "IN_PROGRESS" });
    expect(byField.assignee).toMatchObject({ kind: "value", before: null, after: { id: cast.admin.id } });
    expect(byField.labels).toMatchObject({ kind: "list", added: ["performance"], removed: [] });

    // Backwards reads the other way round; a version with itself has no change.
    const back = await maintainer.issue.diff({ key: issue.key, from: 4, to: 1 });
    expect(back.changes.find((c) => c.field === "status")).toMatchObject({ before: "IN_PROGRESS", after: "OPEN" });
    expect((await maintainer.issue.diff({ key: issue.key, from: 2, to: 2 })).changes).toEqual([]);
  });

  it("answers NOT_FOUND for a version that does not exist and for an issue the caller may not see", async () => {
    const admin = callerFor(cast.admin.id);
    const issue = await admin.issue.create({ projectKey: cast.key, title: "Internal" });
    const missing = await expectTRPCError(admin.issue.diff({ key: issue.key, from: 1, to: 9 }), "NOT_FOUND");
    expect(missing.message).toContain("Version 9");
    // The reporter did not report it and is not assigned: no history, no diff, as if it did not exist.
    await expectTRPCError(callerFor(cast.reporter.id).issue.history({ key: issue.key }), "NOT_FOUND");
    await expectTRPCError(callerFor(cast.reporter.id).issue.diff({ key: issue.key, from: 1, to: 1 }), "NOT_FOUND");
    await expectTRPCError(callerFor(cast.nonMember.id).issue.history({ key: issue.key }), "NOT_FOUND");
    // Bad input is a typed error, not a 500.
    await expectTRPCError(admin.issue.diff({ key: issue.key, from: 0, to: 1 }), "BAD_REQUEST");
    await expectTRPCError(admin.issue.history({ key: issue.key, cursor: "forged" }), "BAD_REQUEST");
  });

  it("reopening clears the resolution, and the history shows both", async () => {
    const maintainer = callerFor(cast.maintainer.id);
    const issue = await maintainer.issue.create({ projectKey: cast.key, title: "Flaky" });
    const closed = await maintainer.issue.transition({ key: issue.key, expectedVersion: 1, to: "WONT_FIX" });
    expect(closed.resolution).toBeNull();
    expect(closed.closedAt).not.toBeNull();
    const reopened = await maintainer.issue.transition({ key: issue.key, expectedVersion: 2, to: "OPEN" });
    expect(reopened.closedAt).toBeNull();
    const history = await maintainer.issue.history({ key: issue.key });
    expect(history.items.map((v) => v.snapshot.status)).toEqual(["OPEN", "WONT_FIX", "OPEN"]);
  });
});
