/**
 * Webhook deliveries: one row per (webhook, event) holding the exact body
 * to send, and one attempt row per try. Creating deliveries is idempotent on
 * the event id; attempts are claimed with a lease so two workers never send
 * the same attempt. Inngest's `deliver-webhook` function and the embedded
 * worker tick (`runDueWebhookDeliveries`) both call `attemptWebhookDelivery`.
 */
import { createHmac } from "node:crypto";

import { getEnv } from "@/lib/env.mjs";
import { isWebhookEventType, type WebhookAttemptStatus } from "@/lib/schemas/webhooks";
import { db } from "@/server/db";
import { isUniqueViolation } from "@/server/errors";
import { log } from "@/server/observability/log";
import { countWebhookDelivery } from "@/server/observability/metrics";

import { type PostResult, postGuarded } from "./post-guarded";

export const WEBHOOK_USER_AGENT = "Specline-Webhooks/1";

/**
 * Extra time a claim is held beyond the request timeout (recording the result). Short, so the deliveries
 * of an instance that died are sent by another within the timeout and a few seconds.
 */
const LEASE_MARGIN_MS = 5_000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 60 * 60_000;

export interface WebhookEvent {
  id: string;
  type: string;
  projectId: string | null;
  payload: unknown;
  createdAt: Date;
}

/** The signature header value: HMAC-SHA256 over `${timestamp}.${rawBody}`. */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed:
 * 30 s · 2^(attempt−1), capped at an hour, with "equal jitter" (half fixed,
 * half random) so receivers coming back up are not hit by every retry at once.
 */
export function webhookBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The body's `data`: the outbox payload minus request plumbing. */
function eventData(payload: unknown): unknown {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return payload ?? null;
  const { requestId: _requestId, ...rest } = payload as Record<string, unknown>;
  return rest;
}

export function webhookBody(event: {
  id: string;
  type: string;
  projectKey?: string;
  occurredAt: Date;
  data: unknown;
}): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    ...(event.projectKey ? { projectKey: event.projectKey } : {}),
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  });
}

/**
 * Creates one PENDING delivery per active webhook of the event's project that
 * wants this event type. Replaying the same event creates nothing new.
 * Returns the ids of this event's deliveries that are still PENDING.
 */
export async function enqueueWebhookDeliveries(event: WebhookEvent): Promise<string[]> {
  if (!event.projectId || !isWebhookEventType(event.type)) return [];
  const project = await db.project.findUnique({
    where: { id: event.projectId },
    select: {
      key: true,
      webhooks: {
        where: { active: true, OR: [{ eventTypes: { isEmpty: true } }, { eventTypes: { has: event.type } }] },
        select: { id: true },
      },
    },
  });
  if (!project || project.webhooks.length === 0) return [];
  const body = webhookBody({
    id: event.id,
    type: event.type,
    projectKey: project.key,
    occurredAt: event.createdAt,
    data: eventData(event.payload),
  });
  const webhookIds = project.webhooks.map((w) => w.id);
  await db.webhookDelivery.createMany({
    data: webhookIds.map((webhookId) => ({ webhookId, eventId: event.id, eventType: event.type, body })),
    skipDuplicates: true,
  });
  const pending = await db.webhookDelivery.findMany({
    where: { eventId: event.id, webhookId: { in: webhookIds }, status: "PENDING" },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return pending.map((d) => d.id);
}

export type AttemptStatus = WebhookAttemptStatus;

export interface AttemptResult {
  status: AttemptStatus;
  deliveryId: string;
  /** 1-based number of this attempt; 0 when nothing was sent. */
  attempt: number;
  responseCode: number | null;
  durationMs: number | null;
  error: string | null;
  /** When the next attempt is due (RETRY only). */
  nextAttemptAt: Date | null;
  /** True when no request was sent: already finished, or another worker holds the lease. */
  skipped: boolean;
}

/**
 * One attempt at a delivery: claims it, POSTs the stored body with a fresh
 * timestamp and signature, logs the attempt and moves the delivery on.
 * 2xx → SUCCEEDED; 408, 429, 5xx, timeouts and network errors → RETRY until
 * WEBHOOK_MAX_ATTEMPTS, then FAILED; any other answer (4xx, a redirect) or a
 * refused target → FAILED at once.
 */
export async function attemptWebhookDelivery(
  deliveryId: string,
  opts: {
    timeoutMs?: number;
    /** Overrides WEBHOOK_MAX_ATTEMPTS (a test delivery is sent once). */
    maxAttempts?: number;
  } = {},
): Promise<AttemptResult> {
  const timeoutMs = opts.timeoutMs ?? getEnv().WEBHOOK_TIMEOUT_MS;
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + timeoutMs + LEASE_MARGIN_MS);
  const { count } = await db.webhookDelivery.updateMany({
    where: { id: deliveryId, status: "PENDING", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
    data: { leaseUntil },
  });
  if (count === 0) return notAttempted(deliveryId);
  return attemptClaimed(deliveryId, timeoutMs, opts.maxAttempts);
}

async function notAttempted(deliveryId: string): Promise<AttemptResult> {
  const current = await db.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: { status: true, attempts: true, responseCode: true, durationMs: true, error: true, nextAttemptAt: true },
  });
  const base = { deliveryId, skipped: true, attempt: 0 } as const;
  if (!current) {
    return {
      ...base,
      status: "FAILED",
      responseCode: null,
      durationMs: null,
      error: "Delivery not found",
      nextAttemptAt: null,
    };
  }
  // PENDING here means another worker holds the lease: try again later.
  const status: AttemptStatus =
    current.status === "SUCCEEDED" ? "SUCCEEDED" : current.status === "FAILED" ? "FAILED" : "RETRY";
  return {
    ...base,
    status,
    responseCode: current.responseCode,
    durationMs: current.durationMs,
    error: current.error,
    nextAttemptAt: status === "RETRY" ? (current.nextAttemptAt ?? new Date()) : null,
  };
}

