/**
 * Prometheus metrics of this instance (prom-client), served by `GET /api/metrics`. One registry per
 * process, kept on globalThis: Next loads server modules in more than one bundle (route handlers, the
 * instrumentation hook), and every copy must count into the same series.
 */
import client from "prom-client";

import { trafficWindow } from "@/server/observability/traffic-window";

interface Metrics {
  registry: client.Registry;
  requestDuration: client.Histogram<"kind" | "name" | "method" | "status">;
  outboxDispatched: client.Counter;
  outboxDispatchFailures: client.Counter;
  webhookDeliveries: client.Counter<"outcome">;
  notificationSends: client.Counter<"channel" | "outcome">;
  rateLimitRejections: client.Counter<"bucket">;
  importJobs: client.Counter<"kind" | "status">;
}

const globalForMetrics = globalThis as unknown as { specline_metrics?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const requestDuration = new client.Histogram({
    name: "http_server_request_duration_seconds",
    help: "Duration of HTTP requests, by tRPC procedure or route, and response status",
    labelNames: ["kind", "name", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const outboxDispatched = new client.Counter({
    name: "specline_outbox_dispatched_total",
    help: "Outbox events this instance's dispatcher delivered (ran in-process or relayed to Inngest)",
    registers: [registry],
  });
  const outboxDispatchFailures = new client.Counter({
    name: "specline_outbox_dispatch_failures_total",
    help: "Failed attempts of this instance's dispatcher at an outbox event (retried with back-off, or marked failed)",
    registers: [registry],
  });
  const webhookDeliveries = new client.Counter({
    name: "specline_webhook_deliveries_total",
    help: "Webhook delivery attempts, by outcome: succeeded, retry (tried again later) or failed (given up)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const notificationSends = new client.Counter({
    name: "specline_notification_sends_total",
    help: "Notification emails and Slack messages, by channel and outcome (sent or failed)",
    labelNames: ["channel", "outcome"] as const,
    registers: [registry],
  });
  const rateLimitRejections = new client.Counter({
    name: "specline_rate_limit_rejections_total",
    help: "Requests refused with TOO_MANY_REQUESTS, by budget (the API's buckets, sign-in by address, live streams per user)",
    labelNames: ["bucket"] as const,
    registers: [registry],
  });
  const importJobs = new client.Counter({
    name: "specline_import_jobs_total",
    help: "Imports run to the end, by kind and status",
    labelNames: ["kind", "status"] as const,
    registers: [registry],
  });
  return {
    registry,
    requestDuration,
    outboxDispatched,
    outboxDispatchFailures,
    webhookDeliveries,
    notificationSends,
    rateLimitRejections,
    importJobs,
  };
}

export function metrics(): Metrics {
  globalForMetrics.specline_metrics ??= create();
  return globalForMetrics.specline_metrics;
}

/** A finished request: a tRPC procedure (`issue.create`) or a route handler (`projects/[key]/import`). */
export interface FinishedRequest {
  kind: "procedure" | "route";
  /** The procedure path, or the route's pattern — never the raw URL (unbounded label values). */
  name: string;
  method: string;
  status: number;
  seconds: number;
}

export function recordRequest(r: FinishedRequest): void {
  metrics().requestDuration.observe(
    { kind: r.kind, name: r.name, method: r.method, status: String(r.status) },
    r.seconds,
  );
  trafficWindow().record({ kind: r.kind, name: r.name, status: r.status, durationMs: r.seconds * 1000 });
}

/** Outbox events delivered by this instance's dispatcher (counted once their rows are marked dispatched). */
export function countOutboxDispatched(events: number): void {
  if (events > 0) metrics().outboxDispatched.inc(events);
}

/** One failed attempt at an outbox event (not an interruption by a database outage, which is no attempt). */
export function countOutboxDispatchFailure(): void {
  metrics().outboxDispatchFailures.inc();
}

export function countWebhookDelivery(outcome: "succeeded" | "failed" | "retry"): void {
  metrics().webhookDeliveries.inc({ outcome });
}

export function countNotificationSend(channel: "email" | "slack", outcome: "sent" | "failed"): void {
  metrics().notificationSends.inc({ channel, outcome });
}

/**
 * A request refused for being over a budget. `bucket` is one of a fixed set
 * (rateLimitBuckets' names, `sign-in`, `live-streams`), never caller input.
 */
export function countRateLimitRejection(bucket: string): void {
  metrics().rateLimitRejections.inc({ bucket });
}

export function countImportJob(kind: string, status: "SUCCEEDED" | "FAILED"): void {
  metrics().importJobs.inc({ kind, status: status.toLowerCase() });
}
