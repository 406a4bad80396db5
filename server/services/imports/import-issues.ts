/**
 * Writes an issue CSV (server/services/imports/csv-issues.ts, which reads Jira's export too) into a
 * project's issues, by the rules of the requirement import: a row updates the issue its key names or that
 * carries its source identifier (Jira's issue key), else creates one that remembers it; a dry run writes
 * nothing; `atomic` is all or nothing; otherwise 500 rows per transaction. The importer is the reporter of
 * the issues it creates; an assignee is matched to a project member by email address or name, and a row
 * naming nobody who is a member is imported unassigned, with a note in the report. Updates go through
 * `commitIssue`, the issue's compare-and-set; each keeps the fields it changed as they were, so the import
 * can be undone.
 */
import { randomUUID } from "node:crypto";

import type { IssueSeverity, IssueStatus, Prisma } from "@prisma/client";

import { issueDescription, issueTitle, labels as labelsSchema } from "@/lib/schemas/issue";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { type AppError, conflict, toAppError } from "@/server/errors";
import { applyChange, type RecordChange } from "@/server/services/change";
import { type IssueRow, issueSelect, presentIssue } from "@/server/services/issues/issue-access";
import { writeIssueVersions } from "@/server/services/issues/issue-versions";
import { commitIssue } from "@/server/services/issues/issues";

import { readIssuesCsv } from "./csv-issues";
import {
  IMPORT_BATCH_ROWS,
  IMPORT_TRANSACTION_MS,
  type ImportCounts,
  type ImportResult,
  MAX_REPORTED_ERRORS,
} from "./import-requirements";
import { chunk, fieldProblems, quiet } from "./rows";
import type { ImportIssueRow, ImportRowError } from "./types";

interface Planned {
  row: ImportIssueRow;
  existingId: string | null;
  assigneeId: string | null | undefined;
}

type IssueFields = {
  title: string;
  description: string;
  severity: IssueSeverity;
  status: IssueStatus;
  labels: string[];
  assigneeId: string | null;
  closedAt: Date | null;
};

function fieldsOf(row: IssueRow): IssueFields {
  return {
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    labels: row.labels,
    assigneeId: row.assignee?.id ?? null,
    closedAt: row.closedAt,
  };
}

const closed = (s: IssueStatus) => s === "DONE" || s === "WONT_FIX";

