/**
 * An issue's activity: its changes, comments, attachments, trace links with
 * their suspect flags and clears, and links to other issues, newest first,
 * with who and when — and nothing a reader may not see.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { subjectKeys } from "@/server/services/change";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

describe("issue activity", () => {
  it("interleaves changes, comments, trace links, suspect flags and clears, and links to other issues", async () => {
    const reporter = callerFor(cast.reporter.id);
    const maintainer = callerFor(cast.maintainer.id);
    const requirement = await maintainer.requirement.create({ projectKey: cast.key, title: "Refund within 5 days" });
    const issue = await reporter.issue.create({ projectKey: cast.key, title: "Refund stuck" });
    const other = await reporter.issue.create({ projectKey: cast.key, title: "Refund page blank" });
    await maintainer.traceLink.create({ projectKey: cast.key, from: issue.key, to: requirement.key, type: "VERIFIES" });
    const triaged = await maintainer.issue.transition({ key: issue.key, expectedVersion: 1, to: "TRIAGED" });
    const comment = await reporter.issue.comments.add({ key: issue.key, body: "Still stuck after a day" });
    // The requirement changes: the link from the issue becomes suspect, then a maintainer clears it.
    await maintainer.requirement.update({ key: requirement.key, expectedVersion: 1, title: "Refund within 3 days" });
    const links = await maintainer.traceLink.listFor({ key: issue.key });
    const link = links.outgoing[0];
    if (!link) throw new Error("the trace link should be listed");
    await maintainer.traceLink.clearSuspect({
      projectKey: cast.key,
      linkId: link.id,
      reason: "Still verifies the shorter limit",
    });
    await maintainer.issue.links.add({ key: issue.key, type: "BLOCKS", to: other.key });
    await maintainer.issue.assign({ key: issue.key, expectedVersion: triaged.version, assigneeId: cast.maintainer.id });

    const activity = await reporter.issue.activity({ key: issue.key });
    expect(activity.items.map((e) => e.action)).toEqual([
      "issue.assigned",
      "issue.linked",
      "traceLink.suspect_cleared",
      "traceLink.suspected",
      "issue.commented",
      "issue.status_changed",
      "traceLink.created",
      "issue.created",
    ]);
    const byAction = Object.fromEntries(activity.items.map((e) => [e.action, e]));
    expect(byAction["issue.status_changed"]).toMatchObject({
      actor: { id: cast.maintainer.id, name: expect.any(String) },
      before: { status: "OPEN", key: issue.key },
      after: { status: "TRIAGED" },
    });
    expect(byAction["issue.commented"]?.comment).toEqual({
      id: comment.id,
      body: "Still stuck after a day",
      deleted: false,
    });
    expect(byAction["traceLink.suspected"]?.after).toMatchObject({
      from: { key: issue.key },
      to: { key: requirement.key },
    });
    expect(byAction["issue.linked"]?.after).toMatchObject({ type: "BLOCKS", to: { key: other.key } });
    expect(byAction["issue.assigned"]?.after).toMatchObject({ assignee: { id: cast.maintainer.id } });

    // Paged, newest first.
    const first = await reporter.issue.activity({ key: issue.key, limit: 3 });
    const rest = await reporter.issue.activity({ key: issue.key, limit: 10, cursor: first.nextCursor ?? undefined });
    expect([...first.items, ...rest.items].map((e) => e.id)).toEqual(activity.items.map((e) => e.id));
    await expectTRPCError(reporter.issue.activity({ key: issue.key, cursor: "forged" }), "BAD_REQUEST");
  });

  it("shows a deleted comment without its text, and leaves out links to issues the reader may not see", async () => {
    const reporter = callerFor(cast.reporter.id);
    const maintainer = callerFor(cast.maintainer.id);
    const issue = await reporter.issue.create({ projectKey: cast.key, title: "Mine" });
    const internal = await callerFor(cast.admin.id).issue.create({ projectKey: cast.key, title: "Internal review" });
    const comment = await reporter.issue.comments.add({ key: issue.key, body: "Password is hunter2, oops" });
    await reporter.issue.comments.delete({ key: issue.key, commentId: comment.id });
    await maintainer.issue.links.add({ key: internal.key, type: "BLOCKS", to: issue.key });

    const seen = await reporter.issue.activity({ key: issue.key });
    expect(JSON.stringify(seen)).not.toContain("hunter2");
    expect(JSON.stringify(seen)).not.toContain("Internal review");
    expect(JSON.stringify(seen)).not.toContain(internal.key);
    expect(seen.items.find((e) => e.action === "issue.commented")?.comment).toEqual({
      id: comment.id,
      body: "",
      deleted: true,
    });
    // A maintainer sees the link, with both ends.
    const staff = await maintainer.issue.activity({ key: issue.key });
    expect(staff.items.find((e) => e.action === "issue.linked")?.after).toMatchObject({
      from: { key: internal.key },
      to: { key: issue.key },
    });
    // The internal issue's activity is not the reporter's to read.
    await expectTRPCError(reporter.issue.activity({ key: internal.key }), "NOT_FOUND");
  });

  it("names the items each change concerns", async () => {
    expect(
      subjectKeys({
        action: "traceLink.created",
        entityType: "TraceLink",
        entityId: "l1",
        after: { from: { key: "PAY-I-4" }, to: { key: "PAY-12" } },
      }).sort(),
    ).toEqual(["PAY-12", "PAY-I-4"]);
    expect(
      subjectKeys({ action: "issue.commented", entityType: "Comment", entityId: "c1", data: { issueKey: "PAY-I-4" } }),
    ).toEqual(["PAY-I-4"]);
    // A project's key alone, or anything that is not an item's key, names no item.
    expect(
      subjectKeys({ action: "project.updated", entityType: "Project", entityId: "p", after: { key: "PAY" } }),
    ).toEqual([]);
    const stored = await db.auditEvent.findFirst({
      where: { action: "project.created", projectId: cast.project.id },
      select: { subjects: true },
    });
    expect(stored?.subjects).toEqual([]);
  });
});
