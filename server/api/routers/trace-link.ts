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
import { clearSuspect, createTraceLink, deleteTraceLink, listLinksFor } from "@/server/services/trace-links/trace-links";


export const traceLinkRouter = createTRPCRouter({
  create: projectProcedure("traceLink:manage")
    .input(traceLinkCreateInput)
    .mutation(({ ctx, input }) => createTraceLink({ ...ctx.scope, input })),
  delete: projectProcedure("traceLink:manage")
    .input(traceLinkDeleteInput)
    .mutation(({ ctx, input }) => deleteTraceLink({ ...ctx.scope, linkId: input.linkId })),
  clearSuspect: projectProcedure("traceLink:manage")
    .input(traceLinkClearSuspectInput)
    .mutation(({ ctx, input }) => clearSuspect({ ...ctx.scope, linkId: input.linkId, reason: input.reason })),
  listFor: projectProcedure("requirement:read")
    .input(traceLinkListForInput)
    .query(({ ctx, input }) => listLinksFor({ ...ctx.scope, key: input.key })),
  matrix: projectProcedure("requirement:read")
    .input(traceLinkMatrixInput)
    .query(({ ctx, input }) => traceMatrix({ ...ctx.scope, input })),
  coverage: projectProcedure("requirement:read")
    .input(traceLinkCoverageInput)
    .query(({ ctx }) => coverage(ctx.scope)),
  impact: projectProcedure("requirement:read")
    .input(traceLinkImpactInput)
    .query(({ ctx, input }) => impact({ ...ctx.scope, key: input.key })),
});
