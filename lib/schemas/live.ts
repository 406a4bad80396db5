import { z } from "zod";

import { projectKey } from "@/lib/schemas/common";

/**
 * `live.events`: the caller's notifications, and with `projectKey` that
 * project's changes. `lastEventId` is filled in by the client when it
 * reconnects (the SSE `Last-Event-ID`); anything this server did not hand
 * out gets a `resync` instead of a replay.
 */
export const liveEventsInput = z
  .object({
    projectKey: projectKey.optional(),
    lastEventId: z.string().max(64).nullish(),
  })
  .default({});

export type LiveEventsInput = z.infer<typeof liveEventsInput>;
