/**
 * The Inngest events of the app. A domain event (server/events/domain-events.ts)
 * relayed to Inngest is named `specline/<type>` and carries the outbox
 * payload plus `{ outboxId, type, projectId, createdAt }`, with the outbox
 * row id as the Inngest event id (Inngest de-duplicates on it).
 */
import { eventType, staticSchema } from "inngest";

import { type DomainEvent, type OutboxPayload, type OutboxRowLike, toDomainEvent } from "@/server/events/domain-events";

export const EVENT_PREFIX = "specline/";

/** `data` of a relayed domain event. */
export type DomainEventData = OutboxPayload & {
  outboxId: string;
  type: string;
  projectId: string | null;
  /** ISO timestamp of the outbox row. */
  createdAt: string;
};

/** The event sent to Inngest for one outbox row. */
export function toInngestEvent(row: OutboxRowLike) {
  const event = toDomainEvent(row);
  const data: DomainEventData = {
    ...event.payload,
    outboxId: event.id,
    type: event.type,
    projectId: event.projectId,
    createdAt: event.createdAt.toISOString(),
  };
  return { id: event.id, name: `${EVENT_PREFIX}${event.type}`, data };
}

/** Back from the Inngest event `data` to the domain event the services take. */
export function fromInngestData(data: DomainEventData): DomainEvent {
  const { outboxId, type, projectId, createdAt, ...payload } = data;
  return { id: outboxId, type, projectId, payload: payload as OutboxPayload, createdAt: new Date(createdAt) };
}

const domainSchema = staticSchema<DomainEventData>();

/**
 * Project-scoped domain events, one wildcard trigger per domain
 * (`specline/issue.*` …): notify-on-event sees every one of them because
 * webhooks may subscribe to any type; only NOTIFYING_TYPES (lib/schemas/notifications.ts) notify people.
 */
export const requirementEvents = eventType(`${EVENT_PREFIX}requirement.*`, { schema: domainSchema });
export const issueEvents = eventType(`${EVENT_PREFIX}issue.*`, { schema: domainSchema });
export const traceLinkEvents = eventType(`${EVENT_PREFIX}traceLink.*`, { schema: domainSchema });
export const baselineEvents = eventType(`${EVENT_PREFIX}baseline.*`, { schema: domainSchema });
export const projectEvents = eventType(`${EVENT_PREFIX}project.*`, { schema: domainSchema });

/** The account's own email (reset and verification links, the sign-up notice): `send-account-mail`. */
export const accountEvents = eventType(`${EVENT_PREFIX}account.*`, { schema: domainSchema });
/** A new or renewed invitation: its email, sent by `send-account-mail`. */
export const invitationCreated = eventType(`${EVENT_PREFIX}invitation.created`, { schema: domainSchema });

/** Asks `deliver-webhook` to (re)try one WebhookDelivery row; the delivery id is the Inngest event id. */
export const webhookDeliveryRequested = eventType("specline/webhook.delivery.requested", {
  schema: staticSchema<{ deliveryId: string }>(),
});

/** Asks `aggregate-daily-stats` to recompute now: one project or all active ones; one day or yesterday and today. */
export const statsAggregateRequested = eventType("specline/stats.aggregate.requested", {
  schema: staticSchema<{ projectId?: string; day?: string }>(),
});
