/** Inputs of the notification, subscription and background-jobs admin procedures. */
import { z } from "zod";

import { MAX_PAGE_SIZE, projectKey } from "./common";

/** Outbox event types that become a notification of the same type. */
const EVENT_NOTIFICATION_TYPES = [
  "requirement.updated",
  "requirement.transitioned",
  "requirement.restored",
  "traceLink.suspected",
  "issue.created",
  "issue.assigned",
  "issue.status_changed",
  "issue.commented",
] as const;

/** Types a notification can have: those events plus "mention". */
export const NOTIFICATION_TYPES = [...EVENT_NOTIFICATION_TYPES, "mention"] as const;

/** Outbox event types that notify someone; an edited comment notifies only the people it newly mentions. */
export const NOTIFYING_TYPES = [...EVENT_NOTIFICATION_TYPES, "issue.comment_edited"] as const;
export type NotifyingType = (typeof NOTIFYING_TYPES)[number];

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, string> = {
  "requirement.updated": "Requirement changed",
  "requirement.transitioned": "Requirement status changed",
  "requirement.restored": "Requirement restored",
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
