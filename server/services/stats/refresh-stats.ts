/**
 * On-demand recompute from the dashboard. It runs in the request in both
 * runtime modes: one day of one project is a single bounded statement
 * (well under two seconds on a 200,000-issue project), and the person who
 * asked sees the new numbers in the response instead of polling for them.
 */
import { utcToday } from "@/lib/schemas/stats";
import { db } from "@/server/db";

import { aggregateDailyStats } from "./aggregate-daily-stats";
import { presentDailyStat } from "./read-stats";

export async function refreshProjectStats(opts: { projectId: string; day?: string; now?: Date }) {
  const day = opts.day ?? utcToday(opts.now);
  await aggregateDailyStats({ projectId: opts.projectId, day, now: opts.now });
  const row = await db.dailyStat.findUniqueOrThrow({ where: { projectId_day: { projectId: opts.projectId, day: new Date(`${day}T00:00:00Z`) } } });
  return { ...presentDailyStat(row), computedAt: row.computedAt };
}
