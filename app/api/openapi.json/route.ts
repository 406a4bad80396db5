/** The OpenAPI 3.1 document of the REST API (server/api/openapi.ts). Public: it describes the API, not its data. */
import { openApiDocument } from "@/server/api/openapi";
import { corsHeaders } from "@/server/http/cors";
import { withRequest } from "@/server/http/route-helpers";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  return withRequest(req, "openapi.json", async () =>
    Response.json(openApiDocument(req.headers), {
      headers: { "cache-control": "public, max-age=300", ...corsHeaders(req) },
    }),
  );
}
