import { searchPageOut, searchQueryInput } from "@/lib/schemas/search";
import { createTRPCRouter, projectOrInstanceProcedure, rest } from "@/server/api/trpc";
import { searchItems } from "@/server/services/search/search";

export const searchRouter = createTRPCRouter({
  /** Across the caller's projects, or one project (NOT_FOUND if the caller cannot see it). */
  query: projectOrInstanceProcedure("project:read")
    .meta(rest("GET", "/search", "Search requirements and issues", "Search"))
    .meta({ limit: "expensive" })
    .input(searchQueryInput)
    .output(searchPageOut)
    .query(({ ctx, input }) =>
      searchItems({ user: ctx.user, projectId: ctx.scope?.projectId, input, signal: ctx.signal }),
    ),
});
