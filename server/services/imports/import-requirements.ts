/**
 * Writes an import source (server/services/imports/types.ts) into a project's requirements.
 *
 * 1. Attributes. Each attribute the source carries is matched to the project's definitions by key, then by
 *    label (case-insensitively); an unmatched one is defined (as the source types it), and an enum's values
 *    outside its options extend them — one project settings change, which takes `project:update`. Without
 *    it, the row-0 error says which attributes a project admin must define and their values are left out.
 * 2. Matching. A row updates the requirement its key names, else the one carrying its source identifier
 *    (`sourceRef`, kept from the first import), else it creates one that remembers the identifier — so
 *    importing the same file twice updates instead of duplicating. Two rows naming one requirement: the
 *    second is refused.
 * 3. Hierarchy. A row's parent is an earlier-or-later row of the same file (by source identifier or key),
 *    else a requirement of the project. Parents are written before their children (rows sorted by depth,
 *    stable, so siblings keep the file's order); rows whose parent is refused are refused too; rows that
 *    would form a cycle, with the file's rows or by moving existing requirements, are refused.
 * 4. Validation: the same field schemas and attribute rules as `requirement.create`. Status comes from the
 *    file as it is (an import states where each requirement stands, like a restore), default DRAFT — except
 *    that APPROVED without valid approvals lands IN_REVIEW where the project's approval needs review.
 * 5. Writing. A dry run stops before this. `atomic` writes everything in one transaction, or nothing when
 *    any row was refused; otherwise rows are written 500 per transaction and a failing batch is reported
 *    row by row while the others stand. Creates are written in bulk (the project's counter advanced once
 *    per batch); updates go through `commitRequirementVersion`, the one compare-and-set, so each is a new
 *    version and flags its trace links suspect. Every row gets its audit row, but no outbox event: the job
 *    publishes one summary event when it finishes (server/services/imports/import-jobs.ts).
 */
import { randomUUID } from "node:crypto";

import type { Prisma } from "@prisma/client";

