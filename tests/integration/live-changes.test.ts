/**
 * What a live stream says about each kind of change, made through the real
 * procedures and dispatched: the item it is about, and who may receive it —
 * checked against what the same callers may read through the API.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { dispatchOnce } from "@/server/jobs/dispatcher";
import { describeChanges, type LiveChange, readDispatched } from "@/server/live/changes";
import { mayReceive } from "@/server/live/stream";

import { callerFor, createProjectWithCast } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let changes: LiveChange[];
let adminIssueKey: string;
let reporterIssueKey: string;
let requirementKey: string;

beforeAll(async () => {
  cast = await createProjectWithCast();
  const admin = callerFor(cast.admin.id);
  const reporter = callerFor(cast.reporter.id);
  const requirement = await admin.requirement.create({ projectKey: cast.key, title: "Braking distance" });
  requirementKey = requirement.key;
  const adminIssue = await admin.issue.create({ projectKey: cast.key, title: "Staff only" });
  adminIssueKey = adminIssue.key;
  const reporterIssue = await reporter.issue.create({ projectKey: cast.key, title: "Reported" });
  reporterIssueKey = reporterIssue.key;
  await admin.traceLink.create({ projectKey: cast.key, from: adminIssue.key, to: requirement.key, type: "IMPLEMENTS" });
  // Changes the requirement: the link from the admin's issue becomes suspect.
  await admin.requirement.update({ key: requirement.key, expectedVersion: 1, title: "Braking distance, wet road" });
  await admin.issue.comments.add({ key: adminIssue.key, body: "Looking into it" });
  await admin.issue.assign({
    key: reporterIssue.key,
    expectedVersion: reporterIssue.version,
    assigneeId: cast.maintainer.id,
  });
  // Links between issues: one made on the admin's issue, one on the reporter's, to the other's.
  await admin.issue.links.add({ key: adminIssue.key, type: "BLOCKS", to: reporterIssue.key });
  await admin.issue.links.add({ key: reporterIssue.key, type: "RELATES_TO", to: adminIssue.key });
  await admin.baseline.create({ projectKey: cast.key, name: "R1" });
  await callerFor(cast.reporter.id).subscription.set({ key: requirement.key, watching: true });
  await admin.project.members.setRole({ projectKey: cast.key, userId: cast.maintainer.id, role: "REPORTER" });
  await admin.project.members.setRole({ projectKey: cast.key, userId: cast.maintainer.id, role: "MAINTAINER" });

  await db.outboxEvent.deleteMany({ where: { projectId: null } });
  while ((await dispatchOnce({ mode: "embedded", handle: async () => {} })).claimed > 0) {}
  changes = await describeChanges(await readDispatched({ after: 0, projectId: cast.project.id, limit: 1_000 }));
});

function ofType(type: string): LiveChange[] {
  return changes.filter((c) => c.type === type);
}

describe("live change descriptions", () => {
  it("names the project and the item of every change, with its version where it has one", () => {
    expect(changes.length).toBeGreaterThan(10);
    for (const c of changes) expect(c.projectKey, c.type).toBe(cast.key);
    expect(ofType("requirement.created")[0]).toMatchObject({ key: requirementKey, version: 1, refs: [requirementKey] });
    expect(ofType("requirement.updated")[0]).toMatchObject({ key: requirementKey, version: 2 });
    expect(ofType("issue.created").map((c) => c.key)).toEqual([adminIssueKey, reporterIssueKey]);
    expect(ofType("issue.commented")[0]).toMatchObject({ key: adminIssueKey, refs: [adminIssueKey] });
    expect(ofType("traceLink.created")[0]?.refs.sort()).toEqual([adminIssueKey, requirementKey].sort());
    // The suspect flag names only the requirement in its payload; the link's issue is looked up.
    expect(ofType("traceLink.suspected")[0]).toMatchObject({ key: requirementKey, version: 2 });
    expect(ofType("traceLink.suspected")[0]?.refs).toContain(adminIssueKey);
    expect(ofType("baseline.created")[0]?.key).toEqual(expect.any(String));
    // A link between issues names only the issue it was made on: the other end may be hidden from some readers.
    expect(ofType("issue.linked").map((c) => [c.key, c.refs])).toEqual([
      [adminIssueKey, [adminIssueKey]],
      [reporterIssueKey, [reporterIssueKey]],
    ]);
    for (const c of ofType("project.member_role_changed")) expect(c.memberUserId).toEqual(expect.any(String));
    // Numbers follow dispatch order without repeats.
    const seqs = changes.map((c) => c.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("lets each role receive exactly what it may read", async () => {
    const reporter = { userId: cast.reporter.id, role: "REPORTER" as const };
    const maintainer = { userId: cast.maintainer.id, role: "MAINTAINER" as const };
    const received = (viewer: typeof reporter | typeof maintainer) =>
      changes.filter((c) => mayReceive(viewer, c)).map((c) => `${c.type} ${c.key}`);

    // Staff receive every issue change.
    expect(received(maintainer)).toEqual(
      expect.arrayContaining([
        `issue.created ${adminIssueKey}`,
        `issue.created ${reporterIssueKey}`,
        `issue.commented ${adminIssueKey}`,
      ]),
    );
    // A reporter: their own issue and requirements, nothing about the admin's issue — not even its suspect link.
    const forReporter = received(reporter);
    expect(forReporter).toContain(`issue.created ${reporterIssueKey}`);
    expect(forReporter).toContain(`requirement.updated ${requirementKey}`);
    expect(forReporter).toContain(`issue.linked ${reporterIssueKey}`);
    expect(forReporter.filter((line) => line.includes(adminIssueKey))).toEqual([]);
    expect(forReporter.some((line) => line.startsWith("traceLink."))).toBe(false);
    // Watching is personal: only the watcher hears of it.
    expect(forReporter.some((line) => line.startsWith("subscription.watched"))).toBe(true);
    expect(received(maintainer).some((line) => line.startsWith("subscription.watched"))).toBe(false);

    // The same rule as the API: the issues the reporter may open are exactly the issue keys they received.
    const listed = await callerFor(cast.reporter.id).issue.list({ projectKey: cast.key });
    const issueKeys = new Set(
      changes.filter((c) => c.type.startsWith("issue.") && mayReceive(reporter, c)).map((c) => c.key),
    );
    expect([...issueKeys].sort()).toEqual(listed.items.map((i) => i.key).sort());
  });
});
