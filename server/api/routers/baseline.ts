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
    .query(({ ctx, input }) => listBaselines({ projectId: ctx.project.id, input })),
  byId: projectProcedure("baseline:read")
    .input(baselineByIdInput)
    .query(({ ctx, input }) => getBaselineOrThrow({ projectId: ctx.project.id, input })),
  create: projectProcedure("baseline:create")
    .input(baselineCreateInput)
    .mutation(({ ctx, input }) => createBaseline({ actor: ctx.actor, projectId: ctx.project.id, input })),
  compare: projectProcedure("baseline:read")
    .input(baselineCompareInput)
    .query(({ ctx, input }) => compareBaselines({ projectId: ctx.project.id, input })),
  export: projectProcedure("baseline:read")
    .input(baselineExportInput)
    .query(({ ctx, input }) => exportBaseline({ projectId: ctx.project.id, input })),
});
