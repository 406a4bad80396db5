/**
 * Requirement reviews and the approval gate: with "approval needs review" on, a requirement becomes
 * APPROVED only when every reviewer of its open round approved exactly its current content — through
 * any route that writes a status (transition, restore, import, undo of an import).
 */
import { beforeEach, describe, expect, it } from "vitest";

import { importForm } from "@/lib/schemas/import";
import { db } from "@/server/db";
import { toCsv } from "@/server/services/csv";
import { createImportJob, runImportJob } from "@/server/services/imports/import-jobs";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  projectScopeFor,
} from "../helpers/factories";
import { drainOutbox } from "../helpers/mail";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let admin: ReturnType<typeof callerFor>;
let maint: ReturnType<typeof callerFor>;
let second: { id: string; name: string };

async function gate(on: boolean) {
  const project = await admin.project.byKey({ projectKey: cast.key });
  await admin.project.update({
    projectKey: cast.key,
    expectedVersion: project.version,
    settings: { ...(project.settings as object), approvalNeedsReview: on },
  });
}

/** A requirement sent to review (IN_REVIEW), at the version returned. */
async function inReview(title = "Refunds within 5 days") {
  const r = await maint.requirement.create({ projectKey: cast.key, title, statement: "The system shall refund." });
  return maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "IN_REVIEW" });
}

/** Imports `csv` into the project as its admin and answers with the finished job. */
async function importCsv(csv: string, opts: { dryRun?: boolean } = {}) {
  const scope = await projectScopeFor(cast.admin.id, cast.key);
  const { jobId } = await createImportJob({
    scope,
    form: importForm.parse({
      projectKey: cast.key,
      kind: "requirements",
      format: "csv",
      ...(opts.dryRun ? { dryRun: "true" } : {}),
    }),
    filename: "approved.csv",
    bytes: new TextEncoder().encode(csv),
  });
  await runImportJob(jobId);
  return admin.importJob.byId({ projectKey: cast.key, id: jobId });
}

const approve = (userId: string, key: string) =>
  callerFor(userId).review.respond({ key, decision: "APPROVED", comment: "Looks right" });

beforeEach(async () => {
  cast = await createProjectWithCast();
  admin = callerFor(cast.admin.id);
  maint = callerFor(cast.maintainer.id);
  second = await createUser({ name: "Second Reviewer" });
  await addMembership(cast.project.id, second.id, "REPORTER");
  await gate(true);
});

