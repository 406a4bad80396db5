/**
 * One live stream: what a browser tab receives from `live.events`.
 *
 *   - its user's unread notification count, at once and whenever it changes;
 *   - with a project: every change there that the user may see, in `seq`
 *     order, each tracked with its number as the event id; on a reconnect
 *     naming the last id, exactly the changes after it are read once from
 *     the database and sent first; a gap that is too old or too long (or an
 *     id this server never gave out) is a `resync`: the page refetches.
 *
 * Who may see what is the project procedures' rule, checked in memory: the
 * caller's role is resolved once when the stream opens (`authorizeOrThrow`,
 * the one access check) and again only when a change says their membership
 * or their user changed, or `revokeLiveAccess` asks — so a fan-out runs no
 * query per subscriber. If the answer becomes "no access", the stream ends
 * with that error.
 */
import type { ProjectRole } from "@prisma/client";
import { tracked } from "@trpc/server";

import { getEnv } from "@/lib/env.mjs";
import { type ProjectPermission, roleHas } from "@/server/auth/permissions";
import { authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { getLive } from "@/server/live/bus";
import {
  describeChanges,
  type LiveChange,
  type LiveChangeMessage,
  readDispatched,
  toMessage,
} from "@/server/live/changes";
import type { LiveNotification, UserMessage } from "@/server/live/hub";
import { canSeeIssue } from "@/server/services/issues/issue-access";
import { countUnread } from "@/server/services/notifications/inbox";

/** The unread count, sent first and whenever it changes; with the new notification when one arrived. */
export interface NotificationsMessage {
  kind: "notifications";
  unread: number;
  notification?: LiveNotification;
}

/** The page should refetch what it shows: changes were missed that cannot be replayed. */
export interface ResyncMessage {
  kind: "resync";
  reason: "gap_too_old" | "unknown_event_id" | "fell_behind";
}

export type LiveMessage = LiveChangeMessage | NotificationsMessage | ResyncMessage;

/** A reconnect replays at most this many of the project's changes… */
export const REPLAY_MAX_CHANGES = 1_000;
/** …and looks at most this far back in the whole instance's sequence. */
export const REPLAY_MAX_SPAN = 50_000;
/** Messages a stream holds for a browser that does not read; past it the stream says resync and starts over. */
export const STREAM_QUEUE_MAX = 1_000;

/** What a member needs to receive a project's stream at all. */
const STREAM_PERMISSION: ProjectPermission = "project:read";

interface Viewer {
  userId: string;
  /** The effective role in the project (instance admins act as ADMIN); null for a stream without one. */
  role: ProjectRole | null;
}

/** Whether `viewer` may receive `change`: the same rules as reading the item (see LiveAudience). */
export function mayReceive(viewer: Viewer, change: LiveChange): boolean {
  if (!viewer.role) return false;
  const audience = change.audience;
  switch (audience.level) {
    case "member":
      return true;
    case "admin":
      return roleHas(viewer.role, "integrations:read");
    case "issue":
      return canSeeIssue({ userId: viewer.userId, role: viewer.role }, audience);
    case "self":
      return audience.userId === viewer.userId;
  }
}

async function resolveViewer(userId: string, projectKey: string | null, requestId: string) {
  const { scope } = await authorizeOrThrow({ userId, projectKey, permission: STREAM_PERMISSION, requestId });
  return { userId, role: scope?.role ?? null, projectId: scope?.projectId ?? null };
}

/** An event id as this server writes them: a positive integer. */
function parseEventId(id: string | null | undefined): number | null {
  if (!id || !/^[1-9]\d{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

type Item = { change: LiveChange } | { user: UserMessage } | { overflow: true };

export interface LiveStreamOptions {
  userId: string;
  projectKey?: string | null;
  /** The last event id the browser saw (a reconnect), as sent. */
  lastEventId?: string | null;
  requestId: string;
  signal?: AbortSignal;
}

/**
 * Checks access and the stream limits, then returns the stream (which starts
 * listening when first read). A caller without access gets the error here,
 * as the call's answer, rather than as the stream's first event.
 */
export async function openLiveStream(opts: LiveStreamOptions) {
  const env = getEnv();
  const viewer = await resolveViewer(opts.userId, opts.projectKey ?? null, opts.requestId);
  const { hub } = getLive();
  if (hub.size() >= env.LIVE_MAX_STREAMS) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "This server has as many live streams open as it allows; try again shortly",
    );
  }
  if (hub.countFor(opts.userId) >= env.LIVE_MAX_STREAMS_PER_USER) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `At most ${env.LIVE_MAX_STREAMS_PER_USER} live streams per user; close another tab or window`,
    );
  }
  return liveStream(viewer, opts);
}

