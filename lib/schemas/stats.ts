import { z } from "zod";

import { day, projectKey } from "./common";

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
