import { z } from "zod";

import { commentInputs } from "./comment";
import {
  dateTimeOut,
  expectedVersion,
  jsonOut,
  longText,
  pageOut,
  pagination,
  personOut,
  projectKey,
  version,
} from "./common";

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

/** How people read a requirement's status, on pages, in notifications and in email. */
export const REQUIREMENT_STATUS_LABELS: Record<(typeof REQUIREMENT_STATUSES)[number], string> = {
  DRAFT: "Draft",
  IN_REVIEW: "In review",
  APPROVED: "Approved",
  IMPLEMENTED: "Implemented",
  VERIFIED: "Verified",
  DEPRECATED: "Deprecated",
};

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

/** Longest value of a `text` attribute, and of a `richText` (Markdown) one, in characters. */
export const ATTRIBUTE_TEXT_MAX = 2_000;
export const ATTRIBUTE_RICH_TEXT_MAX = 20_000;
/** Most options a `multiEnum` value holds (as many as a definition may offer). */
export const ATTRIBUTE_OPTIONS_MAX = 50;

/**
 * A custom attribute value as sent: text (plain, rich, an option, a date or a date-time), a number, a yes/no,
 * the options of a multi-valued enum, or null for none. The project's definition decides which it must be
 * (server/services/requirements/attributes.ts); these bounds are the widest any type allows.
 */
export const attributeValue = z.union([
  z.string().max(ATTRIBUTE_RICH_TEXT_MAX, `Attribute values are at most ${ATTRIBUTE_RICH_TEXT_MAX} characters`),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z
    .array(z.string().max(60, "Options are at most 60 characters"))
    .max(ATTRIBUTE_OPTIONS_MAX, `At most ${ATTRIBUTE_OPTIONS_MAX} options`),
]);
export const attributeValues = z.record(z.string().max(40), attributeValue);
export type AttributeInputValue = z.infer<typeof attributeValue>;
/** A stored custom attribute value: never null (no value is no key). */
export type AttributeValue = Exclude<AttributeInputValue, null>;

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

/** The comments of a requirement: the same thread inputs as an issue's (lib/schemas/comment.ts). */
export const requirementCommentInputs = commentInputs(requirementKey);

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

/* ------------------------------------------------------------------ outputs */

/**
 * A stored custom attribute value: text (plain or Markdown), an option, a `YYYY-MM-DD` day or a UTC
 * `YYYY-MM-DDTHH:mm:ss.sssZ` date-time as a string; a number; a yes/no; a multi-valued enum's options in the
 * definition's order.
 */
export const attributeValueOut = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string())])
  .meta({ id: "AttributeValue", description: "A custom attribute value" });

/** Custom attribute values by attribute key; an attribute without a value has no key. */
export const attributeValuesOut = z.record(z.string(), attributeValueOut);

/** What a requirement version says: the fields a change writes, its place in the tree aside. */
export const requirementContentOut = {
  title: z.string(),
  statement: z.string(),
  rationale: z.string(),
  type: requirementType,
  priority: requirementPriority,
  status: requirementStatus,
  tags: z.array(z.string()),
  /** Custom attribute values by attribute key (the project's settings define them). */
  attributes: attributeValuesOut,
};

/** A requirement: its current version's fields, its place in the tree (parent by key) and its stamps. */
export const requirementOut = z
  .object({
    id: z.string(),
    /** The number in its key (PAY-12 → 12), unique in the project and never reused. */
    number: z.number(),
    key: z.string(),
    version: z.number(),
    ...requirementContentOut,
    /** The parent requirement's key; null at the top level. */
    parentKey: z.string().nullable(),
    /** Order among its siblings (ascending). */
    position: z.number(),
    createdAt: dateTimeOut,
    updatedAt: dateTimeOut,
    /** Who wrote the current version; null once that account is gone. */
    updatedById: z.string().nullable(),
  })
  .meta({ id: "Requirement", description: "A requirement: its current version, its parent (by key) and its stamps" });

/** A child of a requirement, as its page lists it. */
export const requirementChildOut = z.object({ key: z.string(), title: z.string(), status: requirementStatus });

/** A requirement as its page shows it: with who created it and its children in order. */
export const requirementDetailOut = requirementOut
  .extend({
    /** Who created it; null once that account is gone. */
    createdBy: personOut.nullable(),
    children: z.array(requirementChildOut),
  })
  .meta({ id: "RequirementDetail", description: "A requirement with its creator and its children in order" });

