import type { TrackedEnvelope } from "@trpc/server";

import { type LiveEvent, liveEventsInput } from "@/lib/schemas/live";
import { createTRPCRouter, protectedProcedure, toTRPCError } from "@/server/api/trpc";
import { type LiveMessage, openLiveStream } from "@/server/live/stream";

/** True when A and B are the same type: no field more, none less, none typed differently. */
type Exactly<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/**
 * The stream's messages (server/live) are exactly the documented events
 * (lib/schemas/live.ts): a subscription's messages are not validated at run
 * time, so a field added to one and not the other fails the type check here.
 */
const streamMatchesSchema: Exactly<LiveMessage, LiveEvent> = true;
void streamMatchesSchema;

/**
 * Live updates: one server-sent event stream per browser tab (see
 * server/live/stream.ts; served by server/api/live-sse.ts). A stream's own
 * failures (access gone, the database away) end it with the API's typed
 * errors: the error mapping middleware has returned by then, so the stream
 * maps them the same way. What it yields is typed by `liveEventOut`
 * (lib/schemas/live.ts); changes are tracked by their `seq`.
 */
export const liveRouter = createTRPCRouter({
  events: protectedProcedure.input(liveEventsInput).subscription(
    ({ ctx, input, signal }): Promise<AsyncIterable<LiveEvent | TrackedEnvelope<LiveEvent>>> =>
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
