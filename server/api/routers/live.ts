import { liveEventsInput } from "@/lib/schemas/live";
import { createTRPCRouter, protectedProcedure, toTRPCError } from "@/server/api/trpc";
import { openLiveStream } from "@/server/live/stream";

/** A stream's own failures (access gone, the database away) reach the client as the API's typed errors. */
async function* withMappedErrors<T>(stream: AsyncIterable<T>) {
  try {
    yield* stream;
  } catch (err) {
    // The error mapping middleware has returned by the time a stream fails: map it here, the same way.
    throw toTRPCError(err);
  }
}

/** Live updates: one server-sent event stream per browser tab (see server/live/stream.ts). */
export const liveRouter = createTRPCRouter({
  events: protectedProcedure.input(liveEventsInput).subscription(async ({ ctx, input, signal }) =>
    withMappedErrors(
      await openLiveStream({
        userId: ctx.user.id,
        projectKey: input.projectKey ?? null,
        lastEventId: input.lastEventId,
        requestId: ctx.requestId,
        signal,
      }),
    ),
  ),
});
