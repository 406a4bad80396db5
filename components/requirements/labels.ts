/** Human labels and badge tones for requirement enums, shared by every requirement and baseline view. */
import type { BadgeTone } from "@/components/ui/badge";
import {
  REQUIREMENT_PRIORITIES,
  REQUIREMENT_STATUS_LABELS,
  REQUIREMENT_STATUSES,
  REQUIREMENT_TYPES,
  type RequirementStatusValue,
} from "@/lib/schemas/requirement";

export type RequirementType = (typeof REQUIREMENT_TYPES)[number];
export type RequirementPriority = (typeof REQUIREMENT_PRIORITIES)[number];
export type RequirementStatus = RequirementStatusValue;

export const STATUS_LABELS: Record<RequirementStatus, string> = REQUIREMENT_STATUS_LABELS;

export const STATUS_TONES: Record<RequirementStatus, BadgeTone> = {
  DRAFT: "neutral",
  IN_REVIEW: "amber",
  APPROVED: "indigo",
  IMPLEMENTED: "sky",
  VERIFIED: "green",
  DEPRECATED: "red",
};

/** The dot colour used in compact status chips. */
export const STATUS_DOTS: Record<RequirementStatus, string> = {
  DRAFT: "bg-zinc-400 dark:bg-zinc-500",
  IN_REVIEW: "bg-amber-500",
  APPROVED: "bg-indigo-500",
  IMPLEMENTED: "bg-sky-500",
  VERIFIED: "bg-emerald-500",
  DEPRECATED: "bg-red-500",
};

export const TYPE_LABELS: Record<RequirementType, string> = {
  FUNCTIONAL: "Functional",
  NON_FUNCTIONAL: "Non-functional",
  CONSTRAINT: "Constraint",
  INTERFACE: "Interface",
};

export const PRIORITY_LABELS: Record<RequirementPriority, string> = {
  MUST: "Must",
  SHOULD: "Should",
  COULD: "Could",
  WONT: "Won't",
};

export const PRIORITY_TONES: Record<RequirementPriority, BadgeTone> = {
  MUST: "red",
  SHOULD: "amber",
  COULD: "sky",
  WONT: "neutral",
};

/** The verb on the button that moves a requirement to `to` (from `from`). */
export function transitionLabel(from: RequirementStatus, to: RequirementStatus): string {
  switch (to) {
    case "IN_REVIEW":
      return "Send to review";
    case "DRAFT":
      return from === "IN_REVIEW" ? "Return to draft" : "Back to draft";
    case "APPROVED":
      return "Approve";
    case "IMPLEMENTED":
      return "Mark implemented";
    case "VERIFIED":
      return "Mark verified";
    case "DEPRECATED":
      return "Deprecate";
  }
}

export const CHANGE_KIND_LABELS: Record<string, string> = {
  created: "Created",
  updated: "Edited",
  transitioned: "Status changed",
  moved: "Moved",
  restored: "Restored",
};

export function isStatus(v: unknown): v is RequirementStatus {
  return typeof v === "string" && (REQUIREMENT_STATUSES as readonly string[]).includes(v);
}
export function isType(v: unknown): v is RequirementType {
  return typeof v === "string" && (REQUIREMENT_TYPES as readonly string[]).includes(v);
}
export function isPriority(v: unknown): v is RequirementPriority {
  return typeof v === "string" && (REQUIREMENT_PRIORITIES as readonly string[]).includes(v);
}

/** Display name for a field of a diff (`attributes.<key>` uses the project's label). */
export function fieldLabel(field: string, attributeLabels: Record<string, string> = {}): string {
  if (field.startsWith("attributes.")) {
    const key = field.slice("attributes.".length);
    return attributeLabels[key] ?? key;
  }
  const labels: Record<string, string> = {
    title: "Title",
    statement: "Statement",
    rationale: "Rationale",
    type: "Type",
    priority: "Priority",
    status: "Status",
    parentKey: "Parent",
    position: "Order",
    tags: "Tags",
  };
  return labels[field] ?? field;
}
