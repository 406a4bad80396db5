import {
  baselineByIdInput,
  baselineCompareInput,
  baselineComparisonOut,
  baselineCreateInput,
  baselineDetailOut,
  baselineExportInput,
  baselineExportOut,
  baselineListInput,
  baselineOut,
  baselinePageOut,
} from "@/lib/schemas/baseline";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import {
  compareBaselines,
  createBaseline,
  getBaselineOrThrow,
  listBaselines,
} from "@/server/services/baselines/baselines";
import { exportBaseline } from "@/server/services/baselines/export-baseline";

export const baselineRouter = createTRPCRouter({
  list: projectProcedure("baseline:read")
    .meta(rest("GET", "/projects/{projectKey}/baselines", "List baselines", "Baselines"))
    .input(baselineListInput)
    .output(baselinePageOut)
    .query(({ ctx, input }) => listBaselines({ scope: ctx.scope, input })),
  byId: projectProcedure("baseline:read")
    .meta(rest("GET", "/projects/{projectKey}/baselines/{id}", "Get a baseline and its requirements", "Baselines"))
    .input(baselineByIdInput)
    .output(baselineDetailOut)
    .query(({ ctx, input }) => getBaselineOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("baseline:create")
    .meta(
      rest("POST", "/projects/{projectKey}/baselines", "Create a baseline of the current requirements", "Baselines"),
    )
    .meta({ idempotent: true })
    .input(baselineCreateInput)
    .output(baselineOut)
    .mutation(({ ctx, input }) => createBaseline({ scope: ctx.scope, input })),
  compare: projectProcedure("baseline:read")
    .meta(
      rest(
        "GET",
        "/projects/{projectKey}/baselines/compare",
        "Compare two baselines, or a baseline with now",
        "Baselines",
      ),
    )
    .input(baselineCompareInput)
    .output(baselineComparisonOut)
    .query(({ ctx, input }) => compareBaselines({ scope: ctx.scope, input, signal: ctx.signal })),
  export: projectProcedure("baseline:read")
    .meta(rest("GET", "/projects/{projectKey}/baselines/{id}/export", "Export a baseline", "Baselines"))
    .meta({ limit: "expensive" })
    .input(baselineExportInput)
    .output(baselineExportOut)
    .query(({ ctx, input }) => exportBaseline({ scope: ctx.scope, input, signal: ctx.signal })),
});
