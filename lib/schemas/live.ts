import { z } from "zod";

import { dateTimeOut, projectKey } from "@/lib/schemas/common";

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

/* ------------------------------------------------------------------ outputs */
/*
 * What `live.events` yields (a subscription has no `.output()`: the stream is
 * typed with these, and server/api/routers/live.ts checks at compile time that
 * the stream's messages are exactly these shapes). Changes are tracked: their
 * `seq` is the event id a reconnect names.
 */

/** A notification as a stream announces it (its id is the pair of user and `eventId`). */
export const liveNotificationOut = z.object({
  eventId: z.string(),
  type: z.string(),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  /** When it was written (ISO 8601 text, as announced). */
  createdAt: z.string(),
});

/** A change to something in the project the stream follows, that the caller may see. */
export const liveChangeEventOut = z
  .object({
    kind: z.literal("change"),
    /** The change's number (the stream's event id): in commit order, across every instance. */
    seq: z.number(),
    /** The change's id. */
    id: z.string(),
    /** The domain action, e.g. `issue.created`, `traceLink.suspected`. */
    type: z.string(),
    projectKey: z.string().nullable(),
    /** The item the change is about (`PAY-12`, `PAY-I-7`, a baseline's id), or the project key. */
    key: z.string().nullable(),
    /** The item's version after the change, where it has versions. */
    version: z.number().optional(),
    /** Every item key the change touches (both ends of a trace link, the item of a comment). */
    refs: z.array(z.string()),
    actorId: z.string().nullable(),
    /** The actor's display name (null for a system change or a deleted user). */
    actorName: z.string().nullable(),
    occurredAt: dateTimeOut,
  })
  .meta({ id: "LiveChange", description: "A change in the followed project, as a live stream sends it" });

/** The caller's unread count, sent first and whenever it changes; with the notification that just arrived, if one did. */
export const liveNotificationsEventOut = z.object({
  kind: z.literal("notifications"),
  unread: z.number(),
  notification: liveNotificationOut.optional(),
});

/** Why a stream asks the page to refetch: changes were missed that cannot be replayed. */
export const LIVE_RESYNC_REASONS = ["gap_too_old", "unknown_event_id", "fell_behind"] as const;

/** The page should refetch what it shows: changes were missed that cannot be replayed. */
export const liveResyncEventOut = z.object({ kind: z.literal("resync"), reason: z.enum(LIVE_RESYNC_REASONS) });

/** Refetch the dashboard (`stats`: the project's statistics were recomputed), an import's progress (`imports`: an import of the project moved on) or `/admin/jobs` (`jobs`). */
export const liveSignalEventOut = z.object({ kind: z.enum(["stats", "imports", "jobs"]) });

/** One message of a live stream. */
export const liveEventOut = z
  .discriminatedUnion("kind", [liveChangeEventOut, liveNotificationsEventOut, liveResyncEventOut, liveSignalEventOut])
  .meta({ id: "LiveEvent", description: "One message of a live stream" });

export type LiveEvent = z.infer<typeof liveEventOut>;
export type LiveChangeEvent = z.infer<typeof liveChangeEventOut>;