/** A requirement in a list: the fields a table row shows, its parent's key and how many children it has. */
export const requirementListItemOut = z
  .object({
    id: z.string(),
    number: z.number(),
    key: z.string(),
    version: z.number(),
    title: z.string(),
    type: requirementType,
    priority: requirementPriority,
    status: requirementStatus,
    tags: z.array(z.string()),
    position: z.number(),
    updatedAt: dateTimeOut,
    parentKey: z.string().nullable(),
    childCount: z.number(),
  })
  .meta({ id: "RequirementListItem", description: "A requirement in a list, with its parent's key and child count" });

/** One page of a project's requirements. */
export const requirementPageOut = pageOut(requirementListItemOut);

/** A requirement in the tree: compact, with its depth (0 at the top) and its parent's key. */
export const requirementTreeNodeOut = z
  .object({
    key: z.string(),
    number: z.number(),
    title: z.string(),
    status: requirementStatus,
    type: requirementType,
    priority: requirementPriority,
    version: z.number(),
    depth: z.number(),
    parentKey: z.string().nullable(),
  })
  .meta({ id: "RequirementTreeNode", description: "A requirement in the project's tree, with its depth" });

/** Every requirement of a project, parents before children, siblings in order. */
export const requirementTreeOut = z.object({ nodes: z.array(requirementTreeNodeOut) });

/** How a version came about: "created", "updated", "transitioned", "moved" or "restored". */
const changeKindOut = z.string().meta({
  description: 'How the version came about: "created", "updated", "transitioned", "moved" or "restored"',
});

/** One version in a requirement's history: what it said in brief, who wrote it, when and why. */
export const requirementHistoryEntryOut = z
  .object({
    version: z.number(),
    title: z.string(),
    status: requirementStatus,
    type: requirementType,
    priority: requirementPriority,
    tags: z.array(z.string()),
    changeKind: changeKindOut,
    changeNote: z.string(),
    createdAt: dateTimeOut,
    /** Who wrote it; null once that account is gone. */
    author: personOut.nullable(),
  })
  .meta({ id: "RequirementHistoryEntry", description: "One version in a requirement's history" });

/** One page of a requirement's history, newest version first. */
export const requirementHistoryPageOut = pageOut(requirementHistoryEntryOut);

/** The content of one requirement version, as compared field by field. */
export const requirementSnapshotOut = z
  .object({
    ...requirementContentOut,
    parentKey: z.string().nullable(),
    position: z.number(),
  })
  .meta({ id: "RequirementSnapshot", description: "The content of one requirement version" });

/** A run of text in a word-level diff: kept, inserted or deleted. */
export const diffSegmentOut = z.object({ kind: z.enum(["equal", "insert", "delete"]), text: z.string() });

/** One field that differs between two versions of a requirement (custom attributes as `attributes.<key>`) or an issue. */
export const fieldChangeOut = z
  .discriminatedUnion("kind", [
    z.object({
      field: z.string(),
      kind: z.literal("text"),
      before: z.string(),
      after: z.string(),
      /** Word-level diff; the equal and deleted runs re-assemble `before`, the equal and inserted ones `after`. */
      segments: z.array(diffSegmentOut),
    }),
    z.object({ field: z.string(), kind: z.literal("value"), before: jsonOut, after: jsonOut }),
    z.object({
      field: z.string(),
      kind: z.literal("list"),
      before: z.array(z.string()),
      after: z.array(z.string()),
      added: z.array(z.string()),
      removed: z.array(z.string()),
    }),
  ])
  .meta({ id: "FieldChange", description: "One field that differs between two versions" });

/** One side of a version comparison: the version, who wrote it and when, and its content. */
export const requirementDiffSideOut = z.object({
  version: z.number(),
  createdAt: dateTimeOut,
  author: personOut.nullable(),
  changeKind: changeKindOut,
  changeNote: z.string(),
  snapshot: requirementSnapshotOut,
});

/** Two versions of a requirement and the fields that differ between them. */
export const requirementDiffOut = z
  .object({
    key: z.string(),
    from: requirementDiffSideOut,
    to: requirementDiffSideOut,
    changes: z.array(fieldChangeOut),
  })
  .meta({ id: "RequirementDiff", description: "Two versions of a requirement and the fields that differ" });
