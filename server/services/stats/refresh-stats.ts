/**
 * On-demand recompute from the dashboard. It runs in the request in both
 * runtime modes: one day of one project is a single bounded statement
 * (well under two seconds on a 200,000-issue project), and the person who
 * asked sees the new numbers in the response instead of polling for them.
 */
import { utcToday } from "@/lib/schemas/stats";
import type { ProjectScope } from "@/server/auth/project-scope";
import { publishSignal } from "@/server/live/bus";

import { aggregateDailyStats } from "./aggregate-daily-stats";
import { presentDailyStat, readDailyRows } from "./read-stats";

export async function refreshProjectStats({
  scope,
  input,
  now,
}: {
  scope: ProjectScope;
  input: { day?: string };
  now?: Date;
}) {
  const day = input.day ?? utcToday(now);
  await aggregateDailyStats({ projectId: scope.projectId, day, now });
  // Everyone else with the dashboard open sees the new numbers too.
  publishSignal({ kind: "stats", projectId: scope.projectId });
  const [row] = await readDailyRows({ projectId: scope.projectId, from: day, to: day });
  if (!row) throw new Error(`No stored statistics for ${day} right after computing them`);
  return { ...presentDailyStat(row), computedAt: row.computedAt };
}