async function* liveStream(initial: Awaited<ReturnType<typeof resolveViewer>>, opts: LiveStreamOptions) {
  let viewer = initial;
  const { hub } = getLive();
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  const push = (item: Item) => {
    if (queue.length >= STREAM_QUEUE_MAX) {
      queue.length = 0;
      queue.push({ overflow: true });
    } else queue.push(item);
    wake?.();
  };
  // Listening starts before the replay is read, so nothing falls between the two; numbers dedupe.
  const remove = hub.add({
    projectId: viewer.projectId,
    userId: opts.userId,
    onChange: (change) => push({ change }),
    onUser: (user) => push({ user }),
  });
  const onAbort = () => wake?.();
  opts.signal?.addEventListener("abort", onAbort);

  try {
    const head = await hub.start();
    let sent = 0;
    const send = (change: LiveChange) => {
      sent = change.seq;
      return tracked(String(change.seq), toMessage(change) as LiveMessage);
    };
    const resync = (reason: ResyncMessage["reason"]) =>
      tracked(String(hub.headSeq()), { kind: "resync", reason } as LiveMessage);

    if (viewer.projectId && opts.lastEventId != null) {
      const replay = await readReplay(viewer.projectId, parseEventId(opts.lastEventId), head);
      if ("resync" in replay) yield resync(replay.resync);
      else for (const change of replay.changes) if (mayReceive(viewer, change)) yield send(change);
      sent = Math.max(sent, head);
    } else sent = head;

    yield { kind: "notifications", unread: await countUnread(opts.userId) } as LiveMessage;

    while (!opts.signal?.aborted) {
      const item = queue.shift();
      if (!item) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      if ("overflow" in item) {
        yield resync("fell_behind");
        sent = hub.headSeq();
        continue;
      }
      if ("user" in item) {
        if (item.user.kind === "notifications") {
          const { userId: _userId, ...message } = item.user;
          yield message as LiveMessage;
        } else viewer = await recheck(viewer, opts);
        continue;
      }
      const { change } = item;
      if (change.seq <= sent) continue;
      if (change.memberUserId === opts.userId) viewer = await recheck(viewer, opts);
      if (mayReceive(viewer, change)) yield send(change);
      else sent = change.seq;
    }
  } finally {
    remove();
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Access may have changed: resolve it again (throws — ending the stream — when it is gone). */
async function recheck(viewer: Awaited<ReturnType<typeof resolveViewer>>, opts: LiveStreamOptions) {
  const next = await resolveViewer(opts.userId, opts.projectKey ?? null, opts.requestId);
  return { ...viewer, role: next.role };
}

/** The project's changes after `after` up to `head`, or why they cannot be replayed. */
async function readReplay(
  projectId: string,
  after: number | null,
  head: number,
): Promise<{ changes: LiveChange[] } | { resync: ResyncMessage["reason"] }> {
  if (after === null || after > head) return { resync: "unknown_event_id" };
  if (head - after > REPLAY_MAX_SPAN) return { resync: "gap_too_old" };
  if (after === head) return { changes: [] };
  // The event the browser saw must still be kept: everything after a kept event is kept too (pruning goes oldest first).
  const [seen] = await readDispatched({ after: after - 1, upTo: after, limit: 1 });
  if (!seen) return { resync: "gap_too_old" };
  const rows = await readDispatched({ after, upTo: head, projectId, limit: REPLAY_MAX_CHANGES + 1 });
  if (rows.length > REPLAY_MAX_CHANGES) return { resync: "gap_too_old" };
  return { changes: await describeChanges(rows) };
}
