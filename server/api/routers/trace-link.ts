import {
  traceLinkClearSuspectInput,
  traceLinkCoverageInput,
  traceLinkCreateInput,
  traceLinkDeleteInput,
  traceLinkImpactInput,
  traceLinkListForInput,
  traceLinkMatrixInput,
} from "@/lib/schemas/trace-link";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import { coverage, impact, traceMatrix } from "@/server/services/trace-links/analysis";
import {
  clearSuspect,
  createTraceLink,
  deleteTraceLink,
  listLinksFor,
} from "@/server/services/trace-links/trace-links";

export const traceLinkRouter = createTRPCRouter({
  create: projectProcedure("traceLink:manage")
    .meta({ idempotent: true })
    .input(traceLinkCreateInput)
    .mutation(({ ctx, input }) => createTraceLink({ scope: ctx.scope, input })),
  delete: projectProcedure("traceLink:manage")
    .input(traceLinkDeleteInput)
    .mutation(({ ctx, input }) => deleteTraceLink({ scope: ctx.scope, input })),
  clearSuspect: projectProcedure("traceLink:manage")
    .input(traceLinkClearSuspectInput)
    .mutation(({ ctx, input }) => clearSuspect({ scope: ctx.scope, input })),
  listFor: projectProcedure("requirement:read")
    .input(traceLinkListForInput)
    .query(({ ctx, input }) => listLinksFor({ scope: ctx.scope, input })),
  matrix: projectProcedure("requirement:read")
    .meta({ limit: "expensive" })
    .input(traceLinkMatrixInput)
    .query(({ ctx, input }) => traceMatrix({ scope: ctx.scope, input, signal: ctx.signal })),
  coverage: projectProcedure("requirement:read")
    .input(traceLinkCoverageInput)
    .query(({ ctx }) => coverage({ scope: ctx.scope, signal: ctx.signal })),
  impact: projectProcedure("requirement:read")
    .meta({ limit: "expensive" })
    .input(traceLinkImpactInput)
    .query(({ ctx, input }) => impact({ scope: ctx.scope, input, signal: ctx.signal })),
});
