import {
  notificationListInput,
  notificationMarkReadInput,
  notificationMarkReadOut,
  notificationPageOut,
  notificationPreferencesInput,
  notificationPreferencesOut,
  notificationUnreadCountOut,
} from "@/lib/schemas/notifications";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import {
  countUnread,
  getNotificationPreferences,
  listNotifications,
  markNotificationsRead,
  setNotificationPreferences,
} from "@/server/services/notifications/inbox";

/** The caller's own notifications; nobody can read or mark another user's. */
export const notificationRouter = createTRPCRouter({
  list: protectedProcedure
    .input(notificationListInput)
    .output(notificationPageOut)
    .query(({ ctx, input }) => listNotifications({ userId: ctx.user.id, input })),
  unreadCount: protectedProcedure
    .output(notificationUnreadCountOut)
    .query(async ({ ctx }) => ({ unreadCount: await countUnread(ctx.user.id) })),
  markRead: protectedProcedure
    .input(notificationMarkReadInput)
    .output(notificationMarkReadOut)
    .mutation(({ ctx, input }) => markNotificationsRead({ userId: ctx.user.id, input })),
  preferences: createTRPCRouter({
    get: protectedProcedure
      .output(notificationPreferencesOut)
      .query(({ ctx }) => getNotificationPreferences(ctx.user.id)),
    set: protectedProcedure
      .input(notificationPreferencesInput)
      .output(notificationPreferencesOut)
      .mutation(({ ctx, input }) => setNotificationPreferences({ userId: ctx.user.id, actor: ctx.actor, input })),
  }),
});
