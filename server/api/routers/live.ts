import { liveEventsInput } from "@/lib/schemas/live";
import { createTRPCRouter, protectedProcedure, toTRPCError } from "@/server/api/trpc";
import { openLiveStream } from "@/server/live/stream";

/**
 * Live updates: one server-sent event stream per browser tab (see
 * server/live/stream.ts; served by server/api/live-sse.ts). A stream's own
 * failures (access gone, the database away) end it with the API's typed
 * errors: the error mapping middleware has returned by then, so the stream
 * maps them the same way.
 */
export const liveRouter = createTRPCRouter({
  events: protectedProcedure.input(liveEventsInput).subscription(({ ctx, input, signal }) =>
    openLiveStream({
      userId: ctx.user.id,
      sessionId: ctx.sessionId,
      apiToken: ctx.apiToken,
      instanceAdmin: ctx.user.role === "ADMIN",
      projectKey: input.projectKey ?? null,
      lastEventId: input.lastEventId,
      requestId: ctx.requestId,
      signal,
      mapError: toTRPCError,
    }),
  ),
});
