import {
  traceCoverageOut,
  traceImpactOut,
  traceLinkClearSuspectInput,
  traceLinkCoverageInput,
  traceLinkCreateInput,
  traceLinkDeletedOut,
  traceLinkDeleteInput,
  traceLinkImpactInput,
  traceLinkListForInput,
  traceLinkMatrixInput,
  traceLinkOut,
  traceLinksForOut,
  traceMatrixOut,
} from "@/lib/schemas/trace-link";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import { coverage, impact, traceMatrix } from "@/server/services/trace-links/analysis";
import {
  clearSuspect,
  createTraceLink,
  deleteTraceLink,
  listLinksFor,
} from "@/server/services/trace-links/trace-links";

export const traceLinkRouter = createTRPCRouter({
  create: projectProcedure("traceLink:manage")
    .meta(
      rest(
        "POST",
        "/projects/{projectKey}/trace-links",
        "Link an issue or requirement to a requirement",
        "Trace links",
      ),
    )
    .meta({ idempotent: true })
    .input(traceLinkCreateInput)
    .output(traceLinkOut)
    .mutation(({ ctx, input }) => createTraceLink({ scope: ctx.scope, input })),
  delete: projectProcedure("traceLink:manage")
    .meta(rest("DELETE", "/projects/{projectKey}/trace-links/{linkId}", "Remove a trace link", "Trace links"))
    .input(traceLinkDeleteInput)
    .output(traceLinkDeletedOut)
    .mutation(({ ctx, input }) => deleteTraceLink({ scope: ctx.scope, input })),
  clearSuspect: projectProcedure("traceLink:manage")
    .meta(
      rest("POST", "/projects/{projectKey}/trace-links/{linkId}/clear-suspect", "Clear a suspect flag", "Trace links"),
    )
    .input(traceLinkClearSuspectInput)
    .output(traceLinkOut)
    .mutation(({ ctx, input }) => clearSuspect({ scope: ctx.scope, input })),
  listFor: projectProcedure("requirement:read")
    .meta(rest("GET", "/trace-links/{key}", "List the trace links of a requirement or issue", "Trace links"))
    .input(traceLinkListForInput)
    .output(traceLinksForOut)
    .query(({ ctx, input }) => listLinksFor({ scope: ctx.scope, input })),
  matrix: projectProcedure("requirement:read")
    .meta(rest("GET", "/projects/{projectKey}/trace-matrix", "Get the traceability matrix", "Trace links"))
    .meta({ limit: "expensive" })
    .input(traceLinkMatrixInput)
    .output(traceMatrixOut)
    .query(({ ctx, input }) => traceMatrix({ scope: ctx.scope, input, signal: ctx.signal })),
  coverage: projectProcedure("requirement:read")
    .meta(rest("GET", "/projects/{projectKey}/coverage", "Get requirement coverage", "Trace links"))
    .input(traceLinkCoverageInput)
    .output(traceCoverageOut)
    .query(({ ctx }) => coverage({ scope: ctx.scope, signal: ctx.signal })),
  impact: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}/impact", "Get what a change to a requirement affects", "Trace links"))
    .meta({ limit: "expensive" })
    .input(traceLinkImpactInput)
    .output(traceImpactOut)
    .query(({ ctx, input }) => impact({ scope: ctx.scope, input, signal: ctx.signal })),
});
