/** `/api/docs`: the REST API reference is a page of the app (/docs/api), under the app's content policy. */
import { withRequest } from "@/server/http/route-helpers";

export function GET(req: Request) {
  // A relative location: the handler's own URL names the address the server binds, not the one the reader used.
  return withRequest(req, "docs", async () => new Response(null, { status: 308, headers: { location: "/docs/api" } }));
}
