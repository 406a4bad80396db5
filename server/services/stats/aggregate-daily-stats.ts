/**
 * Daily statistics: one `DailyStat` row per project per UTC day, computed by
 * one set-based statement and upserted, so recomputing a day any number of
 * times leaves exactly one row with the same numbers.
 *
 * "At the end of day D" is reconstructed from timestamps the data keeps:
 *   - open issues: created before the end of D and not closed by then
 *     (`closedAt` null or later). Severity is the issue's current one, and a
 *     reopened issue only keeps its latest `closedAt`, so severity changes and
 *     close/reopen cycles before the latest one are not replayed. Today's row
 *     is exact.
 *   - issues by status: closed issues by their (closed) status; issues open at
 *     the end of D by their current status while still open, otherwise by the
 *     status they most likely had before closing (IN_PROGRESS for DONE, the
 *     only way into DONE; OPEN for WONT_FIX).
 *   - requirements by status: the status of each requirement's latest
 *     RequirementVersion created before the end of D (exact — versions are
 *     immutable).
 *   - versions written: RequirementVersion rows created on D (exact).
 *   - coverage: of the requirements approved-or-later at the end of D, the
 *     share with an IMPLEMENTS link (made by then) from an issue that is DONE
 *     and was closed by then — the same rule as `traceLink.coverage`, so
 *     today's value matches that view.
 *   - suspect links: the current count for today. A past day keeps the value
 *     stored when it was last computed as "today"; a past day computed for the
 *     first time counts links suspect now and since before the end of D
 *     (links cleared since then are not known).
 */
import { addDays, daysBetween, MAX_STATS_RANGE_DAYS, utcToday } from "@/lib/schemas/stats";
import { db, withLongStatements, withSessionLockOrSkip } from "@/server/db";
import { AppError } from "@/server/errors";
import { publishSignal } from "@/server/live/bus";
import { timeJobRun } from "@/server/services/job-runs";

export interface DailyStatRow {
  projectId: string;
  day: string;
  openBySeverity: Record<string, number>;
  issuesByStatus: Record<string, number>;
  issuesCreated: number;
  issuesClosed: number;
  requirementsByStatus: Record<string, number>;
  versionsWritten: number;
  suspectLinks: number;
  coveragePct: number | null;
  computedAt: Date;
}

interface RawRow extends Omit<DailyStatRow, "day"> {
  day: Date;
}

export const toDayString = (d: Date) => d.toISOString().slice(0, 10);

async function projectExistsOrThrow(projectId: string) {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { id: true } });
  if (!project) throw new AppError("NOT_FOUND", "Project not found", { projectId });
}

