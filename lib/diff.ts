/**
 * Field-by-field comparison of two versions (requirements, issues), word-level for
 * text (jsdiff's word diff, whitespace kept so the output re-assembles the
 * exact texts). Pure: used by the API, the UI and unit tests alike.
 */
import { diffWordsWithSpace } from "diff";

export type Segment = { kind: "equal" | "insert" | "delete"; text: string };

export type FieldChange =
  | { field: string; kind: "text"; before: string; after: string; segments: Segment[] }
  | { field: string; kind: "value"; before: unknown; after: unknown }
  | { field: string; kind: "list"; before: string[]; after: string[]; added: string[]; removed: string[] };

/** Above this many characters per side, a text diff that would take too long degrades to replace-all. */
const DIFF_TIMEOUT_MS = 500;

export function diffText(before: string, after: string): Segment[] {
  if (before === after) return before ? [{ kind: "equal", text: before }] : [];
  if (!before) return [{ kind: "insert", text: after }];
  if (!after) return [{ kind: "delete", text: before }];
  const changes = diffWordsWithSpace(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) {
    return [
      { kind: "delete", text: before },
      { kind: "insert", text: after },
    ];
  }
  const segments: Segment[] = [];
  for (const c of changes) {
    const kind = c.added ? "insert" : c.removed ? "delete" : "equal";
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.text += c.value;
    else segments.push({ kind, text: c.value });
  }
  return segments;
}

/** Re-assembles one side of a diff; `reassemble(diffText(a, b), "before") === a`. */
export function reassemble(segments: Segment[], side: "before" | "after"): string {
  return segments
    .filter((s) => s.kind === "equal" || s.kind === (side === "before" ? "delete" : "insert"))
    .map((s) => s.text)
    .join("");
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object" || value instanceof Date) return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

/**
 * Deep equality as stored JSON sees it: key order and undefined properties do
 * not count, array order does, dates compare by instant. The one "nothing
 * changed" test, for the compare-and-set and the editors alike.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

export interface Snapshot {
  title: string;
  statement: string;
  rationale: string;
  type: string;
  priority: string;
  status: string;
  tags: string[];
  attributes: Record<string, unknown>;
  parentKey: string | null;
  position?: number;
}

/** Just the snapshot fields of something wider (a requirement, a stored version, an edited draft). */
export function toSnapshot(r: Omit<Snapshot, "attributes"> & { attributes: unknown }): Snapshot {
  return {
    title: r.title,
    statement: r.statement,
    rationale: r.rationale,
    type: r.type,
    priority: r.priority,
    status: r.status,
    tags: r.tags,
    attributes: (r.attributes ?? {}) as Record<string, unknown>,
    parentKey: r.parentKey,
    position: r.position,
  };
}

/** Which fields of a record compare as text (word by word), as a value, or as a set of strings. */
export interface FieldKinds<T> {
  text: readonly { [K in keyof T]: T[K] extends string ? K : never }[keyof T][];
  value: readonly (keyof T & string)[];
  list: readonly { [K in keyof T]: T[K] extends string[] ? K : never }[keyof T][];
}

/**
 * Per-field changes from `a` to `b` of any record (a requirement's snapshot, an issue's version), in the
 * order the kinds list them: text first, then values, then lists.
 */
export function diffFields<T>(a: T, b: T, kinds: FieldKinds<T>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of kinds.text) {
    const before = a[field] as string;
    const after = b[field] as string;
    if (before !== after) {
      changes.push({ field: String(field), kind: "text", before, after, segments: diffText(before, after) });
    }
  }
  for (const field of kinds.value) {
    if (!sameValue(a[field], b[field])) changes.push({ field, kind: "value", before: a[field], after: b[field] });
  }
  for (const field of kinds.list) {
    const change = listChange(String(field), a[field] as string[], b[field] as string[]);
    if (change) changes.push(change);
  }
  return changes;
}

const SNAPSHOT_FIELDS: FieldKinds<Snapshot> = {
  text: ["title", "statement", "rationale"],
  value: ["type", "priority", "status", "parentKey", "position"],
  list: ["tags"],
};

/**
 * Per-field changes from `a` to `b`; custom attributes appear as `attributes.<key>`: text word by word, the
 * options of a multi-valued enum (an array) as a set, anything else as a value.
 */
export function diffSnapshots(a: Snapshot, b: Snapshot): FieldChange[] {
  const changes = diffFields(a, b, SNAPSHOT_FIELDS);
  const keys = [...new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)])].sort();
  for (const key of keys) {
    const before = a.attributes[key] ?? null;
    const after = b.attributes[key] ?? null;
    if (sameValue(before, after)) continue;
    const field = `attributes.${key}`;
    const beforeList = optionList(before);
    const afterList = optionList(after);
    if (beforeList && afterList) {
      // A multi-valued enum is a set: the same options in another order (a definition reordered since) are no change.
      const change = listChange(field, beforeList, afterList);
      if (change) changes.push(change);
    } else if (typeof before === "string" && typeof after === "string") {
      changes.push({ field, kind: "text", before, after, segments: diffText(before, after) });
    } else {
      changes.push({ field, kind: "value", before, after });
    }
  }
  return changes;
}

/** A multi-valued enum's options (none when absent); null for a value of another kind. */
function optionList(value: unknown): string[] | null {
  if (value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null;
}

/** Added and removed entries of a list compared as a set; null when both hold the same entries. */
function listChange(field: string, before: string[], after: string[]): FieldChange | null {
  if (sameValue([...new Set(before)].sort(), [...new Set(after)].sort())) return null;
  return {
    field,
    kind: "list",
    before,
    after,
    added: after.filter((t) => !before.includes(t)),
    removed: before.filter((t) => !after.includes(t)),
  };
}
