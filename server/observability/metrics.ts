/**
 * Prometheus metrics of this instance (prom-client), served by `GET /api/metrics`. One registry per
 * process, kept on globalThis: Next loads server modules in more than one bundle (route handlers, the
 * instrumentation hook), and every copy must count into the same series.
 */
import client from "prom-client";

interface Metrics {
  registry: client.Registry;
  requestDuration: client.Histogram<"kind" | "name" | "method" | "status">;
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
  return { registry, requestDuration };
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
}
