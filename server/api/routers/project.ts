import { okOut } from "@/lib/schemas/common";
import {
  invitationsListInput,
  invitationsRevokeInput,
  memberOut,
  memberPageOut,
  memberRemovedOut,
  membersAddInput,
  membersListInput,
  membersRemoveInput,
  membersSetRoleInput,
  projectArchiveInput,
  projectByKeyInput,
  projectCreateInput,
  projectDiffInput,
  projectDiffOut,
  projectHistoryInput,
  projectHistoryPageOut,
  projectInvitationListOut,
  projectInvitationOut,
  projectListInput,
  projectOut,
  projectPageOut,
  projectRestoreInput,
  projectSummaryOut,
  projectUpdateInput,
} from "@/lib/schemas/project";
import { createTRPCRouter, projectProcedure, protectedProcedure, rest } from "@/server/api/trpc";
import { archiveProject } from "@/server/services/projects/archive-project";
import { createProject } from "@/server/services/projects/create-project";
import { getProjectOrThrow } from "@/server/services/projects/get-project";
import { inviteMember, listInvitations, revokeInvitation } from "@/server/services/projects/invitations";
import { listProjects } from "@/server/services/projects/list-projects";
import { listMembers, removeMember, setMemberRole } from "@/server/services/projects/members";
import {
  diffProjectSettings,
  projectHistory,
  restoreProjectVersion,
} from "@/server/services/projects/settings-history";
import { updateProject } from "@/server/services/projects/update-project";

const membersRouter = createTRPCRouter({
  list: projectProcedure("members:read")
    .input(membersListInput)
    .output(memberPageOut)
    .query(({ ctx, input }) => listMembers({ scope: ctx.scope, input })),
  /**
   * Invites an address with a role (renewing its open invitation): the same answer whether or not the
   * address has an account. Nobody joins until the invitee accepts (`invitation.accept`).
   */
  add: projectProcedure("members:manage")
    .input(membersAddInput)
    .output(projectInvitationOut)
    .mutation(({ ctx, input }) => inviteMember({ scope: ctx.scope, input })),
  setRole: projectProcedure("members:manage")
    .input(membersSetRoleInput)
    .output(memberOut)
    .mutation(({ ctx, input }) => setMemberRole({ scope: ctx.scope, input })),
  remove: projectProcedure("members:manage")
    .input(membersRemoveInput)
    .output(memberRemovedOut)
    .mutation(({ ctx, input }) => removeMember({ scope: ctx.scope, input })),
});

const invitationsRouter = createTRPCRouter({
  /** The project's invitations, open and answered, newest first. */
  list: projectProcedure("members:manage")
    .input(invitationsListInput)
    .output(projectInvitationListOut)
    .query(({ ctx }) => listInvitations({ scope: ctx.scope })),
  revoke: projectProcedure("members:manage")
    .input(invitationsRevokeInput)
    .output(okOut)
    .mutation(({ ctx, input }) => revokeInvitation({ scope: ctx.scope, input })),
});

export const projectRouter = createTRPCRouter({
  list: protectedProcedure
    .meta(rest("GET", "/projects", "List your projects", "Projects"))
    .input(projectListInput)
    .output(projectPageOut)
    .query(({ ctx, input }) => listProjects({ user: ctx.user, input })),
  byKey: projectProcedure("project:read")
    .meta(rest("GET", "/projects/{projectKey}", "Get a project", "Projects"))
    .input(projectByKeyInput)
    .output(projectSummaryOut)
    .query(({ ctx }) => getProjectOrThrow({ scope: ctx.scope })),
  create: protectedProcedure
    .meta(rest("POST", "/projects", "Create a project", "Projects"))
    .meta({ limit: "create", idempotent: true })
    .input(projectCreateInput)
    .output(projectSummaryOut)
    .mutation(({ ctx, input }) => createProject({ actor: ctx.actor, user: ctx.user, input })),
  update: projectProcedure("project:update")
    .meta(rest("PATCH", "/projects/{projectKey}", "Update a project", "Projects"))
    .input(projectUpdateInput)
    .output(projectOut)
    .mutation(({ ctx, input }) => updateProject({ scope: ctx.scope, input })),
  archive: projectProcedure("project:archive")
    .meta(rest("POST", "/projects/{projectKey}/archive", "Archive or restore a project", "Projects"))
    .input(projectArchiveInput)
    .output(projectOut)
    .mutation(({ ctx, input }) => archiveProject({ scope: ctx.scope, input })),
  /** Settings versions newest first; integrations appear for readers with `integrations:read`. */
  history: projectProcedure("project:read")
    .meta(rest("GET", "/projects/{projectKey}/versions", "List the settings versions of a project", "Projects"))
    .input(projectHistoryInput)
    .output(projectHistoryPageOut)
    .query(({ ctx, input }) => projectHistory({ scope: ctx.scope, input })),
  diff: projectProcedure("project:read")
    .meta(rest("GET", "/projects/{projectKey}/diff", "Compare two settings versions of a project", "Projects"))
    .input(projectDiffInput)
    .output(projectDiffOut)
    .query(({ ctx, input }) => diffProjectSettings({ scope: ctx.scope, input })),
  /** A new version equal to an earlier one; the Slack URL and webhook secrets stay as they are. */
  restore: projectProcedure("project:update")
    .meta(
      rest("POST", "/projects/{projectKey}/restore", "Restore earlier project settings (as a new version)", "Projects"),
    )
    .input(projectRestoreInput)
    .output(projectOut)
    .mutation(({ ctx, input }) => restoreProjectVersion({ scope: ctx.scope, input })),
  members: membersRouter,
  invitations: invitationsRouter,
});
