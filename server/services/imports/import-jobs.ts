/**
 * Import jobs: an upload kept in the database with its progress, run by whichever instance holds its lease.
 *
 * - `createImportJob` stores the upload (bytes, SHA-256, the form's options) and answers with the job's id;
 *   the instance that took the upload starts it at once (`startImportJob`), in the background of its process.
 * - `runImportJob` claims the job with a lease (renewed while it runs), authorizes its creator again as the
 *   upload was (they may have lost the right since), reads the file, writes it
 *   (server/services/imports/import-requirements.ts, import-issues.ts) and reports progress into the row.
 *   It finishes in one transaction that sets the outcome and publishes the import's one summary event.
 * - `resumeImportJobs` (every instance, periodically) takes over jobs nobody runs: queued ones whose
 *   instance stopped before starting them, and running ones whose lease ran out. An atomic import or a dry run
 *   wrote nothing before it stopped and starts again; a partial import is marked FAILED with what it wrote
 *   (undoable, and a re-import of the file finishes it: rows with identifiers are matched, not duplicated).
 * - `undoImportJob` takes back everything an import wrote, as one change, while nothing it wrote has changed.
 */
import { createHash, randomUUID } from "node:crypto";

import type { ImportJobStatus, Prisma } from "@prisma/client";

import type { ImportForm, ImportJobListInput, ImportJobOut } from "@/lib/schemas/import";
import { authorizeOrThrow, type ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError, conflict, notFound, toAppError } from "@/server/errors";
import { publishSignal } from "@/server/live/bus";
import { log } from "@/server/observability/log";
import { countImportJob } from "@/server/observability/metrics";
import { millisecondsSince } from "@/server/observability/observe";
import { applyChange, type RecordChange } from "@/server/services/change";
import { recordJobRun } from "@/server/services/job-runs";
import { afterTimeAndId, timeAndIdCursor, toPage } from "@/server/services/pagination";
import { attributeDefinitions } from "@/server/services/requirements/attributes";
import { presentRequirement, requirementSelect } from "@/server/services/requirements/requirement-select";
import { commitRequirementVersion } from "@/server/services/requirements/write-version";

import { readRequirementsCsv } from "./csv-requirements";
import { importIssuesFromCsv, undoImportedIssues } from "./import-issues";
import { type ImportCounts, type ImportResult, importRequirements } from "./import-requirements";
import { readReqif, readReqifz } from "./reqif";
import { quiet } from "./rows";

/** Queued or running imports a project may have at once; more is TOO_MANY_REQUESTS. */
export const MAX_ACTIVE_IMPORTS_PER_PROJECT = 3;
/** How long a runner holds a job without renewing; another instance takes it over afterwards. */
export const IMPORT_LEASE_MS = 30_000;
/** Runs of one job before it is given up. */
const MAX_ATTEMPTS = 3;

const runnerId = `${process.pid}-${randomUUID().slice(0, 8)}`;

const jobSelect = {
  id: true,
  projectId: true,
  kind: true,
  format: true,
  filename: true,
  size: true,
  dryRun: true,
  atomic: true,
  status: true,
  total: true,
  processed: true,
  created: true,
  updated: true,
  unchanged: true,
  failed: true,
  errors: true,
  message: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  undoneAt: true,
  createdBy: { select: { id: true, name: true, deactivatedAt: true } },
  _count: { select: { items: true } },
} satisfies Prisma.ImportJobSelect;

type JobRow = Prisma.ImportJobGetPayload<{ select: typeof jobSelect }>;

function presentJob(job: JobRow): ImportJobOut {
  const errors = Array.isArray(job.errors)
    ? (job.errors as { row: number; message: string }[]).filter(
        (e) => e && typeof e.row === "number" && typeof e.message === "string",
      )
    : [];
  return {
    id: job.id,
    kind: job.kind as ImportJobOut["kind"],
    format: job.format as ImportJobOut["format"],
    filename: job.filename,
    size: job.size,
    dryRun: job.dryRun,
    atomic: job.atomic,
    status: job.status,
    total: job.total,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    failed: job.failed,
    errors,
    message: job.message,
    undoable: (job.status === "SUCCEEDED" || job.status === "FAILED") && !job.dryRun && job._count.items > 0,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    undoneAt: job.undoneAt,
    createdBy: job.createdBy,
  };
}

