import { commentDeletedOut, commentOut, commentPageOut } from "@/lib/schemas/comment";
import {
  requirementByKeyInput,
  requirementCommentInputs,
  requirementCreateInput,
  requirementDetailOut,
  requirementDiffInput,
  requirementDiffOut,
  requirementHistoryInput,
  requirementHistoryPageOut,
  requirementListInput,
  requirementMoveInput,
  requirementOut,
  requirementPageOut,
  requirementRestoreInput,
  requirementTransitionInput,
  requirementTreeInput,
  requirementTreeOut,
  requirementUpdateInput,
} from "@/lib/schemas/requirement";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import { addComment, deleteComment, editComment, listComments } from "@/server/services/comments/comments";
import {
  moveRequirement,
  restoreRequirement,
  transitionRequirement,
  updateRequirement,
} from "@/server/services/requirements/change-requirement";
import { createRequirement } from "@/server/services/requirements/create-requirement";
import {
  diffRequirementVersions,
  getRequirementOrThrow,
  listRequirements,
  requirementHistory,
  requirementTree,
} from "@/server/services/requirements/read-requirements";

/**
 * The same thread as an issue's (server/services/comments/comments.ts): readers of requirements see it, and
 * `comment:create` writes to it — the service refuses a caller who may not read requirements as NOT_FOUND.
 */
const commentsRouter = createTRPCRouter({
  list: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}/comments", "List the comments of a requirement", "Comments"))
    .input(requirementCommentInputs.list)
    .output(commentPageOut)
    .query(({ ctx, input }) => listComments({ scope: ctx.scope, on: "requirement", input })),
  add: projectProcedure("comment:create")
    .meta(rest("POST", "/requirements/{key}/comments", "Comment on a requirement", "Comments"))
    .meta({ idempotent: true })
    .input(requirementCommentInputs.add)
    .output(commentOut)
    .mutation(({ ctx, input }) => addComment({ scope: ctx.scope, on: "requirement", input })),
  edit: projectProcedure("comment:create")
    .meta(rest("PATCH", "/requirements/{key}/comments/{commentId}", "Edit your comment", "Comments"))
    .input(requirementCommentInputs.edit)
    .output(commentOut)
    .mutation(({ ctx, input }) => editComment({ scope: ctx.scope, on: "requirement", input })),
  delete: projectProcedure("comment:create")
    .meta(rest("DELETE", "/requirements/{key}/comments/{commentId}", "Delete your comment", "Comments"))
    .input(requirementCommentInputs.delete)
    .output(commentDeletedOut)
    .mutation(({ ctx, input }) => deleteComment({ scope: ctx.scope, on: "requirement", input })),
});

export const requirementRouter = createTRPCRouter({
  list: projectProcedure("requirement:read")
    .meta(rest("GET", "/projects/{projectKey}/requirements", "List requirements", "Requirements"))
    .input(requirementListInput)
    .output(requirementPageOut)
    .query(({ ctx, input }) => listRequirements({ scope: ctx.scope, input })),
  tree: projectProcedure("requirement:read")
    .meta(rest("GET", "/projects/{projectKey}/requirements/tree", "Get the requirement tree", "Requirements"))
    .input(requirementTreeInput)
    .output(requirementTreeOut)
    .query(({ ctx }) => requirementTree({ scope: ctx.scope })),
  byKey: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}", "Get a requirement", "Requirements"))
    .input(requirementByKeyInput)
    .output(requirementDetailOut)
    .query(({ ctx, input }) => getRequirementOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("requirement:propose")
    .meta(rest("POST", "/projects/{projectKey}/requirements", "Create a requirement", "Requirements"))
    .meta({ idempotent: true })
    .input(requirementCreateInput)
    .output(requirementOut)
    .mutation(({ ctx, input }) => createRequirement({ scope: ctx.scope, input })),
  update: projectProcedure("requirement:edit")
    .meta(rest("PATCH", "/requirements/{key}", "Change a requirement (a new version)", "Requirements"))
    .input(requirementUpdateInput)
    .output(requirementOut)
    .mutation(({ ctx, input }) => updateRequirement({ scope: ctx.scope, input })),
  /** Reporters may send their own drafts to review; the service enforces the rest. */
  transition: projectProcedure("requirement:propose")
    .meta(rest("POST", "/requirements/{key}/transition", "Move a requirement through the workflow", "Requirements"))
    .input(requirementTransitionInput)
    .output(requirementOut)
    .mutation(({ ctx, input }) => transitionRequirement({ scope: ctx.scope, input })),
  move: projectProcedure("requirement:edit")
    .meta(rest("POST", "/requirements/{key}/move", "Move a requirement in the tree", "Requirements"))
    .input(requirementMoveInput)
    .output(requirementOut)
    .mutation(({ ctx, input }) => moveRequirement({ scope: ctx.scope, input })),
  history: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}/versions", "List the versions of a requirement", "Versions"))
    .input(requirementHistoryInput)
    .output(requirementHistoryPageOut)
    .query(({ ctx, input }) => requirementHistory({ scope: ctx.scope, input })),
  diff: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}/diff", "Compare two versions of a requirement", "Versions"))
    .input(requirementDiffInput)
    .output(requirementDiffOut)
    .query(({ ctx, input }) => diffRequirementVersions({ scope: ctx.scope, input })),
  restore: projectProcedure("requirement:edit")
    .meta(rest("POST", "/requirements/{key}/restore", "Restore an earlier version (as a new version)", "Versions"))
    .input(requirementRestoreInput)
    .output(requirementOut)
    .mutation(({ ctx, input }) => restoreRequirement({ scope: ctx.scope, input })),
  comments: commentsRouter,
});