import { sameValue } from "@/lib/diff";
import type { AttributeDefinition, AttributeType } from "@/lib/schemas/project";
import {
  requirementRationale,
  requirementStatement,
  requirementTitle,
  tags as tagsSchema,
} from "@/lib/schemas/requirement";
import { roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { type BulkColumn, bulkInsert } from "@/server/db-bulk";
import { AppError, toAppError } from "@/server/errors";
import { applyChange, type RecordChange } from "@/server/services/change";
import { writeProjectUpdate } from "@/server/services/projects/update-project";
import { attributeDefinitions, storedAttributes, validateAttributes } from "@/server/services/requirements/attributes";
import {
  pickVersioned,
  presentRequirement,
  type RequirementRow,
  requirementSelect,
  type VersionedFields,
} from "@/server/services/requirements/requirement-select";
import { commitRequirementVersion } from "@/server/services/requirements/write-version";
import { approvalNeedsReview, gateApproval, statusWithoutReview } from "@/server/services/reviews/approval-gate";

import { chunk, fieldProblems, quiet } from "./rows";
import type { ImportAttribute, ImportRequirementRow, ImportRowError, ImportSource, ImportValue } from "./types";

/** Rows per transaction when the import is not atomic. */
export const IMPORT_BATCH_ROWS = 500;
/** How long one import transaction may run: an atomic import of a large file is one transaction. */
export const IMPORT_TRANSACTION_MS = 300_000;
/** Errors kept in the report (the counts cover them all). */
export const MAX_REPORTED_ERRORS = 1_000;

export interface ImportCounts {
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface ImportResult extends ImportCounts {
  errors: ImportRowError[];
  /** Whether anything was written (a dry run and a refused atomic import write nothing). */
  wrote: boolean;
  /** Why nothing was imported, when the whole import was refused. */
  message: string | null;
  /** What the uploader should know of an import that went through (the job's message; it still succeeds). */
  notice?: string | null;
}

export interface ImportRequirementsOptions {
  scope: ProjectScope;
  jobId: string;
  filename: string;
  source: ImportSource;
  dryRun: boolean;
  atomic: boolean;
  /** Whether the source says where each row sits (a CSV without a parent column does not: rows keep their place). */
  hierarchy: boolean;
  /** Called after each committed batch. */
  onProgress?: (counts: ImportCounts) => Promise<void>;
}

/* ------------------------------------------------------------------ attributes */

interface AttributePlan {
  /** The project's definitions after the import. */
  defs: AttributeDefinition[];
  /** Source label (lower case) → the definition its values go to. */
  byLabel: Map<string, AttributeDefinition>;
  /** Whether `defs` differs from the project's. */
  changed: boolean;
  /** Labels of attributes the caller may not define, whose values are left out. */
  refused: string[];
}

const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

function camelKey(label: string): string {
  const words = label
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  const key = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
  const safe = /^[A-Za-z]/.test(key) ? key : `attr${key}`;
  return safe.slice(0, 40);
}

function uniqueKey(wanted: string, taken: Set<string>): string {
  let key = /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(wanted) && !RESERVED.has(wanted) ? wanted : camelKey(wanted);
  if (RESERVED.has(key) || key === "") key = "attribute";
  let n = 2;
  const base = key.slice(0, 36);
  while (taken.has(key)) key = `${base}${n++}`;
  taken.add(key);
  return key;
}

function valuesOf(value: ImportValue): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? value.split(";").map((v) => v.trim()) : [String(value)];
}

export function planAttributes(
  existing: AttributeDefinition[],
  source: ImportSource,
  mayDefine: boolean,
): AttributePlan {
  const defs: AttributeDefinition[] = existing.map((d) => (d.options ? { ...d, options: [...d.options] } : { ...d }));
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const byExistingLabel = new Map(defs.map((d) => [d.label.trim().toLowerCase(), d]));
  const taken = new Set(defs.map((d) => d.key));
  const byLabel = new Map<string, AttributeDefinition>();
  const refused: string[] = [];
  let changed = false;
  const used = new Map<string, Set<string>>();
  for (const row of source.rows) {
    for (const [label, value] of Object.entries(row.attributes)) {
      const l = label.trim().toLowerCase();
      const set = used.get(l) ?? new Set<string>();
      used.set(l, set);
      for (const v of valuesOf(value)) if (v !== "") set.add(v);
    }
  }
  for (const attr of source.attributes) {
    const label = attr.label.trim().toLowerCase();
    if (byLabel.has(label)) continue;
    let def: AttributeDefinition | undefined =
      (attr.key ? byKey.get(attr.key) : undefined) ?? byExistingLabel.get(label);
    if (!def) {
      if (!mayDefine) {
        refused.push(attr.label);
        continue;
      }
      if (defs.length >= 50) {
        refused.push(attr.label);
        continue;
      }
      def = newDefinition(attr, uniqueKey(attr.key ?? attr.label, taken), used.get(label));
      defs.push(def);
      byKey.set(def.key, def);
      changed = true;
    } else if (def.type === "enum" || def.type === "multiEnum") {
      const missing = [...(used.get(label) ?? [])].filter((v) => !(def?.options ?? []).includes(v));
      if (missing.length > 0) {
        if (!mayDefine) refused.push(`${attr.label} (values ${missing.slice(0, 5).join(", ")})`);
        else {
          def.options = [...(def.options ?? []), ...missing].slice(0, 50);
          changed = true;
        }
      }
    }
    byLabel.set(label, def);
  }
  return { defs, byLabel, changed, refused };
}

function newDefinition(attr: ImportAttribute, key: string, used: Set<string> | undefined): AttributeDefinition {
  const label = attr.label.trim().slice(0, 100) || key;
  if (attr.type === "enum" || attr.type === "multiEnum") {
    const options = [...new Set([...(attr.options ?? []), ...(used ?? [])])]
      .filter((o) => o !== "")
      .map((o) => o.slice(0, 60))
      .slice(0, 50);
    // An enumeration without any value to offer is kept as text rather than refused.
    if (options.length === 0) return { key, label, type: "text", required: false };
    return { key, label, type: attr.type, options, required: false };
  }
  return { key, label, type: attr.type, required: false };
}

/** A source value in the shape its definition's type stores, where it can be read so (validation decides). */
function coerce(type: AttributeType, value: ImportValue): unknown {
  switch (type) {
    case "text":
    case "richText":
      return Array.isArray(value) ? value.join("; ") : String(value);
    case "number": {
      if (typeof value !== "string") return value;
      const n = Number(value.trim().replace(",", "."));
      return value.trim() !== "" && Number.isFinite(n) ? n : value;
    }
    case "boolean": {
      if (typeof value !== "string") return value;
      const v = value.trim().toLowerCase();
      if (["true", "yes", "1", "x", "y"].includes(v)) return true;
      if (["false", "no", "0", "n"].includes(v)) return false;
      return value;
    }
    case "enum":
      return Array.isArray(value) && value.length === 1 ? value[0] : value;
    case "multiEnum":
      return typeof value === "string" ? valuesOf(value).filter((v) => v !== "") : value;
    case "date":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}T00:00(:00(\.0+)?)?(Z|\+00:00)?$/.test(value)
        ? value.slice(0, 10)
        : value;
    case "dateTime":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  }
}

