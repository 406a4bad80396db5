import {
  baselineByIdInput,
  baselineCompareInput,
  baselineCreateInput,
  baselineExportInput,
  baselineListInput,
} from "@/lib/schemas/baseline";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import {
  compareBaselines,
  createBaseline,
  getBaselineOrThrow,
  listBaselines,
} from "@/server/services/baselines/baselines";
import { exportBaseline } from "@/server/services/baselines/export-baseline";

export const baselineRouter = createTRPCRouter({
  list: projectProcedure("baseline:read")
    .input(baselineListInput)
    .query(({ ctx, input }) => listBaselines({ scope: ctx.scope, input })),
  byId: projectProcedure("baseline:read")
    .input(baselineByIdInput)
    .query(({ ctx, input }) => getBaselineOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("baseline:create")
    .meta({ idempotent: true })
    .input(baselineCreateInput)
    .mutation(({ ctx, input }) => createBaseline({ scope: ctx.scope, input })),
  compare: projectProcedure("baseline:read")
    .input(baselineCompareInput)
    .query(({ ctx, input }) => compareBaselines({ scope: ctx.scope, input, signal: ctx.signal })),
  export: projectProcedure("baseline:read")
    .meta({ limit: "expensive" })
    .input(baselineExportInput)
    .query(({ ctx, input }) => exportBaseline({ scope: ctx.scope, input, signal: ctx.signal })),
});
