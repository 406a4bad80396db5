/**
 * Keeps the dashboard's `DailyStat` rows current: every 30 minutes it
 * recomputes yesterday and today for each non-archived project, and on
 * `specline/stats.aggregate.requested` it recomputes one project (or all)
 * for one day (or yesterday and today). The plan — which projects, which
 * days, the clock — is the first step, so a retry after midnight still
 * recomputes the days the run started with. One step per project: a
 * failure retries that project only, and the upsert makes a repeated step
 * harmless. The cron run is also the periodic housekeeping: its last step
 * is the retention run (server/services/retention.ts).
 */
import { cron, NonRetriableError } from "inngest";
import { z } from "zod";

import { id } from "@/lib/schemas/common";
import { statsDay, utcToday } from "@/lib/schemas/stats";
import { AppError } from "@/server/errors";
import { inngest } from "@/server/jobs/client";
import { statsAggregateRequested } from "@/server/jobs/events";
import { timeJobRun } from "@/server/services/job-runs";
import { runRetention } from "@/server/services/retention";
import {
  aggregateDailyStats,
  listActiveProjectIds,
  projectExists,
  scheduledDays,
} from "@/server/services/stats/aggregate-daily-stats";

export const STATS_CRON = "*/30 * * * *";

const requestData = z.object({ projectId: id.optional(), day: statsDay.optional() });

export const aggregateDailyStatsFunction = inngest.createFunction(
  {
    id: "aggregate-daily-stats",
    name: "Aggregate daily project statistics",
    triggers: [cron(STATS_CRON), statsAggregateRequested],
    retries: 3,
  },
  async ({ event, step }) => {
    const plan = await step.run("plan-projects-and-days", async () => {
      const now = new Date();
      if (event.name !== statsAggregateRequested.name) {
        return { projectIds: await listActiveProjectIds(), days: scheduledDays(now), now: now.toISOString() };
      }
      const parsed = requestData.safeParse(event.data ?? {});
      if (!parsed.success) {
        throw new NonRetriableError(
          `Invalid ${statsAggregateRequested.name} data: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
      }
      const { projectId, day } = parsed.data;
      if (day && day > utcToday(now)) throw new NonRetriableError(`Day ${day} is in the future`);
      if (projectId && !(await projectExists(projectId)))
        throw new NonRetriableError(`Project ${projectId} does not exist`);
      return {
        projectIds: projectId ? [projectId] : await listActiveProjectIds(),
        days: day ? [day] : scheduledDays(now),
        now: now.toISOString(),
      };
    });

    let aggregated = 0;
    for (const projectId of plan.projectIds) {
      const outcome = await step.run(`aggregate-project-${projectId}`, async () => {
        try {
          for (const day of plan.days) await aggregateDailyStats({ projectId, day, now: new Date(plan.now) });
          return "aggregated" as const;
        } catch (err) {
          // Deleted since the plan was made: nothing left to count.
          if (err instanceof AppError && err.code === "NOT_FOUND") return "gone" as const;
          throw err;
        }
      });
      if (outcome === "aggregated") aggregated += 1;
    }
    if (event.name !== statsAggregateRequested.name) {
      // The same retention run as the in-process dispatcher's, recorded on /admin/system alike.
      await step.run("retention", () =>
        timeJobRun(
          "retention",
          () => runRetention(),
          (r) => r.join(", "),
        ),
      );
    }
    return { projects: aggregated, days: plan.days };
  },
);
