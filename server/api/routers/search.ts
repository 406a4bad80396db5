import { searchQueryInput } from "@/lib/schemas/search";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { resolveProjectAccessOrThrow } from "@/server/services/projects/resolve-project-access";
import { searchItems } from "@/server/services/search/search";

export const searchRouter = createTRPCRouter({
  /** Across the caller's projects, or one project (NOT_FOUND if the caller cannot see it). */
  query: protectedProcedure.input(searchQueryInput).query(async ({ ctx, input }) => {
    const projectId = input.projectKey
      ? (await resolveProjectAccessOrThrow({ user: ctx.user, projectKey: input.projectKey })).project.id
      : undefined;
    return searchItems({ user: ctx.user, projectId, input, signal: ctx.signal });
  }),
});