/** The permission an import of `kind` takes: writing requirements, or triaging issues. */
export function importPermission(kind: string) {
  return kind === "issues" ? ("issue:triage" as const) : ("requirement:edit" as const);
}

export function detectFormat(filename: string, bytes: Uint8Array): ImportForm["format"] & string {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".reqifz") || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return "reqifz";
  if (lower.endsWith(".reqif") || lower.endsWith(".xml")) return "reqif";
  return "csv";
}

/** Stores an upload as a queued import. */
export async function createImportJob({
  scope,
  form,
  filename,
  bytes,
}: {
  scope: ProjectScope;
  form: ImportForm;
  filename: string;
  bytes: Uint8Array;
}): Promise<{ jobId: string }> {
  const format = form.format ?? detectFormat(filename, bytes);
  if (form.kind === "issues" && format !== "csv") {
    throw new AppError("BAD_REQUEST", "Issues are imported from CSV");
  }
  const active = await db.importJob.count({
    where: { projectId: scope.projectId, status: { in: ["QUEUED", "RUNNING"] } },
  });
  if (active >= MAX_ACTIVE_IMPORTS_PER_PROJECT) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This project already has ${active} imports in progress; wait for one to finish`,
      { retryAfterSeconds: 10 },
    );
  }
  const job = await db.importJob.create({
    data: {
      projectId: scope.projectId,
      createdById: scope.userId,
      kind: form.kind,
      format,
      filename: cleanFilename(filename),
      size: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      dryRun: form.dryRun,
      atomic: form.atomic,
      mapping: form.mapping as Prisma.InputJsonValue,
      upload: Uint8Array.from(bytes),
      requestId: scope.actor.requestId,
    },
    select: { id: true },
  });
  return { jobId: job.id };
}

function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (clean || "upload").slice(0, 200);
}

/** Starts a job in this process without waiting for it; failures end up in the job's row. */
export function startImportJob(id: string): void {
  void runImportJob(id).catch((err: unknown) => log.error({ err, importJobId: id }, "import job failed to run"));
}

/** Takes the lease on a job nobody is running (or `id` when given); null when there is none. */
async function claim(id: string | null) {
  const rows = await db.$queryRaw<
    { id: string; attempts: number; atomic: boolean; dryRun: boolean; status: ImportJobStatus }[]
  >`
    UPDATE "ImportJob" SET status = 'RUNNING', "leaseUntil" = now() + ${`${IMPORT_LEASE_MS} milliseconds`}::interval,
           "leasedBy" = ${runnerId}, attempts = attempts + 1, "startedAt" = coalesce("startedAt", now())
    WHERE id = (
      SELECT id FROM "ImportJob"
      WHERE (${id}::text IS NULL OR id = ${id})
        AND (status = 'QUEUED' OR (status = 'RUNNING' AND "leaseUntil" < now()))
        AND (${id}::text IS NOT NULL OR status = 'RUNNING' OR "createdAt" < now() - interval '5 seconds')
      ORDER BY "createdAt"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, attempts, atomic, "dryRun", status`;
  return rows[0] ?? null;
}

/** Runs one job to its end, if this process can claim it. */
export async function runImportJob(id: string): Promise<void> {
  const claimed = await claim(id);
  if (claimed) await run(claimed.id, claimed.attempts);
}

/** Takes over the jobs no instance is running; called periodically by every instance. */
export async function resumeImportJobs(): Promise<number> {
  // A partial import whose runner stopped is not run again (it would write its first rows twice over).
  const stalled = await db.importJob.findMany({
    where: { status: "RUNNING", leaseUntil: { lt: new Date() }, atomic: false, dryRun: false, attempts: { gte: 1 } },
    select: { id: true, processed: true },
    take: 20,
  });
  for (const job of stalled) {
    await finish(job.id, null, {
      status: "FAILED",
      message: `The import stopped after ${job.processed} rows (the server running it went away). What it wrote can be undone; importing the file again finishes it.`,
    });
  }
  let ran = 0;
  for (;;) {
    const next = await claim(null);
    if (!next) return ran;
    await run(next.id, next.attempts);
    ran++;
  }
}

async function run(id: string, attempts: number): Promise<void> {
  const start = performance.now();
  const lease = setInterval(() => {
    void db.importJob
      .updateMany({
        where: { id, leasedBy: runnerId, status: "RUNNING" },
        data: { leaseUntil: new Date(Date.now() + IMPORT_LEASE_MS) },
      })
      .catch(() => {});
  }, IMPORT_LEASE_MS / 3);
  lease.unref?.();
  try {
    if (attempts > MAX_ATTEMPTS) {
      await finish(id, null, { status: "FAILED", message: `Gave up after ${MAX_ATTEMPTS} attempts` });
      return;
    }
    const job = await db.importJob.findUniqueOrThrow({
      where: { id },
      select: {
        kind: true,
        format: true,
        filename: true,
        dryRun: true,
        atomic: true,
        mapping: true,
        upload: true,
        requestId: true,
        createdById: true,
        project: { select: { key: true } },
      },
    });
    let result: ImportResult;
    try {
      if (!job.createdById) throw new AppError("FORBIDDEN", "The account that uploaded the file is gone");
      if (!job.upload) throw new AppError("BAD_REQUEST", "The upload is no longer stored");
      const { scope } = await authorizeOrThrow({
        userId: job.createdById,
        projectKey: job.project.key,
        permission: importPermission(job.kind),
        writes: true,
        requestId: job.requestId,
      });
      const bytes = new Uint8Array(job.upload);
      const onProgress = (counts: ImportCounts) => progress(id, counts, scope.projectId);
      const mapping = (job.mapping ?? { columns: {} }) as { columns: Record<string, string> };
      if (job.kind === "issues") {
        result = await importIssuesFromCsv({
          scope,
          jobId: id,
          filename: job.filename,
          bytes,
          mapping,
          dryRun: job.dryRun,
          atomic: job.atomic,
          onProgress,
        });
      } else {
        const defs = await projectAttributes(scope.projectId);
        const source =
          job.format === "csv"
            ? readRequirementsCsv(bytes, { mapping, attributes: defs })
            : job.format === "reqifz"
              ? await readReqifz(chunks(bytes))
              : await readReqif(chunks(bytes));
        await progress(id, { total: source.rows.length + source.errors.length, processed: 0 }, scope.projectId);
        result = await importRequirements({
          scope,
          jobId: id,
          filename: job.filename,
          source,
          dryRun: job.dryRun,
          atomic: job.atomic,
          hierarchy: source.hierarchy !== false,
          onProgress,
        });
      }
    } catch (err) {
      const known = toAppError(err);
      // Written under the id of the request that uploaded the file, like the import's audit rows.
      const fields = { importJobId: id, requestId: job.requestId, userId: job.createdById, kind: job.kind };
      if (known) log.warn({ ...fields, code: known.code, durationMs: millisecondsSince(start) }, "import job failed");
      else log.error({ ...fields, err, durationMs: millisecondsSince(start) }, "import job failed");
      await finish(id, null, {
        status: "FAILED",
        message: known?.message ?? "The import failed unexpectedly; nothing more was written",
      });
      return;
    }
    const failedWhole = result.message !== null;
    log[failedWhole ? "warn" : "info"](
      {
        importJobId: id,
        requestId: job.requestId,
        userId: job.createdById,
        kind: job.kind,
        dryRun: job.dryRun,
        status: failedWhole ? "FAILED" : "SUCCEEDED",
        durationMs: millisecondsSince(start),
      },
      "import job finished",
    );
    await finish(id, result, {
      status: failedWhole ? "FAILED" : "SUCCEEDED",
      message: result.message ?? result.notice ?? null,
      announce: !job.dryRun && result.wrote ? { kind: job.kind, filename: job.filename } : null,
    });
  } finally {
    clearInterval(lease);
  }
}

async function projectAttributes(projectId: string) {
  const project = await db.project.findUniqueOrThrow({ where: { id: projectId }, select: { settings: true } });
  return attributeDefinitions(project.settings);
}

async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
}

async function progress(id: string, counts: Partial<ImportCounts>, projectId?: string): Promise<void> {
  await db.importJob.updateMany({
    where: { id, status: "RUNNING" },
    data: { ...counts, leaseUntil: new Date(Date.now() + IMPORT_LEASE_MS) },
  });
  if (projectId) publishSignal({ kind: "imports", projectId });
}

/** Ends a job: its outcome, the upload dropped, and (when it wrote something) the one summary event. */
async function finish(
  id: string,
  result: ImportResult | null,
  outcome: {
    status: "SUCCEEDED" | "FAILED";
    message: string | null;
    announce?: { kind: string; filename: string } | null;
  },
): Promise<void> {
  const work = async (tx: Tx, record?: RecordChange) => {
    const job = await tx.importJob.update({
      where: { id },
      data: {
        status: outcome.status,
        message: outcome.message,
        finishedAt: new Date(),
        upload: null,
        leaseUntil: null,
        leasedBy: null,
        ...(result
          ? {
              total: result.total,
              processed: result.processed,
              created: result.created,
              updated: result.updated,
              unchanged: result.unchanged,
              failed: result.failed,
              errors: result.errors as unknown as Prisma.InputJsonValue,
            }
          : {}),
      },
      select: {
        projectId: true,
        createdById: true,
        requestId: true,
        kind: true,
        filename: true,
        dryRun: true,
        startedAt: true,
      },
    });
    await recordJobRun(
      {
        name: "import",
        startedAt: job.startedAt ?? new Date(),
        finishedAt: new Date(),
        outcome: outcome.status === "SUCCEEDED" ? "succeeded" : "failed",
        detail: importRunDetail(job, result, outcome.message),
      },
      tx,
    );
    if (record && outcome.announce && result) {
      record({
        action: outcome.announce.kind === "issues" ? "issue.imported" : "requirement.imported",
        entityType: "ImportJob",
        entityId: id,
        projectId: job.projectId,
        after: {
          id,
          filename: outcome.announce.filename,
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          failed: result.failed,
        },
        data: { importJobId: id },
      });
    }
  };
  const job = await db.importJob.findUniqueOrThrow({
    where: { id },
    select: { createdById: true, requestId: true, projectId: true, kind: true },
  });
  if (outcome.announce && result) {
    await applyChange({ userId: job.createdById, requestId: job.requestId }, (tx, record) => work(tx, record));
  } else {
    await db.$transaction((tx) => work(tx));
  }
  countImportJob(job.kind, outcome.status);
  publishSignal({ kind: "imports", projectId: job.projectId });
}

/** An import's line on /admin/system: what it read and wrote, or why it failed (the message the uploader sees). */
function importRunDetail(
  job: { kind: string; filename: string; dryRun: boolean },
  result: ImportResult | null,
  message: string | null,
): string {
  const counts = result
    ? `: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.failed} failed`
    : "";
  return `${job.kind} from ${job.filename}${job.dryRun ? " (dry run)" : ""}${counts}${message ? ` — ${message}` : ""}`;
}

/* ------------------------------------------------------------------ reading */

export async function getImportJob({ scope, id }: { scope: ProjectScope; id: string }): Promise<ImportJobOut> {
  const job = await db.importJob.findUnique({ where: { id }, select: jobSelect });
  if (!job || job.projectId !== scope.projectId) throw notFound("Import");
  return presentJob(job);
}

export async function listImportJobs({ scope, input }: { scope: ProjectScope; input: ImportJobListInput }) {
  const rows = await db.importJob.findMany({
    where: { projectId: scope.projectId, ...afterTimeAndId(input.cursor, "createdAt", "desc") },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: jobSelect,
  });
  const page = toPage(rows, input.limit, (r) => timeAndIdCursor(r.createdAt, r.id));
  return { items: page.items.map(presentJob), nextCursor: page.nextCursor };
}

/* ------------------------------------------------------------------ undo */

/**
 * Takes back what an import wrote, in one transaction: requirements it created are deleted, those it
 * updated get the content they had before (a new version, "restored"). Refused with CONFLICT when anything
 * it wrote has changed since (a later version), or when what it created has since been linked, frozen in a
 * baseline or given children of its own.
 */
export async function undoImportJob({ scope, id }: { scope: ProjectScope; id: string }) {
  const outcome = await applyChange(scope.actor, async (tx, record) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "ImportJob" WHERE id = ${id} AND "projectId" = ${scope.projectId} FOR UPDATE`;
    if (locked.length === 0) throw notFound("Import");
    const job = await tx.importJob.findUniqueOrThrow({ where: { id }, select: jobSelect });
    if (job.status === "UNDONE") throw conflict("This import was already undone");
    if (job.status === "QUEUED" || job.status === "RUNNING") throw conflict("This import is still running");
    if (job.dryRun) throw new AppError("BAD_REQUEST", "A dry run wrote nothing to undo");
    const items = await tx.importJobItem.findMany({ where: { jobId: id } });
    if (items.length === 0) throw new AppError("BAD_REQUEST", "This import wrote nothing to undo");
    const counts =
      job.kind === "issues"
        ? await undoIssues(tx, record, scope, items)
        : await undoRequirements(tx, record, scope, items);
    await tx.importJob.update({
      where: { id },
      data: { status: "UNDONE", undoneAt: new Date(), undoneById: scope.userId },
    });
    record({
      action: job.kind === "issues" ? "issue.import_undone" : "requirement.import_undone",
      entityType: "ImportJob",
      entityId: id,
      projectId: scope.projectId,
      before: { id, filename: job.filename, created: job.created, updated: job.updated },
      data: { importJobId: id, ...counts },
    });
    return counts;
  });
  return { job: await getImportJob({ scope, id }), ...outcome };
}

