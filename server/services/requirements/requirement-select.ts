import type { Prisma } from "@prisma/client";

import type { FieldChange } from "@/lib/diff";
import type { Json } from "@/server/services/audit/json";

import { storedAttributes } from "./attributes";

export const requirementSelect = {
  id: true,
  projectId: true,
  number: true,
  key: true,
  version: true,
  title: true,
  statement: true,
  rationale: true,
  type: true,
  priority: true,
  status: true,
  tags: true,
  attributes: true,
  parentId: true,
  position: true,
  createdById: true,
  createdAt: true,
  updatedAt: true,
  updatedById: true,
  parent: { select: { key: true } },
} satisfies Prisma.RequirementSelect;

export type RequirementRow = Prisma.RequirementGetPayload<{ select: typeof requirementSelect }>;

/** The fields that make up a version (everything a user can change). */
export const VERSIONED_FIELDS = [
  "title",
  "statement",
  "rationale",
  "type",
  "priority",
  "status",
  "tags",
  "attributes",
  "parentId",
  "position",
] as const;

export type VersionedFields = Pick<RequirementRow, (typeof VERSIONED_FIELDS)[number]>;

export function pickVersioned(r: VersionedFields): VersionedFields {
  return {
    title: r.title,
    statement: r.statement,
    rationale: r.rationale,
    type: r.type,
    priority: r.priority,
    status: r.status,
    tags: r.tags,
    attributes: r.attributes,
    parentId: r.parentId,
    position: r.position,
  };
}

/** API shape: parent by key, internal ids kept out of the way, custom attributes by key. */
export function presentRequirement(r: RequirementRow) {
  const { parent, projectId: _projectId, ...rest } = r;
  return { ...rest, parentKey: parent?.key ?? null, attributes: storedAttributes(r.attributes) };
}

/**
 * Field changes as the API answers with them: the sides of a value change
 * are JSON (a field's value or a custom attribute's value, null when absent).
 */
export function presentChanges(changes: FieldChange[]) {
  return changes.map((c) =>
    c.kind === "value" ? { ...c, before: jsonField(c.before), after: jsonField(c.after) } : c,
  );
}

/** A compared value: requirement fields and custom attribute values are strings, numbers, booleans or null. */
function jsonField(value: unknown): Json {
  return (value ?? null) as Json;
}
