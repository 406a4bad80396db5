/**
 * A project's integrations: generic webhooks (URL, signing secret, event
 * types) with their delivery log, and the Slack incoming-webhook URL. Every
 * change goes through applyChange and is a project version
 * (commitIntegrationsVersion); secrets and the Slack URL never appear in the
 * audit trail or the versions, and a webhook's secret is returned only by `create`.
 */
import { randomBytes, randomUUID } from "node:crypto";

import {
  type SlackSetInput,
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookCreateInput,
  type WebhookDeliveriesInput,
  type WebhookDeliveryStatus,
  type WebhookUpdateInput,
} from "@/lib/schemas/webhooks";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { afterTimeAndId, timeAndIdCursor, timeAndUuidCursorSchema, toPage } from "@/server/services/pagination";
import { commitIntegrationsVersion, fingerprint, webhookState } from "@/server/services/projects/project-versions";

import { attemptWebhookDelivery, webhookBody } from "./deliveries";
import { assertSafeWebhookUrl, assertSlackWebhookUrl } from "./url-safety";

export const MAX_WEBHOOKS_PER_PROJECT = 20;
const ATTEMPTS_SHOWN = 20;

/** Everything about a webhook except its secret. */
const webhookSelect = {
  id: true,
  url: true,
  eventTypes: true,
  active: true,
  createdAt: true,
  updatedAt: true,
} as const;

const deliverySelect = {
  id: true,
  eventId: true,
  eventType: true,
  status: true,
  attempts: true,
  responseCode: true,
  durationMs: true,
  error: true,
  nextAttemptAt: true,
  createdAt: true,
  completedAt: true,
  attemptsLog: {
    select: { attempt: true, responseCode: true, durationMs: true, error: true, createdAt: true },
    orderBy: { attempt: "desc" },
    take: ATTEMPTS_SHOWN,
  },
} as const;