/** Recomputes and stores one project's row for one UTC day (`YYYY-MM-DD`). */
export async function aggregateDailyStats(opts: { projectId: string; day: string; now?: Date }): Promise<DailyStatRow> {
  const { projectId, day } = opts;
  const today = utcToday(opts.now);
  if (day > today) throw new AppError("BAD_REQUEST", "Days in the future have no statistics yet", { day, today });
  await projectExistsOrThrow(projectId);
  const isToday = day === today;
  const rows = await withLongStatements(
    (tx) => tx.$queryRaw<RawRow[]>`
    WITH bounds AS (
      SELECT ${day}::date::timestamp AS day_start, ${day}::date::timestamp + interval '1 day' AS day_end
    ),
    issue_counts AS (
      SELECT
        count(*) FILTER (WHERE i."createdAt" >= b.day_start)::int AS created,
        jsonb_build_object(
          'LOW',      count(*) FILTER (WHERE i.open_then AND i.severity = 'LOW'),
          'MEDIUM',   count(*) FILTER (WHERE i.open_then AND i.severity = 'MEDIUM'),
          'HIGH',     count(*) FILTER (WHERE i.open_then AND i.severity = 'HIGH'),
          'CRITICAL', count(*) FILTER (WHERE i.open_then AND i.severity = 'CRITICAL')
        ) AS by_severity,
        jsonb_build_object(
          'OPEN',        count(*) FILTER (WHERE i.status_then = 'OPEN'),
          'TRIAGED',     count(*) FILTER (WHERE i.status_then = 'TRIAGED'),
          'IN_PROGRESS', count(*) FILTER (WHERE i.status_then = 'IN_PROGRESS'),
          'DONE',        count(*) FILTER (WHERE i.status_then = 'DONE'),
          'WONT_FIX',    count(*) FILTER (WHERE i.status_then = 'WONT_FIX')
        ) AS by_status
      FROM bounds b
      LEFT JOIN LATERAL (
        SELECT x.severity, x."createdAt",
               (x."closedAt" IS NULL OR x."closedAt" >= b.day_end) AS open_then,
               CASE WHEN x."closedAt" < b.day_end THEN x.status::text
                    WHEN x.status IN ('OPEN', 'TRIAGED', 'IN_PROGRESS') THEN x.status::text
                    WHEN x.status = 'DONE' THEN 'IN_PROGRESS'
                    ELSE 'OPEN' END AS status_then
        FROM "Issue" x
        WHERE x."projectId" = ${projectId} AND x."createdAt" < b.day_end
      ) i ON true
      GROUP BY b.day_start
    ),
    closed_on_day AS (
      SELECT count(*)::int AS closed
      FROM "Issue" x, bounds b
      WHERE x."projectId" = ${projectId} AND x."closedAt" >= b.day_start AND x."closedAt" < b.day_end
    ),
    versions AS (
      SELECT v."requirementId", v.version, v.status, v."createdAt"
      FROM "RequirementVersion" v, bounds b
      WHERE v."projectId" = ${projectId} AND v."createdAt" < b.day_end
    ),
    versions_on_day AS (
      SELECT count(*)::int AS written FROM versions v, bounds b WHERE v."createdAt" >= b.day_start
    ),
    requirement_then AS (
      SELECT DISTINCT ON (v."requirementId") v."requirementId" AS id, v.status
      FROM versions v
      ORDER BY v."requirementId", v.version DESC
    ),
    requirement_counts AS (
      SELECT
        jsonb_build_object(
          'DRAFT',       count(*) FILTER (WHERE r.status = 'DRAFT'),
          'IN_REVIEW',   count(*) FILTER (WHERE r.status = 'IN_REVIEW'),
          'APPROVED',    count(*) FILTER (WHERE r.status = 'APPROVED'),
          'IMPLEMENTED', count(*) FILTER (WHERE r.status = 'IMPLEMENTED'),
          'VERIFIED',    count(*) FILTER (WHERE r.status = 'VERIFIED'),
          'DEPRECATED',  count(*) FILTER (WHERE r.status = 'DEPRECATED')
        ) AS by_status,
        count(*) FILTER (WHERE r.status IN ('APPROVED', 'IMPLEMENTED', 'VERIFIED')) AS approved,
        count(*) FILTER (
          WHERE r.status IN ('APPROVED', 'IMPLEMENTED', 'VERIFIED')
            AND EXISTS (
              SELECT 1
              FROM "TraceLink" l
              JOIN "Issue" i ON i.id = l."sourceIssueId"
              WHERE l."targetRequirementId" = r.id AND l.type = 'IMPLEMENTS' AND l."createdAt" < b.day_end
                AND i.status = 'DONE' AND i."closedAt" < b.day_end
            )
        ) AS implemented
      FROM bounds b
      LEFT JOIN requirement_then r ON true
      GROUP BY b.day_start
    ),
    suspect AS (
      SELECT count(*)::int AS n
      FROM "TraceLink" l, bounds b
      WHERE l."projectId" = ${projectId} AND l.suspect AND l."suspectSince" < b.day_end AND l."createdAt" < b.day_end
    )
    INSERT INTO "DailyStat" AS s ("projectId", day, "openBySeverity", "issuesByStatus", "issuesCreated", "issuesClosed",
      "requirementsByStatus", "versionsWritten", "suspectLinks", "coveragePct", "computedAt")
    SELECT ${projectId}, ${day}::date, ic.by_severity, ic.by_status, ic.created, cd.closed,
           rc.by_status, vd.written, su.n,
           CASE WHEN rc.approved = 0 THEN NULL
                ELSE (round(rc.implemented::numeric * 1000 / rc.approved) / 10)::float8 END,
           now()
    FROM issue_counts ic, closed_on_day cd, versions_on_day vd, requirement_counts rc, suspect su
    ON CONFLICT ("projectId", day) DO UPDATE SET
      "openBySeverity" = EXCLUDED."openBySeverity",
      "issuesByStatus" = EXCLUDED."issuesByStatus",
      "issuesCreated" = EXCLUDED."issuesCreated",
      "issuesClosed" = EXCLUDED."issuesClosed",
      "requirementsByStatus" = EXCLUDED."requirementsByStatus",
      "versionsWritten" = EXCLUDED."versionsWritten",
      "suspectLinks" = CASE WHEN ${isToday}::boolean THEN EXCLUDED."suspectLinks" ELSE s."suspectLinks" END,
      "coveragePct" = EXCLUDED."coveragePct",
      "computedAt" = EXCLUDED."computedAt"
    RETURNING s."projectId", s.day, s."openBySeverity", s."issuesByStatus", s."issuesCreated", s."issuesClosed",
              s."requirementsByStatus", s."versionsWritten", s."suspectLinks", s."coveragePct", s."computedAt"`,
  );
  const [row] = rows;
  if (!row) throw new Error(`The daily statistics upsert returned no row for ${day}`);
  return { ...row, day: toDayString(row.day) };
}

