/**
 * On-demand recompute from the dashboard. It runs in the request in both
 * runtime modes: one day of one project is a single bounded statement
 * (well under two seconds on a 200,000-issue project), and the person who
 * asked sees the new numbers in the response instead of polling for them.
 */
import { utcToday } from "@/lib/schemas/stats";
import { aggregateDailyStats } from "./aggregate-daily-stats";
import { presentDailyStat, readDailyRows } from "./read-stats";

export async function refreshProjectStats(opts: { projectId: string; day?: string; now?: Date }) {
  const day = opts.day ?? utcToday(opts.now);
  await aggregateDailyStats({ projectId: opts.projectId, day, now: opts.now });
  const [row] = await readDailyRows({ projectId: opts.projectId, from: day, to: day });
  if (!row) throw new Error(`No stored statistics for ${day} right after computing them`);
  return { ...presentDailyStat(row), computedAt: row.computedAt };
}
