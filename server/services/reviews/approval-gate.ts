/**
 * The approval gate: with the project setting `approvalNeedsReview` on, a
 * requirement is APPROVED only when every reviewer of its open review round
 * approved exactly the content it holds. commitRequirementVersion — the one
 * place a requirement's status is written — asks it before every version, so
 * no route (transition, restore, import, undo) gets past it: an explicit
 * transition is refused, anything else lands IN_REVIEW instead.
 *
 * "Exactly the content" is the reviewed version's text, classification, tags
 * and attributes: a status change or a move keeps approvals, an edit or a
 * restore that changes content makes them outdated.
 */
import type { Prisma, RequirementStatus } from "@prisma/client";

import { sameValue } from "@/lib/diff";
import type { db, Tx } from "@/server/db";
import { AppError } from "@/server/errors";
import type { VersionedFields } from "@/server/services/requirements/requirement-select";

/** A transaction, or the client itself for a check made outside one (an import's dry run). */
type Reader = Tx | typeof db;

/** The fields a reviewer approves; status and place in the tree are not among them. */
export const CONTENT_FIELDS = ["title", "statement", "rationale", "type", "priority", "tags", "attributes"] as const;
export type ReviewedContent = Pick<VersionedFields, (typeof CONTENT_FIELDS)[number]>;

export function sameContent(a: ReviewedContent, b: ReviewedContent): boolean {
  return CONTENT_FIELDS.every((f) => sameValue(a[f], b[f]));
}

/** Whether the project's settings hold a JSON object with `approvalNeedsReview: true`. */
export function gatesApproval(settings: unknown): boolean {
  return (
    typeof settings === "object" &&
    settings !== null &&
    (settings as { approvalNeedsReview?: unknown }).approvalNeedsReview === true
  );
}

/**
 * The project's setting, read with a share lock: a settings change waits for the version being written,
 * so the gate never decides on a setting that is being switched at the same moment.
 */
export async function approvalNeedsReview(tx: Reader, projectId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ settings: Prisma.JsonValue }[]>`
    SELECT settings FROM "Project" WHERE id = ${projectId} FOR SHARE`;
  return gatesApproval(rows[0]?.settings);
}

/** The status a requirement created without any review may have: APPROVED needs one when the gate is on. */
export function statusWithoutReview(status: RequirementStatus, gated: boolean): RequirementStatus {
  return gated && status === "APPROVED" ? "IN_REVIEW" : status;
}

interface OpenRoundRow {
  id: string;
  version: number;
  reviewerId: string | null;
  decision: "APPROVED" | "CHANGES_REQUESTED" | null;
  name: string | null;
}

/**
 * Why `content` may not be approved, or null when every reviewer of the open round approved it. The
 * round's answers are read with a share lock, so an answer changed at the same moment is either seen
 * here or waits until this version is written.
 */
export async function approvalRefusal(
  tx: Reader,
  requirement: { id: string; key: string; version: number },
  content: ReviewedContent,
): Promise<{ message: string; waitingFor: string[] } | null> {
  const rows = await tx.$queryRaw<OpenRoundRow[]>`
    SELECT r.id, r.version, a."reviewerId", a.decision::text AS decision, u.name
    FROM "Review" r
    JOIN "ReviewAssignment" a ON a."reviewId" = r.id
    LEFT JOIN "User" u ON u.id = a."reviewerId"
    WHERE r."requirementId" = ${requirement.id} AND r."closedAt" IS NULL
    ORDER BY u.name, a.id
    FOR SHARE OF r, a`;
  const { key } = requirement;
  const [first] = rows;
  if (!first) {
    return {
      message: `${key} needs a review before it can be approved: request one and have every reviewer approve version ${requirement.version}`,
      waitingFor: [],
    };
  }
  const reviewed = first.version;
  const snapshot = await tx.requirementVersion.findUnique({
    where: { requirementId_version: { requirementId: requirement.id, version: reviewed } },
    select: { title: true, statement: true, rationale: true, type: true, priority: true, tags: true, attributes: true },
  });
  if (!snapshot || !sameContent(snapshot, content)) {
    return {
      message: `${key} changed since version ${reviewed} was reviewed: request a new review of version ${requirement.version} before approving it`,
      waitingFor: [],
    };
  }
  const waiting = rows.filter((r) => r.decision !== "APPROVED");
  if (waiting.length === 0) return null;
  const names = waiting.map(
    (r) => `${r.name ?? "a removed account"}${r.decision === "CHANGES_REQUESTED" ? " (changes requested)" : ""}`,
  );
  return {
    message: `${key} cannot be approved until every reviewer approves version ${reviewed}; not approved by ${names.join(", ")}`,
    waitingFor: waiting.map((r) => r.name ?? "a removed account"),
  };
}

/**
 * The fields a new version may be written with. Called by commitRequirementVersion for every change:
 * entering APPROVED, or changing the content of an APPROVED requirement, needs valid approvals when the
 * project gates approval. Without them an explicit transition is refused (BAD_REQUEST naming who has
 * not approved); any other change is written as IN_REVIEW.
 */
export async function gateApproval(
  tx: Reader,
  opts: {
    current: VersionedFields & { id: string; key: string; version: number; projectId: string };
    next: VersionedFields;
    explicit: boolean;
  },
): Promise<VersionedFields> {
  const { current, next } = opts;
  if (next.status !== "APPROVED") return next;
  if (current.status === "APPROVED" && sameContent(current, next)) return next;
  if (!(await approvalNeedsReview(tx, current.projectId))) return next;
  const refusal = await approvalRefusal(tx, current, next);
  if (!refusal) return next;
  if (opts.explicit) {
    throw new AppError("BAD_REQUEST", refusal.message, { reason: "review_required", waitingFor: refusal.waitingFor });
  }
  return { ...next, status: "IN_REVIEW" };
}
