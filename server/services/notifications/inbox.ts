/**
 * A user's inbox: their own notifications (list, mark read, unread count)
 * and channel preferences; fan-out.ts writes the notifications from domain
 * events. Every query is scoped to the caller's user id: nobody reads or
 * marks anyone else's. Read state is personal bookkeeping, not a change to
 * the product's data, so it is not audited; preference changes are.
 */
import type {
  NotificationListInput,
  NotificationMarkReadInput,
  NotificationPreferencesInput,
} from "@/lib/schemas/notifications";
import { db } from "@/server/db";
import { publishUserMessage } from "@/server/live/bus";
import type { LiveNotification } from "@/server/live/hub";
import { log } from "@/server/observability/log";
import { type Actor, applyChange } from "@/server/services/change";
import { afterTimeAndId, timeAndIdCursor, timeAndUuidCursorSchema, toPage } from "@/server/services/pagination";

const notificationSelect = {
  id: true,
  type: true,
  title: true,
  body: true,
  url: true,
  readAt: true,
  createdAt: true,
} as const;

export async function countUnread(userId: string): Promise<number> {
  return db.notification.count({ where: { userId, readAt: null } });
}

/**
 * Tells these users' live streams (every tab, every instance) their unread
 * count — with the notification that just arrived for them, if given — in
 * one statement for all of them. Never fails the caller: the notifications
 * are stored, and a stream that missed the count gets it again when it
 * reconnects.
 */
export async function publishUnreadCounts(
  userIds: string[],
  arrived: ReadonlyMap<string, LiveNotification> = new Map(),
): Promise<void> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return;
  try {
    const counts = await db.notification.groupBy({
      by: ["userId"],
      where: { userId: { in: ids }, readAt: null },
      _count: { _all: true },
    });
    const unread = new Map(counts.map((c) => [c.userId, c._count._all]));
    for (const userId of ids) {
      const notification = arrived.get(userId);
      publishUserMessage({
        kind: "notifications",
        userId,
        unread: unread.get(userId) ?? 0,
        ...(notification ? { notification } : {}),
      });
    }
  } catch (err) {
    log.warn({ error: err instanceof Error ? err.message : String(err) }, "could not publish unread counts");
  }
}

export async function listNotifications(opts: { userId: string; input: NotificationListInput }) {
  const { input } = opts;
  const rows = await db.notification.findMany({
    where: {
      userId: opts.userId,
      ...(input.unreadOnly ? { readAt: null } : {}),
      ...afterTimeAndId(input.cursor, "createdAt", "desc", timeAndUuidCursorSchema),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: notificationSelect,
  });
  const page = toPage(rows, input.limit, (r) => timeAndIdCursor(r.createdAt, r.id));
  return { ...page, unreadCount: await countUnread(opts.userId) };
}

export async function markNotificationsRead(opts: { userId: string; input: NotificationMarkReadInput }) {
  const where = { userId: opts.userId, readAt: null, ...("ids" in opts.input ? { id: { in: opts.input.ids } } : {}) };
  const { count } = await db.notification.updateMany({ where, data: { readAt: new Date() } });
  const unreadCount = await countUnread(opts.userId);
  // The user's other tabs update their bell.
  if (count > 0) publishUserMessage({ kind: "notifications", userId: opts.userId, unread: unreadCount });
  return { marked: count, unreadCount };
}

const DEFAULT_PREFERENCES = { inApp: true, email: true, mutedTypes: [] as string[] };

export async function getNotificationPreferences(userId: string) {
  const row = await db.notificationPreference.findUnique({
    where: { userId },
    select: { inApp: true, email: true, mutedTypes: true },
  });
  return row ?? DEFAULT_PREFERENCES;
}

export async function setNotificationPreferences(opts: {
  userId: string;
  actor: Actor;
  input: NotificationPreferencesInput;
}) {
  return applyChange(opts.actor, async (tx, record) => {
    const before = await tx.notificationPreference.findUnique({
      where: { userId: opts.userId },
      select: { inApp: true, email: true, mutedTypes: true },
    });
    const data = { inApp: opts.input.inApp, email: opts.input.email, mutedTypes: opts.input.mutedTypes };
    const after = await tx.notificationPreference.upsert({
      where: { userId: opts.userId },
      create: { userId: opts.userId, ...data },
      update: data,
      select: { inApp: true, email: true, mutedTypes: true },
    });
    const same =
      before &&
      before.inApp === after.inApp &&
      before.email === after.email &&
      [...before.mutedTypes].sort().join() === [...after.mutedTypes].sort().join();
    if (!same) {
      record({
        action: "user.notification_preferences_changed",
        entityType: "NotificationPreference",
        entityId: opts.userId,
        before: before ?? DEFAULT_PREFERENCES,
        after,
      });
    }
    return after;
  });
}