type Item = {
  entityId: string;
  key: string;
  action: string;
  versionBefore: number | null;
  versionAfter: number;
  before: Prisma.JsonValue;
};

function changedSince(keys: string[]): AppError {
  return conflict(
    `Changed since the import, so it cannot be undone: ${keys.slice(0, 10).join(", ")}${keys.length > 10 ? ` and ${keys.length - 10} more` : ""}`,
    { keys: keys.slice(0, 100) },
  );
}

async function undoRequirements(tx: Tx, record: RecordChange, scope: ProjectScope, items: Item[]) {
  const ids = items.map((i) => i.entityId);
  const current = await tx.requirement.findMany({ where: { id: { in: ids } }, select: requirementSelect });
  const byId = new Map(current.map((r) => [r.id, r]));
  const stale = items.filter((i) => byId.get(i.entityId)?.version !== i.versionAfter).map((i) => i.key);
  if (stale.length > 0) throw changedSince(stale);
  const createdIds = items.filter((i) => i.action === "created").map((i) => i.entityId);
  if (createdIds.length > 0) {
    const [links, frozen, comments] = await Promise.all([
      tx.traceLink.findFirst({
        where: { OR: [{ sourceRequirementId: { in: createdIds } }, { targetRequirementId: { in: createdIds } }] },
        select: { id: true },
      }),
      tx.baselineItem.findFirst({ where: { requirementId: { in: createdIds } }, select: { requirementId: true } }),
      tx.comment.findFirst({ where: { requirementId: { in: createdIds } }, select: { id: true } }),
    ]);
    if (links) throw conflict("Requirements the import created have trace links now; remove them first");
    if (frozen) throw conflict("Requirements the import created are part of a baseline since; it cannot be undone");
    // Deleting them would take people's comments with them.
    if (comments) throw conflict("Requirements the import created have comments now; it cannot be undone");
  }
  let restored = 0;
  for (const item of items.filter((i) => i.action === "updated")) {
    const cur = byId.get(item.entityId);
    const old = await tx.requirementVersion.findUnique({
      where: { requirementId_version: { requirementId: item.entityId, version: item.versionBefore ?? 0 } },
    });
    if (!cur || !old) continue;
    await commitRequirementVersion(tx, quiet(record), {
      actor: scope.actor,
      current: cur,
      expectedVersion: cur.version,
      next: {
        title: old.title,
        statement: old.statement,
        rationale: old.rationale,
        type: old.type,
        priority: old.priority,
        status: old.status,
        tags: old.tags,
        attributes: old.attributes,
        parentId: old.parentId,
        position: old.position,
      },
      changeKind: "restored",
      changeNote: `Import undone: restored version ${item.versionBefore}`,
      action: "requirement.restored",
      data: { restoredVersion: item.versionBefore },
    });
    restored++;
  }
  if (createdIds.length > 0) {
    // After the restores, which move updated requirements back to where they were.
    const child = await tx.requirement.findFirst({
      where: { parentId: { in: createdIds }, id: { notIn: createdIds } },
      select: { key: true },
    });
    if (child) throw conflict(`${child.key} was put under a requirement the import created; move it first`);
    for (const r of current.filter((c) => createdIds.includes(c.id))) {
      record({
        action: "requirement.deleted",
        entityType: "Requirement",
        entityId: r.id,
        projectId: scope.projectId,
        before: presentRequirement(r),
        publish: false,
      });
    }
    // Parents and children among them go together: cut the tree first (the parent link restricts deletes).
    await tx.requirement.updateMany({ where: { id: { in: createdIds } }, data: { parentId: null } });
    await tx.requirement.deleteMany({ where: { id: { in: createdIds } } });
  }
  return { deleted: createdIds.length, restored };
}

function undoIssues(tx: Tx, record: RecordChange, scope: ProjectScope, items: Item[]) {
  return undoImportedIssues(tx, record, scope, items, changedSince);
}
