/**
 * This instance's Prometheus metrics (text exposition format): request
 * durations, the database pool, the outbox, webhooks, rate limits, live
 * streams, imports and Node's own. Each instance answers for itself; who may
 * read them is metricsAccess's rule (a bearer token, or loopback only).
 */
import { jsonError } from "@/server/http/route-helpers";
import { metricsAccess } from "@/server/observability/metrics-access";
import { registryWithRuntimeGauges } from "@/server/observability/runtime-gauges";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const access = metricsAccess(req.headers);
  if (access === "unauthorized") {
    const res = jsonError(401, "A valid metrics token is required", "UNAUTHORIZED");
    res.headers.set("www-authenticate", 'Bearer realm="metrics"');
    return res;
  }
  if (access === "forbidden") {
    return jsonError(403, "Metrics are served to this machine only unless METRICS_TOKEN is set", "FORBIDDEN");
  }
  const registry = registryWithRuntimeGauges();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