/* ------------------------------------------------------------------ planning */

interface SkeletonRow {
  id: string;
  key: string;
  sourceRef: string | null;
  parentId: string | null;
}

/** One row the import will write. */
interface Planned {
  row: ImportRequirementRow;
  /** The requirement it updates, or the id the new one gets. */
  id: string;
  existing: boolean;
  /** The parent after the import (undefined: keep the current one). */
  parentId: string | null | undefined;
  sourceRef: string | null;
  /** The validated values: for a match, with those the requirement held merged in. */
  attributes: Record<string, unknown>;
  /** The attributes the row itself sets (the others keep what the requirement holds when written). */
  fileKeys: string[];
  depth: number;
}

function message(err: unknown): string {
  return toAppError(err)?.message ?? "the database refused it";
}

export async function importRequirements(opts: ImportRequirementsOptions): Promise<ImportResult> {
  const { scope, source } = opts;
  const errors: ImportRowError[] = [...source.errors];
  const refusedRows = new Set<number>(source.errors.filter((e) => e.row > 0).map((e) => e.row));
  const refuse = (row: number, text: string) => {
    errors.push({ row, message: text });
    refusedRows.add(row);
  };
  const counts: ImportCounts = {
    total: source.rows.length + source.errors.filter((e) => e.row > 0).length,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
  };

  const project = await db.project.findUniqueOrThrow({
    where: { id: scope.projectId },
    select: { key: true, settings: true, version: true },
  });
  const plan = planAttributes(attributeDefinitions(project.settings), source, roleHas(scope.role, "project:update"));
  if (plan.refused.length > 0) {
    errors.push({
      row: 0,
      message: `Not defined in this project, so left out (a project admin can import them): ${plan.refused.slice(0, 10).join(", ")}${plan.refused.length > 10 ? ` and ${plan.refused.length - 10} more` : ""}`,
    });
  }

  // The project's tree, small per row, to match keys and source identifiers and to check the hierarchy.
  const skeleton = await db.requirement.findMany({
    where: { projectId: scope.projectId },
    select: { id: true, key: true, sourceRef: true, parentId: true },
  });
  const byKey = new Map<string, SkeletonRow>(skeleton.map((r) => [r.key, r]));
  const byRef = new Map<string, SkeletonRow>();
  for (const r of skeleton) if (r.sourceRef) byRef.set(r.sourceRef, r);
  const byId = new Map<string, SkeletonRow>(skeleton.map((r) => [r.id, r]));

  const matchOf = (row: ImportRequirementRow) =>
    (row.key ? byKey.get(row.key) : undefined) ??
    (row.sourceRef ? byRef.get(row.sourceRef) : undefined) ??
    (row.key ? byRef.get(row.key) : undefined);
  // The values the matched requirements hold now: a row sets the attributes its file carries, the rest stay
  // (and a required one the file leaves out is still there).
  const held = new Map<string, Record<string, unknown>>();
  const definedKeys = new Set(plan.defs.map((d) => d.key));
  const matchedIds = source.rows.flatMap((row) => matchOf(row)?.id ?? []);
  for (const part of chunk(matchedIds, 1000)) {
    if (part.length === 0) continue;
    const rows = await db.requirement.findMany({ where: { id: { in: part } }, select: { id: true, attributes: true } });
    for (const r of rows) {
      const kept = Object.entries(storedAttributes(r.attributes)).filter(([k]) => definedKeys.has(k));
      held.set(r.id, Object.fromEntries(kept));
    }
  }

  // 1. Match and validate each row on its own.
  const planned: Planned[] = [];
  const claimed = new Map<string, number>();
  const inFile = new Map<string, Planned>();
  for (const row of source.rows) {
    if (refusedRows.has(row.row)) continue;
    const target = matchOf(row);
    const id = target?.id ?? randomUUID();
    const first = claimed.get(id);
    if (first !== undefined) {
      refuse(row.row, `The same requirement as row ${first}${target ? ` (${target.key})` : ""}`);
      continue;
    }
    const problems = fieldProblems([
      ["Title", requirementTitle, row.title],
      ["Statement", requirementStatement, row.statement],
      ["Rationale", requirementRationale, row.rationale],
      ["Tags", tagsSchema, row.tags ?? []],
    ]);
    const values: Record<string, unknown> = {};
    for (const [label, value] of Object.entries(row.attributes)) {
      const def = plan.byLabel.get(label.trim().toLowerCase());
      if (def) values[def.key] = coerce(def.type, value);
    }
    let attributes: Record<string, unknown> = values;
    try {
      const previous = held.get(id);
      attributes = validateAttributes(plan.defs, { ...(previous ?? {}), ...values }, { previous });
    } catch (err) {
      problems.push(message(err));
    }
    if (problems.length > 0) {
      refuse(row.row, problems.join("; "));
      continue;
    }
    claimed.set(id, row.row);
    const p: Planned = {
      row,
      id,
      existing: target !== undefined,
      parentId: undefined,
      // A key that names no requirement of the project is the source's identifier for it.
      sourceRef: row.sourceRef ?? (target ? null : row.key),
      attributes,
      fileKeys: Object.keys(values),
      depth: 0,
    };
    planned.push(p);
    if (row.sourceRef) inFile.set(`ref:${row.sourceRef}`, p);
    if (row.key) inFile.set(`ref:${row.key}`, p);
    if (target) inFile.set(`key:${target.key}`, p);
  }

  // 2. Parents: a row of the file, else a requirement of the project.
  const refusedIds = new Set<string>();
  if (opts.hierarchy) {
    for (const p of planned) {
      const { parentRef, parentKey } = p.row;
      if (!parentRef && !parentKey) {
        p.parentId = null;
        continue;
      }
      const parent =
        (parentRef ? (inFile.get(`ref:${parentRef}`) ?? inFile.get(`key:${parentRef}`)) : undefined) ??
        (parentKey ? (inFile.get(`key:${parentKey}`) ?? inFile.get(`ref:${parentKey}`)) : undefined);
      const existingParent =
        (parentRef ? (byRef.get(parentRef) ?? byKey.get(parentRef)) : undefined) ??
        (parentKey ? (byKey.get(parentKey) ?? byRef.get(parentKey)) : undefined);
      if (parent) p.parentId = parent.id;
      else if (existingParent) p.parentId = existingParent.id;
      else {
        refuse(
          p.row.row,
          `Parent ${parentRef ?? parentKey} is neither a row of the file nor a requirement of this project`,
        );
        refusedIds.add(p.id);
      }
    }
  }

  // 3. The tree after the import: refuse cycles and rows under refused rows; depth orders the writes.
  const plannedById = new Map(planned.map((p) => [p.id, p]));
  const parentAfter = (id: string): string | null => {
    const p = plannedById.get(id);
    if (p && p.parentId !== undefined) return p.parentId;
    return byId.get(id)?.parentId ?? null;
  };
  const depth = new Map<string, number>();
  const bad = new Map<string, string>();
  for (const id of refusedIds) bad.set(id, "Its parent row was refused");
  for (const start of planned) {
    if (depth.has(start.id) || bad.has(start.id)) continue;
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | null = start.id;
    let base = -1;
    let reason: string | null = null;
    while (at !== null) {
      if (depth.has(at)) {
        base = depth.get(at) ?? 0;
        break;
      }
      if (bad.has(at)) {
        reason = bad.get(at) ?? null;
        break;
      }
      if (onPath.has(at)) {
        reason = "The rows' parents form a cycle";
        break;
      }
      path.push(at);
      onPath.add(at);
      at = parentAfter(at);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const id = path[i] as string;
      if (reason) bad.set(id, reason);
      else depth.set(id, base + (path.length - i));
    }
  }
  const writable: Planned[] = [];
  for (const p of planned) {
    const why = bad.get(p.id);
    if (refusedIds.has(p.id)) continue;
    if (why) {
      refuse(p.row.row, why);
      continue;
    }
    p.depth = depth.get(p.id) ?? 0;
    writable.push(p);
  }
  // Stable: siblings keep the file's order, every parent comes before its children.
  writable.sort((a, b) => a.depth - b.depth);

  counts.failed = refusedRows.size;
  const result = (wrote: boolean, msg: string | null, notice: string | null = null): ImportResult => ({
    ...counts,
    errors: errors.sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED_ERRORS),
    wrote,
    message: msg,
    notice,
  });

  if (opts.atomic && refusedRows.size > 0) {
    counts.processed = counts.total;
    return result(
      false,
      `${refusedRows.size} ${refusedRows.size === 1 ? "row was" : "rows were"} refused, so nothing was imported (all or nothing)`,
    );
  }
  if (opts.dryRun) {
    const current = await currentRows(
      writable.filter((p) => p.existing).map((p) => p.id),
      db,
    );
    // Which rows marked Approved the approval gate would write In review, decided as the write decides it:
    // every new one where the gate is on, an updated one as gateApproval finds. Each check is a statement of
    // its own, so a long dry run holds no locks.
    let newApproved = 0;
    const updatedApproved: { current: RequirementRow; next: VersionedFields }[] = [];
    for (const p of writable) {
      if (!p.existing) {
        counts.created++;
        if (p.row.status === "APPROVED") newApproved++;
        continue;
      }
      const cur = current.get(p.id);
      const next = cur && nextFields(cur, p, cur.position, plan.defs);
      if (cur && next && sameFields(pickVersioned(cur), next)) counts.unchanged++;
      else {
        counts.updated++;
        if (cur && next?.status === "APPROVED") updatedApproved.push({ current: cur, next });
      }
    }
    let inReview = 0;
    if (newApproved + updatedApproved.length > 0 && (await approvalNeedsReview(db, scope.projectId))) {
      inReview = newApproved;
      for (const change of updatedApproved) {
        if ((await gateApproval(db, { ...change, explicit: false })).status === "IN_REVIEW") inReview++;
      }
    }
    counts.processed = counts.total;
    return result(false, null, landedInReview(inReview, true));
  }

  // 4. Write.
  const writer = new BatchWriter(opts, project.key, plan, new Map(skeleton.map((r) => [r.id, r.key])));
  const batches = opts.atomic ? [writable] : chunk(writable, IMPORT_BATCH_ROWS);
  let wrote = false;
  let inReview = 0;
  const failedIds = new Set<string>();
  for (const [index, batch] of batches.entries()) {
    const ready: Planned[] = [];
    for (const p of batch) {
      const parent = p.parentId ?? null;
      if (parent && failedIds.has(parent)) {
        refuse(p.row.row, "Its parent row could not be written");
        failedIds.add(p.id);
      } else ready.push(p);
    }
    try {
      const outcome = await applyChange(
        scope.actor,
        (tx, record) => writer.write(tx, quiet(record), ready, index === 0),
        { timeout: IMPORT_TRANSACTION_MS },
      );
      counts.created += outcome.created;
      counts.updated += outcome.updated;
      counts.unchanged += outcome.unchanged;
      inReview += outcome.inReview;
      wrote ||= outcome.created + outcome.updated > 0 || outcome.definedAttributes;
    } catch (err) {
      if (opts.atomic) throw err;
      const why = `Could not be written: ${message(err)}`;
      for (const p of ready) {
        refuse(p.row.row, why);
        failedIds.add(p.id);
      }
      writer.forgetPositions();
    }
    counts.failed = refusedRows.size;
    counts.processed = Math.min(counts.total, counts.created + counts.updated + counts.unchanged + counts.failed);
    await opts.onProgress?.({ ...counts });
  }
  counts.processed = counts.total;
  counts.failed = refusedRows.size;
  return result(wrote, null, landedInReview(inReview, false));
}

