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
    .query(({ ctx, input }) => listRequirements({ projectId: ctx.project.id, input })),
  tree: projectProcedure("requirement:read")
    .input(requirementTreeInput)
    .query(({ ctx }) => requirementTree({ projectId: ctx.project.id })),
  byKey: projectProcedure("requirement:read")
    .input(requirementByKeyInput)
    .query(({ ctx, input }) => getRequirementOrThrow({ projectId: ctx.project.id, key: input.key })),
  create: projectProcedure("requirement:propose")
    .input(requirementCreateInput)
    .mutation(({ ctx, input }) => createRequirement({ actor: ctx.actor, projectId: ctx.project.id, input })),
  update: projectProcedure("requirement:edit")
    .input(requirementUpdateInput)
    .mutation(({ ctx, input }) => updateRequirement({ actor: ctx.actor, projectId: ctx.project.id, input })),
  /** Reporters may send their own drafts to review; the service enforces the rest. */
  transition: projectProcedure("requirement:propose")
    .input(requirementTransitionInput)
    .mutation(({ ctx, input }) =>
      transitionRequirement({ actor: ctx.actor, projectId: ctx.project.id, role: ctx.projectRole, input }),
    ),
  move: projectProcedure("requirement:edit")
    .input(requirementMoveInput)
    .mutation(({ ctx, input }) => moveRequirement({ actor: ctx.actor, projectId: ctx.project.id, input })),
  history: projectProcedure("requirement:read")
    .input(requirementHistoryInput)
    .query(({ ctx, input }) => requirementHistory({ projectId: ctx.project.id, input })),
  diff: projectProcedure("requirement:read")
    .input(requirementDiffInput)
    .query(({ ctx, input }) => diffRequirementVersions({ projectId: ctx.project.id, input })),
  restore: projectProcedure("requirement:edit")
    .input(requirementRestoreInput)
    .mutation(({ ctx, input }) => restoreRequirement({ actor: ctx.actor, projectId: ctx.project.id, input })),
});