/** A delivery's stored status (a plain text column) as its type; anything else is a bug worth failing on. */
function deliveryStatus(status: string): WebhookDeliveryStatus {
  if ((WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(status)) return status as WebhookDeliveryStatus;
  throw new Error(`Unknown webhook delivery status: ${status}`);
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

async function findWebhookOrThrow(projectId: string, id: string) {
  const webhook = await db.webhook.findFirst({ where: { id, projectId }, select: webhookSelect });
  if (!webhook) throw notFound("Webhook");
  return webhook;
}

export async function listWebhooks({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { cursor?: string; limit: number };
}) {
  const rows = await db.webhook.findMany({
    where: { projectId: scope.projectId, ...afterTimeAndId(input.cursor, "createdAt", "asc", timeAndUuidCursorSchema) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    select: webhookSelect,
  });
  return toPage(rows, input.limit, (r) => timeAndIdCursor(r.createdAt, r.id));
}

/** Creates a webhook and returns it with its secret — the only time the secret is shown. */
export async function createWebhook({ scope, input }: { scope: ProjectScope; input: WebhookCreateInput }) {
  const url = assertSafeWebhookUrl(input.url).toString();
  const secret = newSecret();
  return applyChange(scope.actor, async (tx, record) => {
    const count = await tx.webhook.count({ where: { projectId: scope.projectId } });
    if (count >= MAX_WEBHOOKS_PER_PROJECT) {
      throw new AppError("BAD_REQUEST", `A project can have at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks`);
    }
    const id = randomUUID();
    const state = { id, url, eventTypes: input.eventTypes, active: input.active, secret };
    await commitIntegrationsVersion(tx, record, {
      scope,
      changeNote: "Webhook added",
      next: (current) => ({ ...current, webhooks: [...current.webhooks, webhookState(state)] }),
      apply: async () => {
        await tx.webhook.create({ data: { ...state, projectId: scope.projectId, createdById: scope.actor.userId } });
      },
    });
    const webhook = await tx.webhook.findUniqueOrThrow({ where: { id }, select: webhookSelect });
    record({
      action: "webhook.created",
      entityType: "Webhook",
      entityId: webhook.id,
      projectId: scope.projectId,
      after: webhook,
    });
    return { ...webhook, secret };
  });
}

export async function updateWebhook({ scope, input }: { scope: ProjectScope; input: WebhookUpdateInput }) {
  const { id, url, eventTypes, active } = input;
  const safeUrl = url === undefined ? undefined : assertSafeWebhookUrl(url).toString();
  return applyChange(scope.actor, async (tx, record) => {
    const before = await tx.webhook.findFirst({ where: { id, projectId: scope.projectId }, select: webhookSelect });
    if (!before) throw notFound("Webhook");
    const next = {
      url: safeUrl ?? before.url,
      eventTypes: eventTypes ?? before.eventTypes,
      active: active ?? before.active,
    };
    const unchanged =
      next.url === before.url &&
      next.active === before.active &&
      next.eventTypes.join("\n") === before.eventTypes.join("\n");
    if (unchanged) return before;
    await commitIntegrationsVersion(tx, record, {
      scope,
      changeNote: "Webhook changed",
      next: (current) => ({
        ...current,
        webhooks: current.webhooks.map((w) => (w.id === id ? { ...w, ...next } : w)),
      }),
      apply: async () => {
        await tx.webhook.update({ where: { id }, data: next });
      },
    });
    const after = await tx.webhook.findUniqueOrThrow({ where: { id }, select: webhookSelect });
    record({
      action: "webhook.updated",
      entityType: "Webhook",
      entityId: id,
      projectId: scope.projectId,
      before,
      after,
    });
    return after;
  });
}

export async function deleteWebhook({ scope, input }: { scope: ProjectScope; input: { id: string } }) {
  return applyChange(scope.actor, async (tx, record) => {
    const before = await tx.webhook.findFirst({
      where: { id: input.id, projectId: scope.projectId },
      select: webhookSelect,
    });
    if (!before) throw notFound("Webhook");
    await commitIntegrationsVersion(tx, record, {
      scope,
      changeNote: "Webhook removed",
      next: (current) => ({ ...current, webhooks: current.webhooks.filter((w) => w.id !== input.id) }),
      apply: async () => {
        await tx.webhook.delete({ where: { id: input.id } });
      },
    });
    record({
      action: "webhook.deleted",
      entityType: "Webhook",
      entityId: input.id,
      projectId: scope.projectId,
      before,
    });
    return { id: input.id };
  });
}

/** A webhook's deliveries, newest first, each with its latest attempts. */
export async function listWebhookDeliveries({ scope, input }: { scope: ProjectScope; input: WebhookDeliveriesInput }) {
  const { webhookId, status, cursor, limit } = input;
  await findWebhookOrThrow(scope.projectId, webhookId);
  const rows = await db.webhookDelivery.findMany({
    where: {
      webhookId,
      ...(status ? { status } : {}),
      ...afterTimeAndId(cursor, "createdAt", "desc", timeAndUuidCursorSchema),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: deliverySelect,
  });
  const page = toPage(rows, limit, (r) => timeAndIdCursor(r.createdAt, r.id));
  return { ...page, items: page.items.map((d) => ({ ...d, status: deliveryStatus(d.status) })) };
}

/**
 * Sends a `webhook.test` event to one webhook now and returns the attempt.
 * A test is sent once: a failure is final and is not retried in the background.
 */
export async function sendTestWebhook({ scope, input }: { scope: ProjectScope; input: { id: string } }) {
  const deliveryId = await applyChange(scope.actor, async (tx, record) => {
    const webhook = await tx.webhook.findFirst({
      where: { id: input.id, projectId: scope.projectId },
      select: webhookSelect,
    });
    if (!webhook) throw notFound("Webhook");
    if (!webhook.active) throw new AppError("BAD_REQUEST", "Enable the webhook before sending a test");
    const eventId = randomUUID();
    const body = webhookBody({
      id: eventId,
      type: "webhook.test",
      projectKey: scope.projectKey,
      occurredAt: new Date(),
      data: { webhookId: webhook.id, actorId: scope.actor.userId, message: "This is a test delivery from Specline." },
    });
    const delivery = await tx.webhookDelivery.create({
      data: { webhookId: webhook.id, eventId, eventType: "webhook.test", body },
      select: { id: true },
    });
    record({
      action: "webhook.test_sent",
      entityType: "Webhook",
      entityId: webhook.id,
      projectId: scope.projectId,
      data: { deliveryId: delivery.id },
    });
    return delivery.id;
  });
  return attemptWebhookDelivery(deliveryId, { maxAttempts: 1 });
}

/**
 * Sends a FAILED delivery again now, as one more logged attempt with the
 * original body; if that attempt fails too the delivery stays FAILED.
 */
export async function redeliverWebhookDelivery({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { deliveryId: string };
}) {
  const attempts = await applyChange(scope.actor, async (tx, record) => {
    const delivery = await tx.webhookDelivery.findFirst({
      where: { id: input.deliveryId, webhook: { projectId: scope.projectId } },
      select: { id: true, status: true, attempts: true, webhookId: true, webhook: { select: { active: true } } },
    });
    if (!delivery) throw notFound("Delivery");
    if (delivery.status !== "FAILED") throw new AppError("BAD_REQUEST", "Only failed deliveries can be sent again");
    if (!delivery.webhook.active) throw new AppError("BAD_REQUEST", "Enable the webhook before sending again");
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "FAILED" },
      data: { status: "PENDING", nextAttemptAt: new Date(), completedAt: null, leaseUntil: null },
    });
    if (count !== 1) throw new AppError("CONFLICT", "This delivery is already being sent again");
    record({
      action: "webhook.redelivered",
      entityType: "WebhookDelivery",
      entityId: delivery.id,
      projectId: scope.projectId,
      data: { webhookId: delivery.webhookId },
    });
    return delivery.attempts;
  });
  return attemptWebhookDelivery(input.deliveryId, { maxAttempts: attempts + 1 });
}

/** Shows which Slack workspace hook is set without revealing the URL's secret part. */
function previewSlackUrl(url: string): string {
  const parsed = new URL(url);
  const parts = parsed.pathname.split("/").filter(Boolean);
  const shown = parts.slice(0, -1).join("/");
  return `${parsed.host}/${shown}${parts.length > 0 ? "/••••" : ""}`;
}

export async function getSlackSettings({ scope }: { scope: ProjectScope }) {
  const project = await db.project.findUniqueOrThrow({
    where: { id: scope.projectId },
    select: { slackWebhookUrl: true, slackEventTypes: true },
  });
  return {
    configured: project.slackWebhookUrl !== null,
    urlPreview: project.slackWebhookUrl ? previewSlackUrl(project.slackWebhookUrl) : null,
    eventTypes: project.slackEventTypes,
  };
}

/**
 * Sets or clears the project's Slack URL and event types. `url: undefined`
 * keeps the current URL (so event types can change without re-entering it).
 */
export async function setSlackSettings({ scope, input }: { scope: ProjectScope; input: SlackSetInput }) {
  const { url, eventTypes } = input;
  const safeUrl = url ? assertSlackWebhookUrl(url).toString() : url;
  await applyChange(scope.actor, async (tx, record) => {
    const before = await tx.project.findUniqueOrThrow({
      where: { id: scope.projectId },
      select: { slackWebhookUrl: true, slackEventTypes: true },
    });
    const nextUrl = safeUrl === undefined ? before.slackWebhookUrl : safeUrl;
    const unchanged = nextUrl === before.slackWebhookUrl && eventTypes.join("\n") === before.slackEventTypes.join("\n");
    if (unchanged) return;
    await commitIntegrationsVersion(tx, record, {
      scope,
      changeNote: "Slack settings changed",
      next: (current) => ({ ...current, slack: { url: nextUrl === null ? null : fingerprint(nextUrl), eventTypes } }),
      apply: async () => {
        await tx.project.update({
          where: { id: scope.projectId },
          data: { slackWebhookUrl: nextUrl, slackEventTypes: eventTypes },
        });
      },
    });
    // The URL is a credential: the audit trail records only whether one is set and whether it changed.
    record({
      action: "project.slack_updated",
      entityType: "Project",
      entityId: scope.projectId,
      projectId: scope.projectId,
      before: { slackConfigured: before.slackWebhookUrl !== null, slackEventTypes: before.slackEventTypes },
      after: {
        slackConfigured: nextUrl !== null,
        slackEventTypes: eventTypes,
        urlChanged: nextUrl !== before.slackWebhookUrl,
      },
    });
  });
  return getSlackSettings({ scope });
}
