/**
 * Requirement reviews: a maintainer asks named project members to review a
 * requirement's current version (one round; a new request supersedes the
 * open one), each reviewer approves or requests changes, and the round can
 * be cancelled. Every change goes through applyChange (rows, audit, outbox
 * in one transaction); the events notify the people they are addressed to
 * (`notifyIds`: the reviewers of a request, the requester of an answer).
 * Whether approvals let a requirement become APPROVED is the approval gate's
 * business (approval-gate.ts).
 */
import type { Prisma } from "@prisma/client";

import type {
  ReviewCancelInput,
  ReviewListForInput,
  ReviewOut,
  ReviewRequestInput,
  ReviewRespondInput,
  ReviewStateValue,
} from "@/lib/schemas/review";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError, conflict, forbidden, isUniqueViolation } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { findRequirementOrThrow } from "@/server/services/requirements/write-version";
import { personSelect } from "@/server/services/users/user-select";

import { gatesApproval, type ReviewedContent, sameContent } from "./approval-gate";

/** Most rounds a requirement's review list shows, newest first. */
const MAX_ROUNDS_LISTED = 100;

const reviewSelect = {
  id: true,
  requirementId: true,
  version: true,
  note: true,
  createdAt: true,
  closedAt: true,
  closeReason: true,
  requestedById: true,
  requestedBy: { select: personSelect },
  closedBy: { select: personSelect },
  assignments: {
    select: {
      reviewerId: true,
      decision: true,
      comment: true,
      respondedAt: true,
      reviewer: { select: personSelect },
    },
    orderBy: { id: "asc" },
  },
} satisfies Prisma.ReviewSelect;

type ReviewRow = Prisma.ReviewGetPayload<{ select: typeof reviewSelect }>;

const contentSelect = {
  version: true,
  title: true,
  statement: true,
  rationale: true,
  type: true,
  priority: true,
  tags: true,
  attributes: true,
} satisfies Prisma.RequirementVersionSelect;

function stateOf(row: ReviewRow): ReviewStateValue {
  if (row.closedAt) return row.closeReason === "superseded" ? "SUPERSEDED" : "CANCELLED";
  if (row.assignments.some((a) => a.decision === "CHANGES_REQUESTED")) return "CHANGES_REQUESTED";
  if (row.assignments.length > 0 && row.assignments.every((a) => a.decision === "APPROVED")) return "APPROVED";
  return "PENDING";
}

/**
 * The rounds as the API answers with them. A round is outdated when the content of the version it
 * reviewed is not the requirement's content now (one query for all the rounds' versions).
 */
async function present(
  client: Tx | typeof db,
  requirement: ReviewedContent & { id: string; key: string },
  rows: ReviewRow[],
): Promise<ReviewOut[]> {
  const versions = [...new Set(rows.map((r) => r.version))];
  const snapshots = versions.length
    ? await client.requirementVersion.findMany({
        where: { requirementId: requirement.id, version: { in: versions } },
        select: contentSelect,
      })
    : [];
  const current = new Set(snapshots.filter((s) => sameContent(s, requirement)).map((s) => s.version));
  return rows.map((row) => ({
    id: row.id,
    key: requirement.key,
    version: row.version,
    outdated: !current.has(row.version),
    state: stateOf(row),
    note: row.note,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
    closedBy: row.closedBy,
    reviewers: row.assignments.map((a) => ({
      reviewer: a.reviewer,
      decision: a.decision,
      comment: a.comment,
      respondedAt: a.respondedAt,
    })),
  }));
}

async function presentOne(
  client: Tx | typeof db,
  requirement: ReviewedContent & { id: string; key: string },
  row: ReviewRow,
): Promise<ReviewOut> {
  const [out] = await present(client, requirement, [row]);
  if (!out) throw new Error("A presented review went missing");
  return out;
}

/** What the audit log keeps of a round. */
function auditShape(key: string, row: ReviewRow) {
  return {
    key,
    version: row.version,
    note: row.note,
    state: stateOf(row),
    reviewers: row.assignments.map((a) => ({
      id: a.reviewerId,
      name: a.reviewer?.name ?? null,
      decision: a.decision,
    })),
  };
}

/** The round `reviewId` names (of this requirement), or its open one. */
async function findRoundOrThrow(tx: Tx, requirement: { id: string; key: string }, reviewId: string | undefined) {
  const row = reviewId
    ? await tx.review.findFirst({ where: { id: reviewId, requirementId: requirement.id }, select: reviewSelect })
    : await tx.review.findFirst({ where: { requirementId: requirement.id, closedAt: null }, select: reviewSelect });
  if (!row) {
    throw new AppError("NOT_FOUND", reviewId ? "Review not found" : `${requirement.key} has no open review`);
  }
  return row;
}

function closedMessage(row: ReviewRow): string {
  return row.closeReason === "superseded"
    ? "A newer review request replaced this one; answer that one instead"
    : "This review was cancelled";
}

