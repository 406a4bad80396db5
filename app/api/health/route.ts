/** Liveness: the process is up and serving. */
import { withRequest } from "@/server/http/route-helpers";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withRequest(req, "health", async () =>
    Response.json(
      { status: "ok", uptimeSeconds: Math.round(process.uptime()) },
      { headers: { "cache-control": "no-store" } },
    ),
  );
}
