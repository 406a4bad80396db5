/** Inputs and outputs of the notification, subscription and background-jobs admin procedures. */
import { z } from "zod";

import { dateTimeOut, MAX_PAGE_SIZE, pageOut, projectKey } from "./common";

/** Outbox event types that become a notification of the same type. */
const EVENT_NOTIFICATION_TYPES = [
  "requirement.updated",
  "requirement.transitioned",
  "requirement.restored",
  "requirement.commented",
  "review.requested",
  "review.responded",
  "traceLink.suspected",
  "issue.created",
  "issue.assigned",
  "issue.status_changed",
  "issue.commented",
] as const;

/** Types a notification can have: those events plus "mention". */
export const NOTIFICATION_TYPES = [...EVENT_NOTIFICATION_TYPES, "mention"] as const;

/** Outbox event types that notify someone; an edited comment notifies only the people it newly mentions. */
export const NOTIFYING_TYPES = [
  ...EVENT_NOTIFICATION_TYPES,
  "issue.comment_edited",
  "requirement.comment_edited",
] as const;
export type NotifyingType = (typeof NOTIFYING_TYPES)[number];

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, string> = {
  "requirement.updated": "Requirement changed",
  "requirement.transitioned": "Requirement status changed",
  "requirement.restored": "Requirement restored",
  "requirement.commented": "Requirement commented",
  "review.requested": "Review requested",
  "review.responded": "Review answered",
  "traceLink.suspected": "Trace link became suspect",
  "issue.created": "Issue created",
  "issue.assigned": "Issue assigned",
  "issue.status_changed": "Issue status changed",
  "issue.commented": "Issue commented",
  mention: "Mentioned",
};

export const notificationListInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  unreadOnly: z.boolean().default(false),
});
export type NotificationListInput = z.infer<typeof notificationListInput>;

export const notificationMarkReadInput = z.union([
  z.object({ ids: z.array(z.uuid("Notification ids are UUIDs")).min(1, "Pass at least one id").max(MAX_PAGE_SIZE) }),
  z.object({ all: z.literal(true) }),
]);
export type NotificationMarkReadInput = z.infer<typeof notificationMarkReadInput>;

export const notificationPreferencesInput = z.object({
  inApp: z.boolean(),
  email: z.boolean(),
  mutedTypes: z
    .array(z.enum(NOTIFICATION_TYPES, { error: "Unknown notification type" }))
    .max(NOTIFICATION_TYPES.length)
    .transform((types) => [...new Set(types)]),
});
export type NotificationPreferencesInput = z.infer<typeof notificationPreferencesInput>;

/** A requirement (PAY-12) or issue (PAY-I-7) key. */
export const itemKey = z
  .string()
  .max(100, "Keys look like PAY-12 or PAY-I-7")
  .trim()
  .regex(/^[A-Z]{2,10}-(I-)?[1-9]\d{0,8}$/, "Keys look like PAY-12 or PAY-I-7");

export const subscriptionSetInput = z.union([
  z.object({ key: itemKey, watching: z.boolean() }),
  z.object({ projectKey, watching: z.boolean() }),
]);
export type SubscriptionSetInput = z.infer<typeof subscriptionSetInput>;

export const subscriptionStatusInput = z.union([z.object({ key: itemKey }), z.object({ projectKey })]);
export type SubscriptionStatusInput = z.infer<typeof subscriptionStatusInput>;

export const outboxRetryInput = z.object({ id: z.uuid("Event ids are UUIDs") });

/** Files in the embedded mail folder: `<timestamp>-<uuid>.eml`, nothing else. */
export const mailFileName = z
  .string()
  .max(100, "Not a mail file name")
  .regex(/^[0-9TZ-]+-[0-9a-f-]{36}\.eml$/, "Not a mail file name");
export const mailListInput = z.object({ limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50) });
export const mailReadInput = z.object({ name: mailFileName });

/* ------------------------------------------------------------------ outputs */

/** What a user can watch. */
export const WATCHED_ENTITY_TYPES = ["requirement", "issue", "project"] as const;
export type WatchedEntityType = (typeof WATCHED_ENTITY_TYPES)[number];

