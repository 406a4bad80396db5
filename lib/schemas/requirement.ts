import { z } from "zod";

import { expectedVersion, longText, pagination, projectKey, version } from "./common";

export const REQUIREMENT_TYPES = ["FUNCTIONAL", "NON_FUNCTIONAL", "CONSTRAINT", "INTERFACE"] as const;
export const REQUIREMENT_PRIORITIES = ["MUST", "SHOULD", "COULD", "WONT"] as const;
export const REQUIREMENT_STATUSES = [
  "DRAFT",
  "IN_REVIEW",
  "APPROVED",
  "IMPLEMENTED",
  "VERIFIED",
  "DEPRECATED",
] as const;

export const requirementType = z.enum(REQUIREMENT_TYPES);
export const requirementPriority = z.enum(REQUIREMENT_PRIORITIES);
export const requirementStatus = z.enum(REQUIREMENT_STATUSES);
export type RequirementStatusValue = (typeof REQUIREMENT_STATUSES)[number];

/** The workflow: which status may follow which. Anything may be deprecated. */
export const REQUIREMENT_TRANSITIONS: Record<RequirementStatusValue, readonly RequirementStatusValue[]> = {
  DRAFT: ["IN_REVIEW", "DEPRECATED"],
  IN_REVIEW: ["APPROVED", "DRAFT", "DEPRECATED"],
  APPROVED: ["IMPLEMENTED", "DEPRECATED"],
  IMPLEMENTED: ["VERIFIED", "DEPRECATED"],
  VERIFIED: ["DEPRECATED"],
  DEPRECATED: [],
};

export const STATEMENT_MAX_BYTES = 100 * 1024;

export const requirementKey = z
  .string()
  .max(100, "Requirement key looks like PAY-12")
  .trim()
  .regex(/^[A-Z]{2,10}-[1-9]\d{0,8}$/, "Requirement key looks like PAY-12");

export const requirementTitle = z.string().trim().min(1, "Title is required").max(200);
export const requirementStatement = z
  .string()
  .max(STATEMENT_MAX_BYTES, { error: "Statement must be at most 100 KB", abort: true })
  .refine((s) => new TextEncoder().encode(s).length <= STATEMENT_MAX_BYTES, "Statement must be at most 100 KB");
export const requirementRationale = longText(20_000);
export const tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_\-.:/]*$/u, "Tags are letters, digits and - _ . : /");
export const tags = z
  .array(tag)
  .max(30, "At most 30 tags")
  .transform((t) => [...new Set(t)]);

export const attributeValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);
export const attributeValues = z.record(z.string().max(40), attributeValue);

export const changeNote = longText(500);

export const requirementCreateInput = z.object({
  projectKey,
  title: requirementTitle,
  statement: requirementStatement.default(""),
  rationale: requirementRationale.default(""),
  type: requirementType.default("FUNCTIONAL"),
  priority: requirementPriority.default("SHOULD"),
  tags: tags.default([]),
  attributes: attributeValues.default({}),
  parentKey: requirementKey.nullish(),
  changeNote: changeNote.optional(),
});
export type RequirementCreateInput = z.infer<typeof requirementCreateInput>;

export const requirementUpdateInput = z.object({
  key: requirementKey,
  expectedVersion,
  title: requirementTitle.optional(),
  statement: requirementStatement.optional(),
  rationale: requirementRationale.optional(),
  type: requirementType.optional(),
  priority: requirementPriority.optional(),
  tags: tags.optional(),
  /** Replaces the whole set of custom attribute values. */
  attributes: attributeValues.optional(),
  changeNote: changeNote.optional(),
});
export type RequirementUpdateInput = z.infer<typeof requirementUpdateInput>;

export const requirementTransitionInput = z.object({
  key: requirementKey,
  expectedVersion,
  to: requirementStatus,
  changeNote: changeNote.optional(),
});
export type RequirementTransitionInput = z.infer<typeof requirementTransitionInput>;

export const requirementMoveInput = z.object({
  key: requirementKey,
  expectedVersion,
  /** New parent, or null for the top level. */
  parentKey: requirementKey.nullable(),
  /** Place before this sibling; omitted or null → last. */
  beforeKey: requirementKey.nullish(),
  changeNote: changeNote.optional(),
});
export type RequirementMoveInput = z.infer<typeof requirementMoveInput>;

export const requirementRestoreInput = z.object({
  key: requirementKey,
  expectedVersion,
  version,
  changeNote: changeNote.optional(),
});
export type RequirementRestoreInput = z.infer<typeof requirementRestoreInput>;

export const requirementByKeyInput = z.object({ key: requirementKey });

export const requirementHistoryInput = z.object({ key: requirementKey, ...pagination });
export type RequirementHistoryInput = z.infer<typeof requirementHistoryInput>;

export const requirementDiffInput = z.object({
  key: requirementKey,
  from: version,
  to: version,
});
export type RequirementDiffInput = z.infer<typeof requirementDiffInput>;

export const requirementListInput = z.object({
  projectKey,
  ...pagination,
  status: z.array(requirementStatus).max(6).optional(),
  type: z.array(requirementType).max(4).optional(),
  priority: z.array(requirementPriority).max(4).optional(),
  tag: tag.optional(),
  /** A parent's key for its children, null for top-level only; omitted for all. */
  parentKey: requirementKey.nullish(),
  q: z.string().trim().max(200).optional(),
  sort: z.enum(["key", "updated"]).default("key"),
  order: z.enum(["asc", "desc"]).optional(),
});
export type RequirementListInput = z.infer<typeof requirementListInput>;

export const requirementTreeInput = z.object({ projectKey });