function classify(result: PostResult): "SUCCEEDED" | "RETRY" | "FAILED" {
  if (result.outcome === "refused") return "FAILED";
  if (result.outcome === "timeout" || result.outcome === "network") return "RETRY";
  const code = result.responseCode ?? 0;
  if (code >= 200 && code < 300) return "SUCCEEDED";
  if (code === 408 || code === 429 || code >= 500) return "RETRY";
  return "FAILED";
}

function responseError(result: PostResult): string | null {
  if (result.error) return result.error;
  const code = result.responseCode ?? 0;
  if (code >= 200 && code < 300) return null;
  if (code >= 300 && code < 400) return `Receiver answered ${code}; redirects are not followed`;
  return `Receiver answered ${code}`;
}

async function attemptClaimed(
  deliveryId: string,
  timeoutMs: number,
  maxAttemptsOverride?: number,
): Promise<AttemptResult> {
  const delivery = await db.webhookDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    select: {
      id: true,
      eventId: true,
      eventType: true,
      body: true,
      attempts: true,
      webhook: { select: { url: true, secret: true, active: true } },
    },
  });
  const attempt = delivery.attempts + 1;
  const maxAttempts = maxAttemptsOverride ?? getEnv().WEBHOOK_MAX_ATTEMPTS;

  let result: PostResult;
  if (!delivery.webhook.active) {
    result = { outcome: "refused", responseCode: null, durationMs: 0, error: "The webhook is disabled" };
  } else {
    const timestamp = Math.floor(Date.now() / 1000);
    result = await postGuarded({
      url: delivery.webhook.url,
      body: delivery.body,
      timeoutMs,
      headers: {
        "content-type": "application/json",
        "user-agent": WEBHOOK_USER_AGENT,
        "x-specline-event": delivery.eventType,
        "x-specline-delivery": delivery.id,
        // The same id under the conventional name: a receiver that saw it already can skip a repeat (a
        // retry after a lost answer, or an instance that died between sending and recording).
        "idempotency-key": delivery.id,
        "x-specline-timestamp": String(timestamp),
        "x-specline-signature": signWebhookBody(delivery.webhook.secret, timestamp, delivery.body),
      },
    });
  }

  let status = classify(result);
  if (status === "RETRY" && attempt >= maxAttempts) status = "FAILED";
  const error = responseError(result);
  const finishedAt = new Date();
  const nextAttemptAt = status === "RETRY" ? new Date(finishedAt.getTime() + webhookBackoffMs(attempt)) : null;

  try {
    await db.$transaction([
      db.webhookDeliveryAttempt.create({
        data: { deliveryId, attempt, responseCode: result.responseCode, durationMs: result.durationMs, error },
      }),
      db.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          attempts: attempt,
          responseCode: result.responseCode,
          durationMs: result.durationMs,
          error,
          status: status === "RETRY" ? "PENDING" : status,
          nextAttemptAt,
          completedAt: status === "RETRY" ? null : finishedAt,
          leaseUntil: null,
        },
      }),
    ]);
  } catch (err) {
    // Our lease ran out and another worker logged this attempt number first: its record stands.
    if (isUniqueViolation(err)) return notAttempted(deliveryId);
    throw err;
  }
  countWebhookDelivery(status === "SUCCEEDED" ? "succeeded" : status === "RETRY" ? "retry" : "failed");
  return {
    status,
    deliveryId,
    attempt,
    responseCode: result.responseCode,
    durationMs: result.durationMs,
    error,
    nextAttemptAt,
    skipped: false,
  };
}

/**
 * The embedded-mode worker tick: claims up to `limit` due PENDING deliveries
 * (skipping rows another worker has locked or leased) and attempts them
 * concurrently. Returns how many were attempted.
 */
export async function runDueWebhookDeliveries(opts: { limit?: number; timeoutMs?: number } = {}): Promise<number> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const timeoutMs = opts.timeoutMs ?? getEnv().WEBHOOK_TIMEOUT_MS;
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + timeoutMs + LEASE_MARGIN_MS);
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookDelivery" AS d
    SET "leaseUntil" = ${leaseUntil}
    FROM (
      SELECT id FROM "WebhookDelivery"
      WHERE status = 'PENDING'
        AND "nextAttemptAt" <= ${now}
        AND ("leaseUntil" IS NULL OR "leaseUntil" < ${now})
      ORDER BY "nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) AS due
    WHERE d.id = due.id
    RETURNING d.id::text AS id`;
  await Promise.all(
    claimed.map((row) =>
      attemptClaimed(row.id, timeoutMs).catch((err: unknown) => {
        log.error({ err, deliveryId: row.id }, "webhook delivery attempt failed");
      }),
    ),
  );
  return claimed.length;
}
