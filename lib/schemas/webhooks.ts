/** Inputs and outputs of the webhook and Slack procedures, and the event types a project can subscribe to. */
import { z } from "zod";

import { dateTimeOut, pageOut, pagination, projectKey } from "./common";

/**
 * Project events that webhooks and Slack may receive: the outbox event types
 * the services record for a project, plus the test event of "send test".
 */
export const WEBHOOK_EVENT_TYPES = [
  "project.updated",
  "project.archived",
  "project.restored",
  "project.settings_restored",
  "project.member_added",
  "project.member_role_changed",
  "project.member_removed",
  "requirement.created",
  "requirement.updated",
  "requirement.transitioned",
  "requirement.moved",
  "requirement.restored",
  "requirement.imported",
  "requirement.import_undone",
  "requirement.commented",
  "requirement.comment_edited",
  "requirement.comment_deleted",
  "review.requested",
  "review.responded",
  "review.cancelled",
  "baseline.created",
  "issue.created",
  "issue.updated",
  "issue.status_changed",
  "issue.assigned",
  "issue.commented",
  "issue.comment_edited",
  "issue.comment_deleted",
  "issue.attachment_added",
  "issue.attachment_deleted",
  "issue.imported",
  "issue.import_undone",
  "traceLink.created",
  "traceLink.deleted",
  "traceLink.suspected",
  "traceLink.suspect_cleared",
  "webhook.test",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export const WEBHOOK_DELIVERY_STATUSES = ["PENDING", "SUCCEEDED", "FAILED"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** How one attempt at a delivery ended: delivered, to be retried, or failed for good. */
export const WEBHOOK_ATTEMPT_STATUSES = ["SUCCEEDED", "RETRY", "FAILED"] as const;
export type WebhookAttemptStatus = (typeof WEBHOOK_ATTEMPT_STATUSES)[number];

/** Shape only (http(s), length); address rules are checked by the server's URL policy. */
export const webhookUrl = z
  .string()
  .trim()
  .min(1, "Enter a URL")
  .max(MAX_WEBHOOK_URL_LENGTH, `URLs must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .refine(
    (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
    "Webhook URLs must be http:// or https:// URLs",
  );

export const webhookEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: "Unknown event type" }))
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)])
  .default([]);

const uuid = z.uuid("Not a valid id");

export const webhookCreateInput = z.object({
  projectKey,
  url: webhookUrl,
  /** Empty = every event type. */
  eventTypes: webhookEventTypes,
  active: z.boolean().default(true),
});
export type WebhookCreateInput = z.infer<typeof webhookCreateInput>;

export const webhookUpdateInput = z.object({
  projectKey,
  id: uuid,
  url: webhookUrl.optional(),
  eventTypes: webhookEventTypes.optional(),
  active: z.boolean().optional(),
});
export type WebhookUpdateInput = z.infer<typeof webhookUpdateInput>;

export const webhookListInput = z.object({ projectKey, ...pagination });
export const webhookByIdInput = z.object({ projectKey, id: uuid });

export const webhookDeliveriesInput = z.object({
  projectKey,
  webhookId: uuid,
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  ...pagination,
});
export type WebhookDeliveriesInput = z.infer<typeof webhookDeliveriesInput>;

export const webhookRedeliverInput = z.object({ projectKey, deliveryId: uuid });

export const slackGetInput = z.object({ projectKey });
export const slackSetInput = z.object({
  projectKey,
  /** null turns Slack off; left out keeps the current URL. */
  url: webhookUrl.nullable().optional(),
  eventTypes: webhookEventTypes,
});
export type SlackSetInput = z.infer<typeof slackSetInput>;

/* ------------------------------------------------------------------ outputs */

/** A project's webhook: where events go and which ones (never its signing secret). */
export const webhookOut = z
  .object({
    id: z.string(),
    url: z.string(),
    /** Event types delivered (see WEBHOOK_EVENT_TYPES); empty means every type. */
    eventTypes: z.array(z.string()),
    active: z.boolean(),
    createdAt: dateTimeOut,
    updatedAt: dateTimeOut,
  })
  .meta({ id: "Webhook", description: "A project's webhook: its URL, event types and state (never its secret)" });

/** A webhook just created, with its signing secret — the only time the secret is shown. */
export const createdWebhookOut = webhookOut
  .extend({ secret: z.string() })
  .meta({ id: "CreatedWebhook", description: "A new webhook with its signing secret, shown this once" });

/** One page of a project's webhooks, oldest first. */
export const webhookPageOut = pageOut(webhookOut);

/** The answer to deleting a webhook. */
export const webhookDeletedOut = z.object({ id: z.string() });

/** One logged attempt at a delivery. */
export const webhookDeliveryAttemptOut = z.object({
  /** 1-based. */
  attempt: z.number(),
  responseCode: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  createdAt: dateTimeOut,
});

/** One event sent (or to be sent) to a webhook, with its latest attempts. */
export const webhookDeliveryOut = z
  .object({
    id: z.string(),
    /** The event's id: the `id` of the body POSTed. */
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number(),
    /** The last attempt's answer. */
    responseCode: z.number().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    /** When the next attempt is due (PENDING only). */
    nextAttemptAt: dateTimeOut.nullable(),
    createdAt: dateTimeOut,
    completedAt: dateTimeOut.nullable(),
    /** The latest attempts, newest first (at most 20). */
    attemptsLog: z.array(webhookDeliveryAttemptOut),
  })
  .meta({ id: "WebhookDelivery", description: "One event sent to a webhook, with its latest attempts" });

/** One page of a webhook's deliveries, newest first. */
export const webhookDeliveryPageOut = pageOut(webhookDeliveryOut);

/** The outcome of sending a delivery now (a test, or a failed delivery sent again). */
export const webhookAttemptOut = z
  .object({
    status: z.enum(WEBHOOK_ATTEMPT_STATUSES),
    deliveryId: z.string(),
    /** 1-based number of this attempt; 0 when nothing was sent. */
    attempt: z.number(),
    responseCode: z.number().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    /** When the next attempt is due (RETRY only). */
    nextAttemptAt: dateTimeOut.nullable(),
    /** True when no request was sent: already finished, or another worker was sending it. */
    skipped: z.boolean(),
  })
  .meta({ id: "WebhookAttempt", description: "The outcome of one attempt at a webhook delivery" });

/** A project's Slack settings: whether a URL is set and its harmless start, never the URL itself. */
export const slackSettingsOut = z
  .object({
    configured: z.boolean(),
    /** The URL's host and path with its secret last part masked; null when none is set. */
    urlPreview: z.string().nullable(),
    /** Event types posted (see WEBHOOK_EVENT_TYPES); empty means every type. */
    eventTypes: z.array(z.string()),
  })
  .meta({ id: "SlackSettings", description: "A project's Slack settings (the URL itself is never shown)" });