/** Why a user watches something: they created it, were assigned or mentioned, or chose to. */
export const WATCH_REASONS = ["created", "assigned", "mentioned", "manual"] as const;
export type WatchReason = (typeof WATCH_REASONS)[number];

/** One notification in the caller's inbox. */
export const notificationOut = z
  .object({
    id: z.string(),
    /** One of the notification types (see NOTIFICATION_TYPES); older rows may carry a retired type. */
    type: z.string(),
    title: z.string(),
    body: z.string(),
    /** The page the notification is about; empty when there is none. */
    url: z.string(),
    readAt: dateTimeOut.nullable(),
    createdAt: dateTimeOut,
  })
  .meta({ id: "Notification", description: "One notification in the caller's inbox" });

/** One page of the caller's notifications, newest first, with their unread count. */
export const notificationPageOut = pageOut(notificationOut).extend({ unreadCount: z.number() });

/** The caller's unread notification count. */
export const notificationUnreadCountOut = z.object({ unreadCount: z.number() });

/** The answer to marking notifications read: how many were marked, and how many stay unread. */
export const notificationMarkReadOut = z.object({ marked: z.number(), unreadCount: z.number() });

/** The caller's notification channels and the types they muted. */
export const notificationPreferencesOut = z
  .object({
    inApp: z.boolean(),
    email: z.boolean(),
    /** Notification types the caller does not want on any channel. */
    mutedTypes: z.array(z.string()),
  })
  .meta({ id: "NotificationPreferences", description: "The caller's notification channels and muted types" });

/** Whether the caller watches a requirement, an issue or a project. */
export const subscriptionStatusOut = z
  .object({
    entityType: z.enum(WATCHED_ENTITY_TYPES),
    watching: z.boolean(),
    /** Why the caller watches it; null when they do not. */
    reason: z.enum(WATCH_REASONS).nullable(),
    /** Watching the whole project also brings this item's notifications. */
    viaProject: z.boolean(),
  })
  .meta({ id: "WatchStatus", description: "Whether the caller watches a requirement, an issue or a project" });

/** The answer to watching or unwatching: the state now. */
export const subscriptionSetOut = z.object({ watching: z.boolean(), entityType: z.enum(WATCHED_ENTITY_TYPES) });

/** An outbox event that failed, or is backing off after a failed attempt. */
export const outboxFailureOut = z.object({
  id: z.string(),
  type: z.string(),
  createdAt: dateTimeOut,
  attempts: z.number(),
  lastError: z.string().nullable(),
  /** When the attempts ran out; null while it is still being retried. */
  failedAt: dateTimeOut.nullable(),
  /** When the next attempt is due. */
  availableAt: dateTimeOut,
});

/** The instance's background work: how events are delivered, the backlog, and the failures. */
export const outboxHealthOut = z
  .object({
    /** `inngest`: events are relayed to Inngest; `embedded`: handled in the server process. */
    mode: z.enum(["inngest", "embedded"]),
    /** Whether this server process runs the dispatcher. */
    dispatcherRunning: z.boolean(),
    pending: z.number(),
    /** Seconds since the oldest undelivered event was written; null when nothing waits. */
    oldestPendingAgeSeconds: z.number().nullable(),
    retrying: z.number(),
    failed: z.number(),
    failures: z.array(outboxFailureOut),
  })
  .meta({ id: "OutboxHealth", description: "The instance's background work: the backlog and the failures" });

/** The answer to retrying an outbox event. */
export const outboxRetryOut = z.object({ id: z.string(), requeued: z.literal(true) });

/** A message in the embedded mail folder, as listed. */
export const mailSummaryOut = z
  .object({
    name: z.string(),
    to: z.string(),
    subject: z.string(),
    /** The message's Date header as written (RFC 2822), not reformatted. */
    date: z.string(),
    /** Size in bytes. */
    size: z.number(),
  })
  .meta({ id: "MailSummary", description: "A message in the embedded mail folder" });

/** The newest messages of the mail folder, and how many it holds. */
export const mailListOut = z.object({ items: z.array(mailSummaryOut), total: z.number() });

/** One message of the mail folder: its headers, decoded text and the raw message. */
export const mailMessageOut = z
  .object({
    name: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    date: z.string(),
    text: z.string(),
    raw: z.string(),
  })
  .meta({ id: "MailMessage", description: "One message of the embedded mail folder" });