describe("the approval gate", () => {
  it("approves only once every reviewer approved the current version", async () => {
    const r = await inReview();
    // No review yet: refused, saying so.
    const none = await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" }),
      "BAD_REQUEST",
    );
    expect(none.message).toMatch(/needs a review/);

    const round = await maint.review.request({
      key: r.key,
      reviewerIds: [cast.reporter.id, second.id],
      note: "Please check the wording",
    });
    expect(round).toMatchObject({ version: r.version, state: "PENDING", outdated: false });

    await approve(cast.reporter.id, r.key);
    const one = await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" }),
      "BAD_REQUEST",
    );
    // The refusal names who has not approved, and only them.
    expect(one.message).toContain("Second Reviewer");
    expect(one.message).not.toContain("Reporter");

    const both = await approve(second.id, r.key);
    expect(both.state).toBe("APPROVED");
    const approved = await maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" });
    expect(approved.status).toBe("APPROVED");
    // A status change keeps the approvals current.
    const list = await maint.review.listFor({ key: r.key });
    expect(list).toMatchObject({ currentVersion: approved.version, approvalNeedsReview: true });
    expect(list.items[0]).toMatchObject({ outdated: false, state: "APPROVED", note: "Please check the wording" });
    expect(list.items[0]?.reviewers.map((x) => x.decision)).toEqual(["APPROVED", "APPROVED"]);
  });

  it("blocks approval while any reviewer requests changes, naming them", async () => {
    const r = await inReview();
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id, second.id] });
    await approve(cast.reporter.id, r.key);
    await callerFor(second.id).review.respond({
      key: r.key,
      decision: "CHANGES_REQUESTED",
      comment: "Say which currency",
    });
    const err = await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" }),
      "BAD_REQUEST",
    );
    expect(err.message).toContain("Second Reviewer (changes requested)");
    expect((await maint.requirement.byKey({ key: r.key })).status).toBe("IN_REVIEW");
    // Changing one's answer to an approval unblocks it.
    await approve(second.id, r.key);
    await expect(
      maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" }),
    ).resolves.toMatchObject({ status: "APPROVED" });
  });

  it("counts approvals only for the exact version: an edit makes them outdated", async () => {
    const r = await inReview();
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id, second.id] });
    await approve(cast.reporter.id, r.key);
    await approve(second.id, r.key);
    const edited = await maint.requirement.update({
      key: r.key,
      expectedVersion: r.version,
      statement: "The system shall refund within 5 days.",
    });
    const err = await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: edited.version, to: "APPROVED" }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/changed since version/);
    const list = await maint.review.listFor({ key: r.key });
    // The approvals stay in the history, marked as for an older version.
    expect(list.items[0]).toMatchObject({ version: r.version, outdated: true, state: "APPROVED" });
    // An outdated round takes no more answers.
    await expectTRPCError(approve(cast.reporter.id, r.key), "CONFLICT");

    // A new round for the edited version, approved by both, lets it through.
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id, second.id] });
    await approve(cast.reporter.id, r.key);
    await approve(second.id, r.key);
    await expect(
      maint.requirement.transition({ key: r.key, expectedVersion: edited.version, to: "APPROVED" }),
    ).resolves.toMatchObject({ status: "APPROVED" });
    const after = await maint.review.listFor({ key: r.key });
    expect(after.items.map((i) => [i.state, i.outdated])).toEqual([
      ["APPROVED", false],
      ["SUPERSEDED", true],
    ]);
  });

  it("puts an APPROVED requirement back in review when its content is edited", async () => {
    const r = await inReview();
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id] });
    await approve(cast.reporter.id, r.key);
    const approved = await maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" });
    const edited = await maint.requirement.update({
      key: r.key,
      expectedVersion: approved.version,
      title: "Refunds within 3 days",
    });
    expect(edited.status).toBe("IN_REVIEW");
    // A move changes no content: an approved requirement stays approved.
    const again = await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id] });
    expect(again.version).toBe(edited.version);
    await approve(cast.reporter.id, r.key);
    const ok = await maint.requirement.transition({ key: r.key, expectedVersion: edited.version, to: "APPROVED" });
    const parent = await maint.requirement.create({ projectKey: cast.key, title: "Parent" });
    const moved = await maint.requirement.move({ key: r.key, expectedVersion: ok.version, parentKey: parent.key });
    expect(moved.status).toBe("APPROVED");
  });

  it("lets a restore to an APPROVED version land IN_REVIEW when the approvals do not cover it", async () => {
    const r = await inReview();
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id] });
    await approve(cast.reporter.id, r.key);
    const approved = await maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" });
    const edited = await maint.requirement.update({ key: r.key, expectedVersion: approved.version, title: "Changed" });
    expect(edited.status).toBe("IN_REVIEW");
    // Cancelling the round: nothing covers any version now.
    await maint.review.cancel({ key: r.key });
    const restored = await maint.requirement.restore({
      key: r.key,
      expectedVersion: edited.version,
      version: approved.version,
    });
    expect(restored).toMatchObject({ status: "IN_REVIEW", title: "Refunds within 5 days" });
    const last = await db.requirementVersion.findFirstOrThrow({
      where: { requirementId: r.id },
      orderBy: { version: "desc" },
    });
    expect(last).toMatchObject({ changeKind: "restored", status: "IN_REVIEW" });
  });

  it("lets an import that says APPROVED land IN_REVIEW, for new and for updated requirements, and says so", async () => {
    const existing = await inReview("Existing");
    const csv = toCsv([
      ["Key", "Title", "Statement", "Status"],
      [existing.key, "Existing, imported", "Imported text", "APPROVED"],
      ["", "Brand new", "New text", "APPROVED"],
      ["", "Still a draft", "Draft text", "DRAFT"],
    ]);

    // The dry run tells what the import will do, and writes nothing.
    const checked = await importCsv(csv, { dryRun: true });
    expect(checked).toMatchObject({ status: "SUCCEEDED", created: 2, updated: 1 });
    expect(checked.message).toBe(
      "2 requirements marked Approved will land In review: this project approves a requirement only once its reviewers approve that version",
    );
    expect(await db.requirement.count({ where: { projectId: cast.project.id, title: "Brand new" } })).toBe(0);

    const job = await importCsv(csv);
    expect(job).toMatchObject({ status: "SUCCEEDED", created: 2, updated: 1 });
    expect(job.message).toMatch(/^2 requirements marked Approved landed In review:/);
    const rows = await db.requirement.findMany({
      where: { projectId: cast.project.id, title: { in: ["Existing, imported", "Brand new"] } },
      select: { title: true, status: true },
      orderBy: { title: "asc" },
    });
    expect(rows).toEqual([
      { title: "Brand new", status: "IN_REVIEW" },
      { title: "Existing, imported", status: "IN_REVIEW" },
    ]);
  });

  it("asks nothing when the setting is off", async () => {
    await gate(false);
    const r = await inReview();
    await expect(
      maint.requirement.transition({ key: r.key, expectedVersion: r.version, to: "APPROVED" }),
    ).resolves.toMatchObject({ status: "APPROVED" });
    const list = await maint.review.listFor({ key: r.key });
    expect(list).toMatchObject({ approvalNeedsReview: false, items: [] });
    const csv = toCsv([
      ["Title", "Statement", "Status"],
      ["Approved outright", "Text", "APPROVED"],
    ]);
    expect(await importCsv(csv, { dryRun: true })).toMatchObject({ status: "SUCCEEDED", created: 1, message: null });
    expect(await importCsv(csv)).toMatchObject({ status: "SUCCEEDED", created: 1, message: null });
    const imported = await db.requirement.findFirst({
      where: { projectId: cast.project.id, title: "Approved outright" },
    });
    expect(imported?.status).toBe("APPROVED");
  });
});

