import {
  statsDailyInput,
  statsDailyOut,
  statsDashboardInput,
  statsDashboardOut,
  statsRefreshInput,
  storedDailyStatOut,
} from "@/lib/schemas/stats";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import { getDashboard, listDailyStats } from "@/server/services/stats/read-stats";
import { refreshProjectStats } from "@/server/services/stats/refresh-stats";

export const statsRouter = createTRPCRouter({
  /** Current numbers and per-day series for the last 30 or 90 days, from the stored daily rows. */
  dashboard: projectProcedure("stats:read")
    .input(statsDashboardInput)
    .output(statsDashboardOut)
    .query(({ ctx, input }) => getDashboard({ scope: ctx.scope, input })),
  /** Stored rows between two UTC days (inclusive, at most 366 days). */
  daily: projectProcedure("stats:read")
    .input(statsDailyInput)
    .output(statsDailyOut)
    .query(({ ctx, input }) => listDailyStats({ scope: ctx.scope, input })),
  /** Recomputes one day (today by default) now and returns its row. */
  refresh: projectProcedure("stats:refresh")
    .input(statsRefreshInput)
    .output(storedDailyStatOut)
    .mutation(({ ctx, input }) => refreshProjectStats({ scope: ctx.scope, input })),
});
