/** Readiness: the database answers and every committed migration is applied. */
import { RETRY_AFTER_SECONDS } from "@/server/errors";
import { withRequest } from "@/server/http/route-helpers";
import { checkReadiness } from "@/server/services/readiness";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withRequest(req, "ready", async () => {
    const result = await checkReadiness();
    const ready = result.status === "ready";
    return Response.json(result, {
      status: ready ? 200 : 503,
      headers: ready
        ? { "cache-control": "no-store" }
        : { "cache-control": "no-store", "retry-after": String(RETRY_AFTER_SECONDS) },
    });
  });
}
