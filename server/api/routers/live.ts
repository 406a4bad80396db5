import { liveEventsInput } from "@/lib/schemas/live";
import { createTRPCRouter, protectedProcedure, toTRPCError } from "@/server/api/trpc";
import { liveStream } from "@/server/live/stream";

/** Live updates: one server-sent event stream per browser tab (see server/live/stream.ts). */
export const liveRouter = createTRPCRouter({
  events: protectedProcedure.input(liveEventsInput).subscription(async function* ({ ctx, input, signal }) {
    try {
      yield* liveStream({
        userId: ctx.user.id,
        projectKey: input.projectKey ?? null,
        lastEventId: input.lastEventId,
        requestId: ctx.requestId,
        signal,
      });
    } catch (err) {
      // The error mapping middleware has returned by the time a stream fails: map it here, the same way.
      throw toTRPCError(err);
    }
  }),
});