export async function requestReview({ scope, input }: { scope: ProjectScope; input: ReviewRequestInput }) {
  try {
    return await applyChange(scope.actor, async (tx, record) => {
      const requirement = await findRequirementOrThrow(tx, scope.projectId, input.key);
      if (requirement.status === "DEPRECATED") {
        throw new AppError("BAD_REQUEST", `${requirement.key} is deprecated; there is nothing to review`);
      }
      if (input.reviewerIds.includes(scope.userId)) {
        throw new AppError("BAD_REQUEST", "Ask someone else to review: you cannot review your own request");
      }
      const members = await tx.membership.findMany({
        where: { projectId: scope.projectId, userId: { in: input.reviewerIds }, user: { deactivatedAt: null } },
        select: { userId: true },
      });
      const memberIds = new Set(members.map((m) => m.userId));
      const outsiders = input.reviewerIds.filter((id) => !memberIds.has(id));
      if (outsiders.length > 0) {
        throw new AppError("BAD_REQUEST", "Reviewers must be active members of this project", {
          notMembers: outsiders,
        });
      }
      const now = new Date();
      // The open round, if any, gives way: at most one is open per requirement (a unique index holds it).
      const superseded = await tx.review.findFirst({
        where: { requirementId: requirement.id, closedAt: null },
        select: { id: true },
      });
      if (superseded) {
        await tx.review.update({
          where: { id: superseded.id },
          data: { closedAt: now, closedById: scope.userId, closeReason: "superseded" },
        });
      }
      const created = await tx.review.create({
        data: {
          projectId: scope.projectId,
          requirementId: requirement.id,
          version: requirement.version,
          requestedById: scope.userId,
          note: input.note?.trim() ?? "",
          createdAt: now,
          assignments: { create: input.reviewerIds.map((reviewerId) => ({ reviewerId })) },
        },
        select: reviewSelect,
      });
      record({
        action: "review.requested",
        entityType: "Review",
        entityId: created.id,
        projectId: scope.projectId,
        after: auditShape(requirement.key, created),
        data: {
          key: requirement.key,
          requirementKey: requirement.key,
          reviewedVersion: requirement.version,
          notifyIds: input.reviewerIds,
          ...(superseded ? { supersededReviewId: superseded.id } : {}),
        },
      });
      return presentOne(tx, requirement, created);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(`Someone else asked for a review of ${input.key} at the same moment; reload and try again`);
    }
    throw err;
  }
}

export async function respondToReview({ scope, input }: { scope: ProjectScope; input: ReviewRespondInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const requirement = await findRequirementOrThrow(tx, scope.projectId, input.key);
    const round = await findRoundOrThrow(tx, requirement, input.reviewId);
    const mine = round.assignments.find((a) => a.reviewerId === scope.userId);
    if (!mine) throw forbidden(`You were not asked to review ${requirement.key}`);
    if (round.closedAt) throw conflict(closedMessage(round));
    const shown = await presentOne(tx, requirement, round);
    if (shown.outdated) {
      throw conflict(
        `${requirement.key} changed since version ${round.version} was sent for review; it needs a new review request`,
      );
    }
    const respondedAt = new Date();
    await tx.reviewAssignment.update({
      where: { reviewId_reviewerId: { reviewId: round.id, reviewerId: scope.userId } },
      data: { decision: input.decision, comment: input.comment, respondedAt },
    });
    const after = await tx.review.findUniqueOrThrow({ where: { id: round.id }, select: reviewSelect });
    const notifyIds = round.requestedById && round.requestedById !== scope.userId ? [round.requestedById] : [];
    record({
      action: "review.responded",
      entityType: "Review",
      entityId: round.id,
      projectId: scope.projectId,
      before: auditShape(requirement.key, round),
      after: { ...auditShape(requirement.key, after), decision: input.decision, comment: input.comment },
      data: {
        key: requirement.key,
        requirementKey: requirement.key,
        reviewedVersion: round.version,
        decision: input.decision,
        comment: input.comment,
        notifyIds,
      },
    });
    return presentOne(tx, requirement, after);
  });
}

export async function cancelReview({ scope, input }: { scope: ProjectScope; input: ReviewCancelInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const requirement = await findRequirementOrThrow(tx, scope.projectId, input.key);
    const round = await findRoundOrThrow(tx, requirement, input.reviewId);
    // Compare-and-set on "still open": of two cancels at once, the second is told it already happened.
    const { count } = await tx.review.updateMany({
      where: { id: round.id, closedAt: null },
      data: { closedAt: new Date(), closedById: scope.userId, closeReason: "cancelled" },
    });
    if (count === 0) throw conflict(round.closedAt ? closedMessage(round) : "This review was closed meanwhile");
    const after = await tx.review.findUniqueOrThrow({ where: { id: round.id }, select: reviewSelect });
    record({
      action: "review.cancelled",
      entityType: "Review",
      entityId: round.id,
      projectId: scope.projectId,
      before: auditShape(requirement.key, round),
      after: auditShape(requirement.key, after),
      data: { key: requirement.key, requirementKey: requirement.key, reviewedVersion: round.version },
    });
    return presentOne(tx, requirement, after);
  });
}

export async function listReviews({ scope, input }: { scope: ProjectScope; input: ReviewListForInput }) {
  const requirement = await db.requirement.findFirst({
    where: { key: input.key, projectId: scope.projectId },
    select: { id: true, key: true, ...contentSelect },
  });
  if (!requirement) throw new AppError("NOT_FOUND", `Requirement ${input.key} not found`);
  const [rows, project] = await Promise.all([
    db.review.findMany({
      where: { requirementId: requirement.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: MAX_ROUNDS_LISTED,
      select: reviewSelect,
    }),
    db.project.findUniqueOrThrow({ where: { id: scope.projectId }, select: { settings: true } }),
  ]);
  return {
    key: requirement.key,
    currentVersion: requirement.version,
    approvalNeedsReview: gatesApproval(project.settings),
    items: await present(db, requirement, rows),
  };
}