/** What the approval gate did to rows marked Approved, for the import's message (null: nothing). */
function landedInReview(count: number, dryRun: boolean): string | null {
  if (count === 0) return null;
  const rows = count === 1 ? "1 requirement marked Approved" : `${count} requirements marked Approved`;
  return `${rows} ${dryRun ? "will land" : "landed"} In review: this project approves a requirement only once its reviewers approve that version`;
}

async function currentRows(ids: string[], client: Tx | typeof db): Promise<Map<string, RequirementRow>> {
  const out = new Map<string, RequirementRow>();
  for (const part of chunk(ids, 1000)) {
    if (part.length === 0) continue;
    const rows = await client.requirement.findMany({ where: { id: { in: part } }, select: requirementSelect });
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

function nextFields(cur: RequirementRow, p: Planned, position: number, defs: AttributeDefinition[]): VersionedFields {
  // The row's values over what the requirement holds at the time of writing; values of attributes no longer
  // defined are dropped, as an edit does.
  const attributes: Record<string, unknown> = {};
  const defined = new Set(defs.map((d) => d.key));
  for (const [k, v] of Object.entries(storedAttributes(cur.attributes))) if (defined.has(k)) attributes[k] = v;
  for (const k of p.fileKeys) {
    if (k in p.attributes) attributes[k] = p.attributes[k];
    else delete attributes[k];
  }
  return {
    title: p.row.title.trim(),
    statement: p.row.statement,
    rationale: p.row.rationale,
    type: p.row.type ?? cur.type,
    priority: p.row.priority ?? cur.priority,
    status: p.row.status ?? cur.status,
    tags: p.row.tags ? [...new Set(p.row.tags)] : cur.tags,
    attributes: attributes as Prisma.JsonValue,
    parentId: p.parentId === undefined ? cur.parentId : p.parentId,
    position,
  };
}

function sameFields(a: VersionedFields, b: VersionedFields): boolean {
  return (Object.keys(a) as (keyof VersionedFields)[]).every((k) => sameValue(a[k], b[k]));
}

/** What a requirement and each of its versions hold alike. */
const CONTENT_COLUMNS: BulkColumn[] = [
  { name: "title", type: "text" },
  { name: "statement", type: "text" },
  { name: "rationale", type: "text" },
  { name: "type", type: "text", cast: '"RequirementType"' },
  { name: "priority", type: "text", cast: '"RequirementPriority"' },
  { name: "status", type: "text", cast: '"RequirementStatus"' },
  { name: "tags", type: "text[]" },
  { name: "attributes", type: "jsonb" },
  { name: "parentId", type: "text" },
  { name: "position", type: "double precision" },
];

const REQUIREMENT_COLUMNS: BulkColumn[] = [
  { name: "id", type: "text" },
  { name: "projectId", type: "text" },
  { name: "number", type: "integer" },
  { name: "key", type: "text" },
  { name: "version", type: "integer" },
  ...CONTENT_COLUMNS,
  { name: "sourceRef", type: "text" },
  { name: "createdById", type: "text" },
  { name: "createdAt", type: "timestamp(3)" },
  { name: "updatedAt", type: "timestamp(3)" },
  { name: "updatedById", type: "text" },
];

const VERSION_COLUMNS: BulkColumn[] = [
  { name: "id", type: "text" },
  { name: "requirementId", type: "text" },
  { name: "projectId", type: "text" },
  { name: "version", type: "integer" },
  ...CONTENT_COLUMNS,
  { name: "changeKind", type: "text" },
  { name: "changeNote", type: "text" },
  { name: "authorId", type: "text" },
  { name: "createdAt", type: "timestamp(3)" },
];

const ITEM_COLUMNS: BulkColumn[] = [
  { name: "jobId", type: "text" },
  { name: "entityId", type: "text" },
  { name: "key", type: "text" },
  { name: "action", type: "text" },
  { name: "versionAfter", type: "integer" },
];

/** Writes one batch inside its transaction; remembers sibling positions across batches. */
class BatchWriter {
  private positions = new Map<string, number>();
  constructor(
    private readonly opts: ImportRequirementsOptions,
    private readonly projectKey: string,
    private readonly plan: AttributePlan,
    /** Requirement id → key: the project's, and those this import gave its new requirements. */
    private readonly keys: Map<string, string>,
  ) {}

  forgetPositions() {
    this.positions.clear();
  }

  /** Reads the last position under each of `parentIds` not yet known, in one query. */
  private async primePositions(tx: Tx, parentIds: (string | null)[]) {
    const wanted = [...new Set(parentIds)].filter((id) => !this.positions.has(id ?? ""));
    if (wanted.length === 0) return;
    const ids = wanted.filter((id): id is string => id !== null);
    const rows = await tx.requirement.groupBy({
      by: ["parentId"],
      where: {
        projectId: this.opts.scope.projectId,
        OR: [
          ...(ids.length > 0 ? [{ parentId: { in: ids } }] : []),
          ...(wanted.includes(null) ? [{ parentId: null }] : []),
        ],
      },
      _max: { position: true },
    });
    for (const id of wanted) this.positions.set(id ?? "", 0);
    for (const r of rows) this.positions.set(r.parentId ?? "", r._max.position ?? 0);
  }

  private nextPosition(parentId: string | null): number {
    const slot = parentId ?? "";
    const next = (this.positions.get(slot) ?? 0) + 1;
    this.positions.set(slot, next);
    return next;
  }

  async write(tx: Tx, record: RecordChange, batch: Planned[], first: boolean) {
    const { scope, jobId, filename } = this.opts;
    const note = `Imported from ${filename}`.slice(0, 500);
    let definedAttributes = false;
    if (first && this.plan.changed) {
      const project = await tx.project.findUniqueOrThrow({
        where: { id: scope.projectId },
        select: { settings: true, version: true },
      });
      const settings = { ...(project.settings as Record<string, unknown>), requirementAttributes: this.plan.defs };
      await writeProjectUpdate(tx, record, {
        scope,
        input: { expectedVersion: project.version, settings, changeNote: note },
      });
      definedAttributes = true;
    }
    const creates = batch.filter((p) => !p.existing);
    const updates = batch.filter((p) => p.existing);
    await this.primePositions(tx, [
      ...creates.map((p) => p.parentId ?? null),
      ...updates.filter((p) => p.parentId !== undefined).map((p) => p.parentId ?? null),
    ]);
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    /** Rows marked Approved that the approval gate wrote In review instead. */
    let inReview = 0;

    if (creates.length > 0) {
      // Incrementing the counter locks the project row: creates in one project are serialised.
      const project = await tx.project.update({
        where: { id: scope.projectId },
        data: { requirementCounter: { increment: creates.length } },
        select: { requirementCounter: true },
      });
      const firstNumber = project.requirementCounter - creates.length + 1;
      // A new requirement has no review yet: where approval needs one, APPROVED in the file lands IN_REVIEW.
      const gated =
        creates.some((p) => p.row.status === "APPROVED") && (await approvalNeedsReview(tx, scope.projectId));
      if (gated) inReview += creates.filter((p) => p.row.status === "APPROVED").length;
      const now = new Date();
      const rows: RequirementRow[] = [];
      const sourceRefs = new Map<string, string | null>();
      for (const [i, p] of creates.entries()) {
        const number = firstNumber + i;
        const parentId = p.parentId ?? null;
        const key = `${this.projectKey}-${number}`;
        // Parents come first (rows are in depth order), so a parent created in this batch has its key already.
        this.keys.set(p.id, key);
        const parentKey = parentId ? this.keys.get(parentId) : undefined;
        rows.push({
          id: p.id,
          projectId: scope.projectId,
          number,
          key,
          version: 1,
          title: p.row.title.trim(),
          statement: p.row.statement,
          rationale: p.row.rationale,
          type: p.row.type ?? "FUNCTIONAL",
          priority: p.row.priority ?? "SHOULD",
          status: statusWithoutReview(p.row.status ?? "DRAFT", gated),
          tags: [...new Set(p.row.tags ?? [])],
          attributes: p.attributes as Prisma.JsonValue,
          parentId,
          position: this.nextPosition(parentId),
          createdById: scope.actor.userId,
          createdAt: now,
          updatedAt: now,
          updatedById: scope.actor.userId,
          parent: parentKey ? { key: parentKey } : null,
        });
        sourceRefs.set(p.id, p.sourceRef);
      }
      await bulkInsert(
        tx,
        "Requirement",
        REQUIREMENT_COLUMNS,
        rows.map(({ parent: _parent, ...r }) => ({ ...r, sourceRef: sourceRefs.get(r.id) ?? null })),
      );
      await bulkInsert(
        tx,
        "RequirementVersion",
        VERSION_COLUMNS,
        rows.map((r) => ({
          id: randomUUID(),
          requirementId: r.id,
          projectId: scope.projectId,
          version: 1,
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
          changeKind: "created",
          changeNote: note,
          authorId: scope.actor.userId,
          createdAt: now,
        })),
      );
      await bulkInsert(
        tx,
        "ImportJobItem",
        ITEM_COLUMNS,
        rows.map((r) => ({ jobId, entityId: r.id, key: r.key, action: "created", versionAfter: 1 })),
      );
      for (const row of rows) {
        record({
          action: "requirement.created",
          entityType: "Requirement",
          entityId: row.id,
          projectId: scope.projectId,
          after: presentRequirement(row),
          data: { key: row.key, version: 1, importJobId: jobId },
        });
      }
      created = rows.length;
    }

    if (updates.length > 0) {
      const current = await currentRows(
        updates.map((p) => p.id),
        tx,
      );
      const items: Prisma.ImportJobItemCreateManyInput[] = [];
      for (const p of updates) {
        const cur = current.get(p.id);
        if (!cur) throw new AppError("CONFLICT", `Row ${p.row.row}: the requirement it updates was removed`);
        const moved = p.parentId !== undefined && p.parentId !== cur.parentId;
        const position = moved ? this.nextPosition(p.parentId ?? null) : cur.position;
        const next = nextFields(cur, p, position, this.plan.defs);
        if (sameFields(pickVersioned(cur), next)) {
          unchanged++;
          continue;
        }
        const after = await commitRequirementVersion(tx, record, {
          actor: scope.actor,
          current: cur,
          expectedVersion: cur.version,
          next,
          changeKind: "updated",
          changeNote: note,
          action: "requirement.updated",
          data: { importJobId: jobId },
        });
        if (next.status === "APPROVED" && after.status === "IN_REVIEW") inReview++;
        items.push({
          jobId,
          entityId: after.id,
          key: after.key,
          action: "updated",
          versionBefore: cur.version,
          versionAfter: after.version,
        });
        updated++;
      }
      if (items.length > 0) await tx.importJobItem.createMany({ data: items });
    }
    return { created, updated, unchanged, definedAttributes, inReview };
  }
}