/** Recomputes every day from `from` to `to` (inclusive, at most 366 days, none in the future), oldest first. */
export async function aggregateProjectDays(opts: { projectId: string; from: string; to: string; now?: Date }) {
  const { projectId, from, to } = opts;
  if (from > to) throw new AppError("BAD_REQUEST", "`from` must not be after `to`", { from, to });
  if (daysBetween(from, to) >= MAX_STATS_RANGE_DAYS) {
    throw new AppError("BAD_REQUEST", `A range covers at most ${MAX_STATS_RANGE_DAYS} days`, { from, to });
  }
  if (to > utcToday(opts.now)) throw new AppError("BAD_REQUEST", "Days in the future have no statistics yet", { to });
  await projectExistsOrThrow(projectId);
  const rows: DailyStatRow[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    rows.push(await aggregateDailyStats({ projectId, day, now: opts.now }));
  }
  return rows;
}

/** Whether a project with this id exists (archived or not). */
export async function projectExists(projectId: string): Promise<boolean> {
  return (await db.project.count({ where: { id: projectId } })) > 0;
}

/** The projects the scheduled run covers: every one that is not archived. */
export async function listActiveProjectIds(): Promise<string[]> {
  const projects = await db.project.findMany({
    where: { archivedAt: null },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return projects.map((p) => p.id);
}

/** The two days the scheduled run recomputes: yesterday (so it ends with its final numbers) and today. */
export function scheduledDays(now: Date = new Date()): string[] {
  const today = utcToday(now);
  return [addDays(today, -1), today];
}

/**
 * The session-level advisory lock key of the scheduled run. Other keys in
 * use: 7_020_101 (the first registration, register-user.ts), 72707369
 * (`prisma migrate deploy`), and per-project keys from `hashtextextended`
 * (requirement moves).
 */
export const SCHEDULED_AGGREGATION_LOCK = 7_020_102;

export type ScheduledAggregationResult = { skipped: true } | { skipped: false; projects: number; days: string[] };

/**
 * Recomputes yesterday and today for every non-archived project. The cron
 * function does the same per project in separate steps; this is the plain
 * form for scripts, tests and the embedded mode.
 *
 * Every instance's dispatcher calls this every 30 minutes; one run at a time
 * does the work (SCHEDULED_AGGREGATION_LOCK), and a run that finds another
 * one under way is skipped (`{ skipped: true }`): that one covers the same
 * days.
 */
export async function runScheduledAggregation(opts: { now?: Date } = {}): Promise<ScheduledAggregationResult> {
  const run = await withSessionLockOrSkip(SCHEDULED_AGGREGATION_LOCK, () =>
    // Recorded for /admin/system only when it ran: a skipped run did nothing.
    timeJobRun(
      "aggregation",
      async () => {
        const now = opts.now ?? new Date();
        const projectIds = await listActiveProjectIds();
        const days = scheduledDays(now);
        for (const projectId of projectIds) {
          for (const day of days) await aggregateDailyStats({ projectId, day, now });
          publishSignal({ kind: "stats", projectId });
        }
        return { projects: projectIds.length, days };
      },
      (r) => `${r.projects} ${r.projects === 1 ? "project" : "projects"}, ${r.days.join(" and ")}`,
    ),
  );
  return run.ran ? { skipped: false, ...run.value } : { skipped: true };
}
