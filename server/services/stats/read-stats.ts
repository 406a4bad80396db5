/**
 * Dashboard reads. Everything comes from the stored `DailyStat` rows (one
 * primary-key range scan of at most 366 rows), never from the issues
 * themselves, so a view costs the same on a project with 200,000 issues as
 * on one with ten. Aggregate counts only: no issue or requirement is named,
 * which is why reporters may see them too.
 */
import { type DailyStat, Prisma } from "@prisma/client";
import type { z } from "zod";

import { ISSUE_SEVERITIES, ISSUE_STATUSES } from "@/lib/schemas/issue";
import { REQUIREMENT_STATUSES } from "@/lib/schemas/requirement";
import { addDays, type DashboardWindow, type dailyStatOut, utcToday } from "@/lib/schemas/stats";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, queryRows } from "@/server/db";

import { aggregateDailyStats } from "./aggregate-daily-stats";

/** Every key of `keys`, with 0 for any the stored JSON lacks. */
function counts<K extends string>(keys: readonly K[], value: unknown): Record<K, number> {
  const obj = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return Object.fromEntries(keys.map((k) => [k, typeof obj[k] === "number" ? obj[k] : 0])) as Record<K, number>;
}

/** A stored row, with its day as `YYYY-MM-DD`. */
type StoredDailyStat = Omit<DailyStat, "day" | "projectId"> & { day: string };

/**
 * Stored rows from `from` to `to` (inclusive), oldest first; days never
 * computed are absent. Every dashboard view runs this: a prepared statement,
 * rows straight from the driver.
 */
export function readDailyRows(opts: { projectId: string; from: string; to: string }) {
  return queryRows<StoredDailyStat>(Prisma.sql`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, "openBySeverity", "issuesByStatus", "issuesCreated", "issuesClosed",
           "requirementsByStatus", "versionsWritten", "suspectLinks", "coveragePct", "computedAt"
    FROM "DailyStat"
    WHERE "projectId" = ${opts.projectId} AND day BETWEEN ${opts.from}::date AND ${opts.to}::date
    ORDER BY day`);
}

/** One stored day as the API answers it. */
export type PresentedDailyStat = z.infer<typeof dailyStatOut>;

export function presentDailyStat(row: StoredDailyStat): PresentedDailyStat {
  return {
    day: row.day,
    openBySeverity: counts(ISSUE_SEVERITIES, row.openBySeverity),
    issuesByStatus: counts(ISSUE_STATUSES, row.issuesByStatus),
    issuesCreated: row.issuesCreated,
    issuesClosed: row.issuesClosed,
    requirementsByStatus: counts(REQUIREMENT_STATUSES, row.requirementsByStatus),
    versionsWritten: row.versionsWritten,
    suspectLinks: row.suspectLinks,
    coveragePct: row.coveragePct,
  };
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** Stored rows from `from` to `to` (inclusive), oldest first; days never computed are absent. */
export async function listDailyStats({ scope, input }: { scope: ProjectScope; input: { from: string; to: string } }) {
  const rows = await readDailyRows({ projectId: scope.projectId, from: input.from, to: input.to });
  return {
    from: input.from,
    to: input.to,
    items: rows.map((r) => ({ ...presentDailyStat(r), computedAt: r.computedAt })),
  };
}

/**
 * The dashboard for the last `days` UTC days ending today: the latest stored
 * state (open issues by severity and status, requirements by status,
 * coverage, suspect links) and one entry per day for the charts. A day
 * without a stored row has `stat: null`, so charts show a gap instead of a
 * made-up zero.
 */
async function isActive(projectId: string): Promise<boolean> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { archivedAt: true } });
  return project !== null && project.archivedAt === null;
}

export async function getDashboard({
  scope,
  input,
  now,
}: {
  scope: ProjectScope;
  input: { days: DashboardWindow };
  now?: Date;
}) {
  const to = utcToday(now);
  const from = addDays(to, -(input.days - 1));
  let rows = await readDailyRows({ projectId: scope.projectId, from, to });
  if (rows.length === 0 && (await isActive(scope.projectId))) {
    // Nothing aggregated in the window yet (a new project, or one idle for longer): today's numbers now, once —
    // one bounded statement, the same the scheduled run and "Recompute today" use — instead of an empty page
    // until the next scheduled run. Archived projects are frozen: no new rows, as the scheduled run skips them.
    await aggregateDailyStats({ projectId: scope.projectId, day: to, now });
    rows = await readDailyRows({ projectId: scope.projectId, from, to });
  }
  // One timestamp for the whole view (the latest row's), not one per day: less to serialise.
  const items = rows.map(presentDailyStat);
  const byDay = new Map(items.map((r) => [r.day, r]));
  const series = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    series.push({ day, stat: byDay.get(day) ?? null });
  }
  const latest = items.at(-1) ?? null;
  return {
    days: input.days,
    from,
    to,
    /** When the latest row was computed; null when nothing was aggregated in the window yet. */
    computedAt: rows.at(-1)?.computedAt ?? null,
    current: latest
      ? {
          day: latest.day,
          openIssues: sum(latest.openBySeverity),
          openBySeverity: latest.openBySeverity,
          issuesByStatus: latest.issuesByStatus,
          requirementsByStatus: latest.requirementsByStatus,
          coveragePct: latest.coveragePct,
          suspectLinks: latest.suspectLinks,
        }
      : null,
    totals: {
      issuesCreated: items.reduce((a, r) => a + r.issuesCreated, 0),
      issuesClosed: items.reduce((a, r) => a + r.issuesClosed, 0),
      versionsWritten: items.reduce((a, r) => a + r.versionsWritten, 0),
    },
    series,
  };
}
