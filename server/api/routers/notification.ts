import {
  notificationListInput,
  notificationMarkReadInput,
  notificationPreferencesInput,
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
    .query(({ ctx, input }) => listNotifications({ userId: ctx.user.id, input })),
  unreadCount: protectedProcedure.query(async ({ ctx }) => ({ unreadCount: await countUnread(ctx.user.id) })),
  markRead: protectedProcedure
    .input(notificationMarkReadInput)
    .mutation(({ ctx, input }) => markNotificationsRead({ userId: ctx.user.id, input })),
  preferences: createTRPCRouter({
    get: protectedProcedure.query(({ ctx }) => getNotificationPreferences(ctx.user.id)),
    set: protectedProcedure
      .input(notificationPreferencesInput)
      .mutation(({ ctx, input }) => setNotificationPreferences({ userId: ctx.user.id, actor: ctx.actor, input })),
  }),
});
