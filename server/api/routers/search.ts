import { searchQueryInput } from "@/lib/schemas/search";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { notFound } from "@/server/errors";
import { resolveCallerInProject } from "@/server/services/projects/resolve-project-access";
import { searchItems } from "@/server/services/search/search";

export const searchRouter = createTRPCRouter({
  /** Across the caller's projects, or one project (NOT_FOUND if the caller cannot see it). */
  query: protectedProcedure.input(searchQueryInput).query(async ({ ctx, input }) => {
    let projectId: string | undefined;
    if (input.projectKey) {
      const access = await resolveCallerInProject({ userId: ctx.user.id, projectKey: input.projectKey });
      if (!access?.project || !access.role) throw notFound("Project");
      projectId = access.project.id;
    }
    return searchItems({ user: ctx.user, projectId, input });
  }),
});