describe("review requests and answers", () => {
  it("accepts answers only from the requested reviewers", async () => {
    const r = await inReview();
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id] });
    // A member not asked: FORBIDDEN; the requester cannot answer their own request either.
    await expectTRPCError(approve(second.id, r.key), "FORBIDDEN");
    await expectTRPCError(approve(cast.maintainer.id, r.key), "FORBIDDEN");
    // A non-member learns nothing about the project.
    await expectTRPCError(approve(cast.nonMember.id, r.key), "NOT_FOUND");
    await expectTRPCError(callerFor(cast.nonMember.id).review.listFor({ key: r.key }), "NOT_FOUND");
    await expectTRPCError(
      callerFor(cast.nonMember.id).review.request({ key: r.key, reviewerIds: [cast.reporter.id] }),
      "NOT_FOUND",
    );
    // Reporters may answer when asked, but not ask or cancel.
    await expectTRPCError(
      callerFor(cast.reporter.id).review.request({ key: r.key, reviewerIds: [second.id] }),
      "FORBIDDEN",
    );
    await expectTRPCError(callerFor(cast.reporter.id).review.cancel({ key: r.key }), "FORBIDDEN");
  });

  it("refuses bad input with typed errors", async () => {
    const r = await inReview();
    const bad = [
      () => maint.review.request({ key: r.key, reviewerIds: [] }),
      () => maint.review.request({ key: r.key, reviewerIds: Array.from({ length: 21 }, (_, i) => `user-${i}`) }),
      () => maint.review.request({ key: "not a key", reviewerIds: [cast.reporter.id] }),
      () => maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id], note: "x".repeat(2001) }),
      // Not a member, or oneself.
      () => maint.review.request({ key: r.key, reviewerIds: [cast.nonMember.id] }),
      () => maint.review.request({ key: r.key, reviewerIds: ["no-such-user"] }),
      () => maint.review.request({ key: r.key, reviewerIds: [cast.maintainer.id] }),
      // Requesting changes says which; the decision is one of two.
      () => callerFor(cast.reporter.id).review.respond({ key: r.key, decision: "CHANGES_REQUESTED", comment: "  " }),
      () => callerFor(cast.reporter.id).review.respond({ key: r.key, decision: "MAYBE" as "APPROVED", comment: "" }),
    ];
    // Called one by one: each refusal is awaited as it is made.
    for (const call of bad) await expectTRPCError(call(), "BAD_REQUEST");
    // Nothing to answer or cancel yet; an unknown round or requirement is not found.
    await expectTRPCError(approve(cast.reporter.id, r.key), "NOT_FOUND");
    await expectTRPCError(maint.review.cancel({ key: r.key }), "NOT_FOUND");
    await expectTRPCError(maint.review.cancel({ key: r.key, reviewId: "no-such-review" }), "NOT_FOUND");
    await expectTRPCError(maint.review.listFor({ key: `${cast.key}-999` }), "NOT_FOUND");
    expect(await db.review.count({ where: { requirementId: r.id } })).toBe(0);
  });

  it("cancels a round once, after which it takes no answers", async () => {
    const r = await inReview();
    const round = await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id] });
    const cancelled = await admin.review.cancel({ key: r.key, reviewId: round.id });
    expect(cancelled).toMatchObject({ state: "CANCELLED", closedBy: { id: cast.admin.id } });
    await expectTRPCError(maint.review.cancel({ key: r.key, reviewId: round.id }), "CONFLICT");
    await expectTRPCError(
      callerFor(cast.reporter.id).review.respond({ key: r.key, reviewId: round.id, decision: "APPROVED" }),
      "CONFLICT",
    );
  });

  it("notifies the reviewers of a request and the requester of each answer, with audit rows", async () => {
    const r = await inReview("Refund window");
    await maint.review.request({ key: r.key, reviewerIds: [cast.reporter.id, second.id] });
    await drainOutbox();
    const asked = await db.notification.findMany({
      where: { type: "review.requested", projectId: cast.project.id },
      select: { userId: true, title: true },
    });
    expect(asked.map((n) => n.userId).sort()).toEqual([cast.reporter.id, second.id].sort());
    expect(asked[0]?.title).toBe(`Maintainer asked you to review ${r.key} Refund window`);

    await callerFor(second.id).review.respond({ key: r.key, decision: "CHANGES_REQUESTED", comment: "Which days?" });
    await drainOutbox();
    const answered = await db.notification.findMany({
      where: { type: "review.responded", projectId: cast.project.id },
      select: { userId: true, title: true, body: true },
    });
    expect(answered).toEqual([
      {
        userId: cast.maintainer.id,
        title: `Second Reviewer requested changes to ${r.key} Refund window`,
        body: "Which days?",
      },
    ]);
    const audit = await db.auditEvent.findMany({
      where: { projectId: cast.project.id, action: { startsWith: "review." } },
      select: { action: true, actorId: true },
      orderBy: { createdAt: "asc" },
    });
    expect(audit).toEqual([
      { action: "review.requested", actorId: cast.maintainer.id },
      { action: "review.responded", actorId: second.id },
    ]);
  });
});