export async function importIssuesFromCsv(opts: {
  scope: ProjectScope;
  jobId: string;
  filename: string;
  bytes: Uint8Array;
  mapping: { columns: Record<string, string> };
  dryRun: boolean;
  atomic: boolean;
  onProgress?: (counts: ImportCounts) => Promise<void>;
}): Promise<ImportResult> {
  const { scope } = opts;
  const source = readIssuesCsv(opts.bytes, { mapping: opts.mapping });
  const errors: ImportRowError[] = [...source.errors];
  const refused = new Set(source.errors.filter((e) => e.row > 0).map((e) => e.row));
  const refuse = (row: number, message: string) => {
    errors.push({ row, message });
    refused.add(row);
  };
  const counts: ImportCounts = {
    total: source.rows.length + refused.size,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
  };

  const keys = source.rows.map((r) => r.key).filter((k): k is string => !!k);
  const refs = source.rows.flatMap((r) => [r.sourceRef, r.key]).filter((k): k is string => !!k);
  const existing = await db.issue.findMany({
    where: { projectId: scope.projectId, OR: [{ key: { in: keys } }, { sourceRef: { in: refs } }] },
    select: { id: true, key: true, sourceRef: true },
  });
  const byKey = new Map(existing.map((i) => [i.key, i.id]));
  const byRef = new Map(existing.filter((i) => i.sourceRef).map((i) => [i.sourceRef as string, i.id]));
  const members = await db.membership.findMany({
    where: { projectId: scope.projectId, user: { deactivatedAt: null } },
    select: { user: { select: { id: true, email: true, name: true } } },
  });
  const person = new Map<string, string>();
  for (const { user } of members) {
    person.set(user.email.toLowerCase(), user.id);
    if (!person.has(user.name.toLowerCase())) person.set(user.name.toLowerCase(), user.id);
  }

  const planned: Planned[] = [];
  const claimed = new Map<string, number>();
  for (const row of source.rows) {
    if (refused.has(row.row)) continue;
    const existingId =
      (row.key ? byKey.get(row.key) : undefined) ??
      (row.sourceRef ? byRef.get(row.sourceRef) : undefined) ??
      (row.key ? byRef.get(row.key) : undefined) ??
      null;
    if (existingId) {
      const first = claimed.get(existingId);
      if (first !== undefined) {
        refuse(row.row, `The same issue as row ${first}`);
        continue;
      }
      claimed.set(existingId, row.row);
    }
    const problems = fieldProblems([
      ["Title", issueTitle, row.title],
      ["Description", issueDescription, row.description],
      ["Labels", labelsSchema, row.labels ?? []],
    ]);
    if (problems.length > 0) {
      refuse(row.row, problems.join("; "));
      continue;
    }
    let assigneeId: string | null | undefined;
    if (row.assignee === undefined) assigneeId = undefined;
    else if (!row.assignee) assigneeId = null;
    else {
      assigneeId = person.get(row.assignee.trim().toLowerCase()) ?? null;
      if (!assigneeId)
        errors.push({ row: row.row, message: `Imported unassigned: ${row.assignee} is not a member of this project` });
    }
    planned.push({ row, existingId, assigneeId });
  }

  counts.failed = refused.size;
  const result = (wrote: boolean, message: string | null): ImportResult => ({
    ...counts,
    errors: errors.sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED_ERRORS),
    wrote,
    message,
  });
  if (opts.atomic && refused.size > 0) {
    counts.processed = counts.total;
    return result(
      false,
      `${refused.size} ${refused.size === 1 ? "row was" : "rows were"} refused, so nothing was imported (all or nothing)`,
    );
  }
  if (opts.dryRun) {
    const current = await currentIssues(
      db,
      planned.flatMap((p) => (p.existingId ? [p.existingId] : [])),
    );
    for (const p of planned) {
      const cur = p.existingId ? current.get(p.existingId) : undefined;
      if (!cur) counts.created++;
      else if (same(fieldsOf(cur), next(cur, p))) counts.unchanged++;
      else counts.updated++;
    }
    counts.processed = counts.total;
    return result(false, null);
  }

  let wrote = false;
  const batches = opts.atomic ? [planned] : chunk(planned, IMPORT_BATCH_ROWS);
  for (const batch of batches) {
    try {
      const outcome = await applyChange(scope.actor, (tx, record) => writeBatch(tx, quiet(record), opts, batch), {
        timeout: IMPORT_TRANSACTION_MS,
      });
      counts.created += outcome.created;
      counts.updated += outcome.updated;
      counts.unchanged += outcome.unchanged;
      wrote ||= outcome.created + outcome.updated > 0;
    } catch (err) {
      if (opts.atomic) throw err;
      for (const p of batch) refuse(p.row.row, `Could not be written: ${toAppError(err)?.message ?? "an error"}`);
    }
    counts.failed = refused.size;
    counts.processed = Math.min(counts.total, counts.created + counts.updated + counts.unchanged + counts.failed);
    await opts.onProgress?.({ ...counts });
  }
  counts.processed = counts.total;
  return result(wrote, null);
}

async function currentIssues(client: Tx | typeof db, ids: string[]): Promise<Map<string, IssueRow>> {
  const out = new Map<string, IssueRow>();
  for (const part of chunk(ids, 1000)) {
    if (part.length === 0) continue;
    for (const r of await client.issue.findMany({ where: { id: { in: part } }, select: issueSelect })) out.set(r.id, r);
  }
  return out;
}

function next(cur: IssueRow, p: Planned): IssueFields {
  const status = p.row.status ?? cur.status;
  return {
    title: p.row.title.trim(),
    description: p.row.description,
    severity: p.row.severity ?? cur.severity,
    status,
    labels: p.row.labels ? [...new Set(p.row.labels)] : cur.labels,
    assigneeId: p.assigneeId === undefined ? (cur.assignee?.id ?? null) : p.assigneeId,
    closedAt: closed(status) ? (closed(cur.status) ? cur.closedAt : new Date()) : null,
  };
}

function same(a: IssueFields, b: IssueFields): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.severity === b.severity &&
    a.status === b.status &&
    a.assigneeId === b.assigneeId &&
    a.labels.length === b.labels.length &&
    a.labels.every((l, i) => l === b.labels[i])
  );
}

