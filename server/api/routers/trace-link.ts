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

function scope(ctx: { project: { id: string }; user: { id: string }; projectRole: "REPORTER" | "MAINTAINER" | "ADMIN"; actor: { userId: string | null; requestId: string } }) {
  return { projectId: ctx.project.id, userId: ctx.user.id, role: ctx.projectRole, actor: ctx.actor };
}

export const traceLinkRouter = createTRPCRouter({
  create: projectProcedure("traceLink:manage")
    .input(traceLinkCreateInput)
    .mutation(({ ctx, input }) => createTraceLink({ ...scope(ctx), input })),
  delete: projectProcedure("traceLink:manage")
    .input(traceLinkDeleteInput)
    .mutation(({ ctx, input }) => deleteTraceLink({ ...scope(ctx), linkId: input.linkId })),
  clearSuspect: projectProcedure("traceLink:manage")
    .input(traceLinkClearSuspectInput)
    .mutation(({ ctx, input }) => clearSuspect({ ...scope(ctx), linkId: input.linkId, reason: input.reason })),
  listFor: projectProcedure("requirement:read")
    .input(traceLinkListForInput)
    .query(({ ctx, input }) => listLinksFor({ ...scope(ctx), key: input.key })),
  matrix: projectProcedure("requirement:read")
    .input(traceLinkMatrixInput)
    .query(({ ctx, input }) => traceMatrix({ ...scope(ctx), input })),
  coverage: projectProcedure("requirement:read")
    .input(traceLinkCoverageInput)
    .query(({ ctx }) => coverage(scope(ctx))),
  impact: projectProcedure("requirement:read")
    .input(traceLinkImpactInput)
    .query(({ ctx, input }) => impact({ ...scope(ctx), key: input.key })),
});
