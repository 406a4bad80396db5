import {
  importJobByIdInput,
  importJobListInput,
  importJobOut,
  importJobPageOut,
  importJobUndoInput,
  importUndoOut,
} from "@/lib/schemas/import";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import { getImportJob, listImportJobs, undoImportJob } from "@/server/services/imports/import-jobs";

/**
 * Imports are uploaded to `POST /api/projects/<KEY>/import` (a file does not fit a procedure call); these
 * report on them and take one back. Maintainers and admins, who may import, may see and undo imports.
 * Progress reaches a page through the live stream's `imports` signal.
 */
export const importJobRouter = createTRPCRouter({
  byId: projectProcedure("issue:triage")
    .meta(rest("GET", "/projects/{projectKey}/imports/{id}", "Get an import and its progress", "Imports"))
    .input(importJobByIdInput)
    .output(importJobOut)
    .query(({ ctx, input }) => getImportJob({ scope: ctx.scope, id: input.id })),
  list: projectProcedure("issue:triage")
    .meta(rest("GET", "/projects/{projectKey}/imports", "List a project's imports, newest first", "Imports"))
    .input(importJobListInput)
    .output(importJobPageOut)
    .query(({ ctx, input }) => listImportJobs({ scope: ctx.scope, input })),
  undo: projectProcedure("requirement:edit")
    .meta(rest("POST", "/projects/{projectKey}/imports/{id}/undo", "Undo an import as a whole", "Imports"))
    .input(importJobUndoInput)
    .output(importUndoOut)
    .mutation(({ ctx, input }) => undoImportJob({ scope: ctx.scope, id: input.id })),
});
