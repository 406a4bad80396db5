/** Moving between a saved requirement, the form's draft and the API's inputs. */
import { type FieldErrors, validate } from "@/components/trpc-errors";
import { type Snapshot, sameValue, toSnapshot } from "@/lib/diff";
import { requirementUpdateInput } from "@/lib/schemas/requirement";

import {
  type AttributeDefinition,
  type AttributeValue,
  activeAttributes,
  parseRawAttributes,
  toRawAttributes,
} from "./attributes";
import type { DraftErrors, DraftValues } from "./form-fields";
import type { RequirementPriority, RequirementType } from "./labels";

/** A requirement's editable and versioned fields, as the diff functions see them. */
export type RequirementFields = Snapshot;

export function draftFrom(r: RequirementFields, defs: AttributeDefinition[]): DraftValues {
  return {
    title: r.title,
    statement: r.statement,
    rationale: r.rationale,
    type: r.type as RequirementType,
    priority: r.priority as RequirementPriority,
    tags: [...r.tags],
    attributes: toRawAttributes(defs, r.attributes),
  };
}

export const snapshotOf = toSnapshot;

/**
 * Only the values of the project's active attributes: values of since-removed definitions never count as an
 * edit, and retired ones have no input (the server keeps them when an edit leaves them out).
 */
function definedValues(defs: AttributeDefinition[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of activeAttributes(defs)) {
    const v = values[d.key];
    if (v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0)) out[d.key] = v;
  }
  return out;
}

/** The stored values of retired attributes, which an edit keeps as they are. */
function retiredValues(defs: AttributeDefinition[], values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(defs.filter((d) => d.retired && d.key in values).map((d) => [d.key, values[d.key]]));
}

/** The draft as a snapshot on top of the requirement it started from (for "your changes" diffs). */
export function snapshotOfDraft(base: RequirementFields, draft: DraftValues, defs: AttributeDefinition[]): Snapshot {
  const { values } = parseRawAttributes(defs, draft.attributes, base.attributes);
  const attrsChanged = !sameValue(definedValues(defs, base.attributes ?? {}), values);
  return {
    ...snapshotOf(base),
    title: draft.title,
    statement: draft.statement,
    rationale: draft.rationale,
    type: draft.type,
    priority: draft.priority,
    tags: draft.tags,
    attributes: attrsChanged ? { ...retiredValues(defs, base.attributes ?? {}), ...values } : (base.attributes ?? {}),
  };
}

export interface ChangedFields {
  title?: string;
  statement?: string;
  rationale?: string;
  type?: RequirementType;
  priority?: RequirementPriority;
  tags?: string[];
  attributes?: Record<string, AttributeValue>;
}

/** The fields the user changed in the draft relative to the version they started from. */
export function changedFields(base: RequirementFields, draft: DraftValues, defs: AttributeDefinition[]): ChangedFields {
  const out: ChangedFields = {};
  if (draft.title !== base.title) out.title = draft.title;
  if (draft.statement !== base.statement) out.statement = draft.statement;
  if (draft.rationale !== base.rationale) out.rationale = draft.rationale;
  if (draft.type !== base.type) out.type = draft.type;
  if (draft.priority !== base.priority) out.priority = draft.priority;
  if (!sameValue(draft.tags, base.tags)) out.tags = draft.tags;
  const { values } = parseRawAttributes(defs, draft.attributes, base.attributes);
  if (!sameValue(definedValues(defs, base.attributes ?? {}), values)) out.attributes = values;
  return out;
}

/**
 * Client-side check of a draft with the server's schemas; attribute problems keyed by attribute. `original`:
 * the values an edit started from (see parseRawAttributes). Like the server, an edit that leaves the values as
 * they were is not held to an attribute made required after the requirement was written.
 */
export function checkDraft(
  draft: DraftValues,
  defs: AttributeDefinition[],
  original?: Record<string, unknown>,
): { ok: true; attributes: Record<string, AttributeValue> } | { ok: false; errors: DraftErrors } {
  const attrs = parseRawAttributes(defs, draft.attributes, original);
  if (original && sameValue(definedValues(defs, original), attrs.values)) {
    for (const key of attrs.missing) delete attrs.errors[key];
  }
  const checked = validate(requirementUpdateInput, {
    key: "XX-1",
    expectedVersion: 1,
    title: draft.title,
    statement: draft.statement,
    rationale: draft.rationale,
    type: draft.type,
    priority: draft.priority,
    tags: draft.tags,
  });
  const fieldErrors: FieldErrors = checked.ok ? {} : checked.errors;
  const hasAttrErrors = Object.keys(attrs.errors).length > 0;
  if (checked.ok && !hasAttrErrors) return { ok: true, attributes: attrs.values };
  return { ok: false, errors: { ...fieldErrors, attributes: attrs.errors } };
}

/** Maps a server error's field errors (zod) or attribute detail onto the form. */
export function draftErrorsFrom(
  fieldErrors: FieldErrors,
  details: Record<string, unknown> | undefined,
  message: string,
): DraftErrors | null {
  if (details && typeof details.attribute === "string") {
    const rest = message.replace(/^Attribute "[^"]+": /, "");
    const text = rest === "is required" ? "Required" : rest.charAt(0).toUpperCase() + rest.slice(1);
    return { attributes: { [details.attribute]: text } };
  }
  const known = ["title", "statement", "rationale", "type", "priority", "tags", "parentKey", "changeNote"] as const;
  const errors: DraftErrors = {};
  let any = false;
  for (const k of known) {
    if (fieldErrors[k]) {
      errors[k] = fieldErrors[k];
      any = true;
    }
  }
  return any ? errors : null;
}
