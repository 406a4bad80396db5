/** Inputs and outputs of the requirement review procedures (`review.request | respond | cancel | listFor`). */
import { z } from "zod";

import { dateTimeOut, id, longText, personOut } from "./common";
import { requirementKey } from "./requirement";

export const REVIEW_DECISIONS = ["APPROVED", "CHANGES_REQUESTED"] as const;
export type ReviewDecisionValue = (typeof REVIEW_DECISIONS)[number];
export const reviewDecision = z.enum(REVIEW_DECISIONS, { error: 'Decision is "APPROVED" or "CHANGES_REQUESTED"' });

export const REVIEW_DECISION_LABELS: Record<ReviewDecisionValue, string> = {
  APPROVED: "Approved",
  CHANGES_REQUESTED: "Changes requested",
};

/** Most reviewers one round may name. */
export const MAX_REVIEWERS = 20;

export const reviewNote = longText(2000);
export const reviewComment = longText(5000);

export const reviewRequestInput = z.object({
  key: requirementKey,
  /** Project members asked to review the requirement's current version. */
  reviewerIds: z
    .array(id)
    .min(1, "Name at least one reviewer")
    .max(MAX_REVIEWERS, `At most ${MAX_REVIEWERS} reviewers`)
    .transform((ids) => [...new Set(ids)]),
  note: reviewNote.optional(),
});
export type ReviewRequestInput = z.infer<typeof reviewRequestInput>;

export const reviewRespondInput = z
  .object({
    key: requirementKey,
    /** The round answered; omitted: the requirement's open round. */
    reviewId: id.optional(),
    decision: reviewDecision,
    /** Optional with an approval; requesting changes says which. */
    comment: reviewComment.trim().default(""),
  })
  .refine((v) => v.decision !== "CHANGES_REQUESTED" || v.comment.length > 0, {
    message: "Say what should change",
    path: ["comment"],
  });
export type ReviewRespondInput = z.infer<typeof reviewRespondInput>;

export const reviewCancelInput = z.object({
  key: requirementKey,
  /** The round to cancel; omitted: the requirement's open round. */
  reviewId: id.optional(),
});
export type ReviewCancelInput = z.infer<typeof reviewCancelInput>;

export const reviewListForInput = z.object({ key: requirementKey });
export type ReviewListForInput = z.infer<typeof reviewListForInput>;

/* ------------------------------------------------------------------ outputs */

/** Where a round stands: waiting for answers, approved by all, changes requested, or closed. */
export const REVIEW_STATES = ["PENDING", "APPROVED", "CHANGES_REQUESTED", "CANCELLED", "SUPERSEDED"] as const;
export type ReviewStateValue = (typeof REVIEW_STATES)[number];

/** One reviewer of a round and their answer. */
export const reviewAssignmentOut = z
  .object({
    /** Null once that account is gone. */
    reviewer: personOut.nullable(),
    /** Null until they answer. */
    decision: reviewDecision.nullable(),
    comment: z.string(),
    respondedAt: dateTimeOut.nullable(),
  })
  .meta({ id: "ReviewAssignment", description: "One reviewer of a review round and their answer" });

/** A review round of a requirement. */
export const reviewOut = z
  .object({
    id: z.string(),
    key: z.string(),
    /** The requirement version the reviewers were asked to review. */
    version: z.number(),
    /**
     * Whether the requirement's content changed since that version (an edit or a restore): its answers
     * no longer count towards approval.
     */
    outdated: z.boolean(),
    state: z.enum(REVIEW_STATES),
    note: z.string(),
    requestedBy: personOut.nullable(),
    createdAt: dateTimeOut,
    closedAt: dateTimeOut.nullable(),
    closedBy: personOut.nullable(),
    reviewers: z.array(reviewAssignmentOut),
  })
  .meta({ id: "Review", description: "A review round of a requirement, with each reviewer's answer" });
export type ReviewOut = z.infer<typeof reviewOut>;

/** The review rounds of a requirement, newest first, and whether its project gates approval on them. */
export const reviewListOut = z
  .object({
    key: z.string(),
    /** The requirement's current version. */
    currentVersion: z.number(),
    /** The project's "approval needs review" setting. */
    approvalNeedsReview: z.boolean(),
    items: z.array(reviewOut),
  })
  .meta({ id: "ReviewList", description: "The review rounds of a requirement, newest first" });