async function writeBatch(
  tx: Tx,
  record: RecordChange,
  opts: { scope: ProjectScope; jobId: string },
  batch: Planned[],
) {
  const { scope, jobId } = opts;
  const creates = batch.filter((p) => !p.existingId);
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  if (creates.length > 0) {
    const project = await tx.project.update({
      where: { id: scope.projectId },
      data: { issueCounter: { increment: creates.length } },
      select: { key: true, issueCounter: true },
    });
    const first = project.issueCounter - creates.length + 1;
    const now = new Date();
    const rows = creates.map((p, i) => {
      const status = p.row.status ?? "OPEN";
      return {
        id: randomUUID(),
        projectId: scope.projectId,
        number: first + i,
        key: `${project.key}-I-${first + i}`,
        title: p.row.title.trim(),
        description: p.row.description,
        severity: p.row.severity ?? "MEDIUM",
        status,
        labels: [...new Set(p.row.labels ?? [])],
        reporterId: scope.userId,
        assigneeId: p.assigneeId ?? null,
        closedAt: closed(status) ? now : null,
        sourceRef: p.row.sourceRef ?? p.row.key,
        updatedById: scope.userId,
        createdAt: now,
        updatedAt: now,
      } satisfies Prisma.IssueCreateManyInput;
    });
    await tx.issue.createMany({ data: rows });
    await writeIssueVersions(
      tx,
      rows.map((r) => ({ ...r, version: 1, resolution: null })),
      { changeKind: "imported", authorId: scope.userId, at: now },
    );
    await tx.importJobItem.createMany({
      data: rows.map((r) => ({ jobId, entityId: r.id, key: r.key, action: "created", versionAfter: 1 })),
    });
    const written = await currentIssues(
      tx,
      rows.map((r) => r.id),
    );
    for (const r of rows) {
      const row = written.get(r.id);
      if (!row) continue;
      record({
        action: "issue.created",
        entityType: "Issue",
        entityId: row.id,
        projectId: scope.projectId,
        after: presentIssue(row),
        data: { key: row.key, importJobId: jobId },
      });
    }
    created = rows.length;
  }
  const updates = batch.filter((p) => p.existingId);
  if (updates.length > 0) {
    const current = await currentIssues(
      tx,
      updates.map((p) => p.existingId as string),
    );
    const items: Prisma.ImportJobItemCreateManyInput[] = [];
    for (const p of updates) {
      const cur = current.get(p.existingId as string);
      if (!cur) continue;
      const fields = next(cur, p);
      if (same(fieldsOf(cur), fields)) {
        unchanged++;
        continue;
      }
      const after = await commitIssue(tx, record, {
        actor: scope.actor,
        current: cur,
        expectedVersion: cur.version,
        fields: fieldsOf,
        next: fields,
        action: "issue.updated",
        changeKind: "imported",
        data: { importJobId: jobId },
      });
      items.push({
        jobId,
        entityId: cur.id,
        key: cur.key,
        action: "updated",
        versionBefore: cur.version,
        versionAfter: after.version,
        before: { ...fieldsOf(cur), closedAt: cur.closedAt?.toISOString() ?? null },
      });
      updated++;
    }
    if (items.length > 0) await tx.importJobItem.createMany({ data: items });
  }
  return { created, updated, unchanged };
}

type Item = {
  entityId: string;
  key: string;
  action: string;
  versionBefore: number | null;
  versionAfter: number;
  before: Prisma.JsonValue;
};

/** The issue half of `undoImportJob`: created issues deleted, updated ones given back the fields they had. */
export async function undoImportedIssues(
  tx: Tx,
  record: RecordChange,
  scope: ProjectScope,
  items: Item[],
  changedSince: (keys: string[]) => AppError,
) {
  const current = await currentIssues(
    tx,
    items.map((i) => i.entityId),
  );
  const stale = items.filter((i) => current.get(i.entityId)?.version !== i.versionAfter).map((i) => i.key);
  if (stale.length > 0) throw changedSince(stale);
  const createdIds = items.filter((i) => i.action === "created").map((i) => i.entityId);
  if (createdIds.length > 0) {
    const [links, comments, attachments] = await Promise.all([
      tx.traceLink.findFirst({ where: { sourceIssueId: { in: createdIds } }, select: { id: true } }),
      tx.comment.findFirst({ where: { issueId: { in: createdIds } }, select: { id: true } }),
      tx.attachment.findFirst({ where: { issueId: { in: createdIds } }, select: { id: true } }),
    ]);
    if (links || comments || attachments) {
      throw conflict("Issues the import created have trace links, comments or attachments now; it cannot be undone");
    }
  }
  let restored = 0;
  for (const item of items.filter((i) => i.action === "updated")) {
    const cur = current.get(item.entityId);
    const before = item.before as (Omit<IssueFields, "closedAt"> & { closedAt: string | null }) | null;
    if (!cur || !before) continue;
    await commitIssue(tx, quiet(record), {
      actor: scope.actor,
      current: cur,
      expectedVersion: cur.version,
      fields: fieldsOf,
      next: { ...before, closedAt: before.closedAt ? new Date(before.closedAt) : null },
      action: "issue.updated",
      changeKind: "restored",
      data: { importUndone: true },
    });
    restored++;
  }
  for (const id of createdIds) {
    const cur = current.get(id);
    if (cur) {
      record({
        action: "issue.deleted",
        entityType: "Issue",
        entityId: id,
        projectId: scope.projectId,
        before: presentIssue(cur),
        publish: false,
      });
    }
  }
  if (createdIds.length > 0) await tx.issue.deleteMany({ where: { id: { in: createdIds } } });
  return { deleted: createdIds.length, restored };
}
