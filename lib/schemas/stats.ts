import { z } from "zod";

import { dateTimeOut, day, projectKey } from "./common";
import { ISSUE_SEVERITIES, ISSUE_STATUSES } from "./issue";
import { REQUIREMENT_STATUSES } from "./requirement";

/** Longest range `stats.daily` returns and `aggregateProjectDays` recomputes in one call. */
export const MAX_STATS_RANGE_DAYS = 366;
export const DASHBOARD_WINDOWS = [30, 90] as const;
export type DashboardWindow = (typeof DASHBOARD_WINDOWS)[number];

const DAY_MS = 86_400_000;

/** A UTC calendar day, `YYYY-MM-DD`, that exists and lies in the supported range (the shared `day`). */
export const statsDay = day;

/** Days between two `YYYY-MM-DD` strings (to − from). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `day` shifted by `n` days, as `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Today in UTC, `YYYY-MM-DD`. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export const statsDashboardInput = z.object({
  projectKey,
  days: z.union([z.literal(30), z.literal(90)], { error: "days must be 30 or 90" }).default(30),
});
export type StatsDashboardInput = z.infer<typeof statsDashboardInput>;

export const statsDailyInput = z
  .object({ projectKey, from: statsDay, to: statsDay })
  .refine((v) => v.from <= v.to, { message: "`from` must not be after `to`", path: ["from"] })
  .refine((v) => daysBetween(v.from, v.to) < MAX_STATS_RANGE_DAYS, {
    message: `A range covers at most ${MAX_STATS_RANGE_DAYS} days`,
    path: ["to"],
  });
export type StatsDailyInput = z.infer<typeof statsDailyInput>;

export const statsRefreshInput = z.object({
  projectKey,
  /** The day to recompute (UTC); today when omitted. Future days are refused. */
  day: statsDay.optional(),
});
export type StatsRefreshInput = z.infer<typeof statsRefreshInput>;

/* ------------------------------------------------------------------ outputs */

/** A count for every one of `keys` (an object with exactly those number properties). */
function countsOut<const K extends readonly string[]>(keys: K) {
  const shape = Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K[number], z.ZodNumber>;
  return z.object(shape);
}

/** Open issues (not DONE or WONT_FIX) by severity. */
export const openBySeverityOut = countsOut(ISSUE_SEVERITIES);
/** Issues by status. */
export const issuesByStatusOut = countsOut(ISSUE_STATUSES);
/** Requirements by status. */
export const requirementsByStatusOut = countsOut(REQUIREMENT_STATUSES);

/** One project's numbers for one UTC day, as stored at the end of (or during) that day. */
export const dailyStatOut = z
  .object({
    /** The UTC day, `YYYY-MM-DD`. */
    day: z.string(),
    openBySeverity: openBySeverityOut,
    issuesByStatus: issuesByStatusOut,
    /** Issues created that day. */
    issuesCreated: z.number(),
    /** Issues closed (DONE or WONT_FIX) that day. */
    issuesClosed: z.number(),
    requirementsByStatus: requirementsByStatusOut,
    /** Requirement versions written that day. */
    versionsWritten: z.number(),
    suspectLinks: z.number(),
    /** Approved-or-later requirements with a done implementing issue, in %; null when there are none. */
    coveragePct: z.number().nullable(),
  })
  .meta({ id: "DailyProjectStats", description: "One project's numbers for one UTC day" });

/** A stored day with when it was computed (`stats.daily`, `stats.refresh`). */
export const storedDailyStatOut = dailyStatOut.extend({ computedAt: dateTimeOut }).meta({
  id: "StoredDailyProjectStats",
  description: "One project's numbers for one UTC day, with when they were computed",
});

/** The stored days between two UTC days (inclusive), oldest first; days never computed are absent. */
export const statsDailyOut = z.object({ from: z.string(), to: z.string(), items: z.array(storedDailyStatOut) });

/** The dashboard for the last 30 or 90 UTC days: the latest numbers, the window's totals and one entry per day. */
export const statsDashboardOut = z
  .object({
    days: z.literal(DASHBOARD_WINDOWS),
    /** The first day of the window, `YYYY-MM-DD`. */
    from: z.string(),
    /** Today (UTC), `YYYY-MM-DD`. */
    to: z.string(),
    /** When the latest stored day was computed; null when nothing was aggregated in the window yet. */
    computedAt: dateTimeOut.nullable(),
    /** The latest stored day's state; null when nothing was aggregated in the window yet. */
    current: z
      .object({
        day: z.string(),
        openIssues: z.number(),
        openBySeverity: openBySeverityOut,
        issuesByStatus: issuesByStatusOut,
        requirementsByStatus: requirementsByStatusOut,
        coveragePct: z.number().nullable(),
        suspectLinks: z.number(),
      })
      .nullable(),
    /** Sums over the stored days of the window. */
    totals: z.object({ issuesCreated: z.number(), issuesClosed: z.number(), versionsWritten: z.number() }),
    /** Every day of the window, oldest first; `stat` is null for a day never computed (a gap, not a zero). */
    series: z.array(z.object({ day: z.string(), stat: dailyStatOut.nullable() })),
  })
  .meta({ id: "StatsDashboard", description: "A project's dashboard numbers for the last 30 or 90 days" });
