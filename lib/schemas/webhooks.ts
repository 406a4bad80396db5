/** Inputs of the webhook and Slack procedures, and the event types a project can subscribe to. */
import { z } from "zod";

import { pagination, projectKey } from "./common";

/**
 * Project events that webhooks and Slack may receive: the outbox event types
 * the services record for a project, plus the test event of "send test".
 */
export const WEBHOOK_EVENT_TYPES = [
  "project.updated",
  "project.archived",
  "project.restored",
  "project.member_added",
  "project.member_role_changed",
  "project.member_removed",
  "requirement.created",
  "requirement.updated",
  "requirement.transitioned",
  "requirement.moved",
  "requirement.restored",
  "baseline.created",
  "issue.created",
  "issue.updated",
  "issue.status_changed",
  "issue.assigned",
  "issue.commented",
  "issue.comment_edited",
  "issue.comment_deleted",
  "issue.attachment_added",
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
