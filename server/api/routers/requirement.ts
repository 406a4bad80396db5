import {
  requirementByKeyInput,
  requirementCreateInput,
  requirementDiffInput,
  requirementHistoryInput,
  requirementListInput,
  requirementMoveInput,
  requirementRestoreInput,
  requirementTransitionInput,
  requirementTreeInput,
  requirementUpdateInput,
} from "@/lib/schemas/requirement";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
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

export const requirementRouter = createTRPCRouter({
  list: projectProcedure("requirement:read")
    .input(requirementListInput)
    .query(({ ctx, input }) => listRequirements({ scope: ctx.scope, input })),
  tree: projectProcedure("requirement:read")
    .input(requirementTreeInput)
    .query(({ ctx }) => requirementTree({ scope: ctx.scope })),
  byKey: projectProcedure("requirement:read")
    .input(requirementByKeyInput)
    .query(({ ctx, input }) => getRequirementOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("requirement:propose")
    .meta({ idempotent: true })
    .input(requirementCreateInput)
    .mutation(({ ctx, input }) => createRequirement({ scope: ctx.scope, input })),
  update: projectProcedure("requirement:edit")
    .input(requirementUpdateInput)
    .mutation(({ ctx, input }) => updateRequirement({ scope: ctx.scope, input })),
  /** Reporters may send their own drafts to review; the service enforces the rest. */
  transition: projectProcedure("requirement:propose")
    .input(requirementTransitionInput)
    .mutation(({ ctx, input }) => transitionRequirement({ scope: ctx.scope, input })),
  move: projectProcedure("requirement:edit")
    .input(requirementMoveInput)
    .mutation(({ ctx, input }) => moveRequirement({ scope: ctx.scope, input })),
  history: projectProcedure("requirement:read")
    .input(requirementHistoryInput)
    .query(({ ctx, input }) => requirementHistory({ scope: ctx.scope, input })),
  diff: projectProcedure("requirement:read")
    .input(requirementDiffInput)
    .query(({ ctx, input }) => diffRequirementVersions({ scope: ctx.scope, input })),
  restore: projectProcedure("requirement:edit")
    .input(requirementRestoreInput)
    .mutation(({ ctx, input }) => restoreRequirement({ scope: ctx.scope, input })),
});
