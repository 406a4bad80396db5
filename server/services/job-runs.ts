/**
 * Recent runs of background work — the statistics run, the retention
 * pruning, imports — as instance admins see them on /admin/system: what ran,
 * when, for how long, and whether it worked. Only the newest JOB_RUNS_KEPT
 * rows are kept; every write prunes the rest. Recording never fails the work
 * it describes.
 */
import { Prisma } from "@prisma/client";

import { db, type Tx } from "@/server/db";
import { log } from "@/server/observability/log";
import { redactSecrets } from "@/server/observability/redact-url";

/** Rows kept; older ones are deleted as new ones arrive. */
export const JOB_RUNS_KEPT = 500;
const DETAIL_MAX = 500;

export type JobRunName = "aggregation" | "retention" | "import";

export interface JobRunRecord {
  name: JobRunName;
  startedAt: Date;
  finishedAt: Date;
  outcome: "succeeded" | "failed";
  detail?: string | null;
}

/**
 * Writes one run and prunes past the newest JOB_RUNS_KEPT; inside `tx` when
 * the run's outcome is written in a transaction of its own (an import's end).
 */
export async function recordJobRun(run: JobRunRecord, tx: Tx | typeof db = db): Promise<void> {
  await tx.jobRun.create({
    data: {
      name: run.name,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: Math.max(0, Math.round(run.finishedAt.getTime() - run.startedAt.getTime())),
      outcome: run.outcome,
      detail: run.detail ? redactSecrets(run.detail, DETAIL_MAX) : null,
    },
  });
  await tx.$executeRaw(Prisma.sql`
    DELETE FROM "JobRun" WHERE "finishedAt" < (
      SELECT "finishedAt" FROM "JobRun" ORDER BY "finishedAt" DESC OFFSET ${JOB_RUNS_KEPT - 1} LIMIT 1
    )`);
}

/**
 * Runs `work` and records it under `name`: succeeded with the detail
 * `describe` gives its result, or failed with the error's message (then
 * rethrown). A run that could not be recorded is logged, never thrown.
 */
export async function timeJobRun<T>(
  name: JobRunName,
  work: () => Promise<T>,
  describe: (result: T) => string | null = () => null,
): Promise<T> {
  const startedAt = new Date();
  let outcome: JobRunRecord["outcome"] = "failed";
  let detail: string | null = null;
  try {
    const result = await work();
    outcome = "succeeded";
    detail = describe(result);
    return result;
  } catch (err) {
    detail = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    await recordJobRun({ name, startedAt, finishedAt: new Date(), outcome, detail }).catch((err: unknown) =>
      log.warn({ error: err instanceof Error ? err.message : String(err), jobRun: name }, "recording a job run failed"),
    );
  }
}

/** The newest runs first. */
export function listJobRuns(opts: { limit: number }) {
  return db.jobRun.findMany({
    orderBy: { finishedAt: "desc" },
    take: opts.limit,
    select: { id: true, name: true, startedAt: true, finishedAt: true, durationMs: true, outcome: true, detail: true },
  });
}
