/**
 * Cross-origin calls with API tokens. Browsers on other origins may call
 * the API only from CORS_ORIGINS, and only with a bearer token: the answers
 * never allow credentials, so a session cookie is never sent along.
 */
import { getEnv } from "@/lib/env.mjs";

export function allowedOrigin(req: Request): string | null {
  const origin = req.headers.get("origin");
  if (!origin) return null;
  return (getEnv().CORS_ORIGINS ?? []).includes(origin) ? origin : null;
}

/** The headers an answer to an allowed origin carries (none for any other). */
export function corsHeaders(req: Request): Record<string, string> {
  const origin = allowedOrigin(req);
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "x-request-id, retry-after, ratelimit, ratelimit-policy",
    vary: "Origin",
  };
}

/** The answer to a preflight: allowed for the listed origins, with the headers an API call sends. */
export function preflight(req: Request): Response {
  const origin = allowedOrigin(req);
  if (!origin) return new Response(null, { status: 403, headers: { vary: "Origin" } });
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(req),
      "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE",
      "access-control-allow-headers": "authorization, content-type, idempotency-key, x-request-id, last-event-id",
      "access-control-max-age": "600",
    },
  });
}

/**
 * Whether a cross-origin call may go on: a bearer-token call without a cookie
 * carries no ambient credential, so it cannot be forged by another site;
 * anything with a cookie must come from this app's own origin.
 */
export function crossOriginAllowed(req: Request, sameOrigin: boolean): boolean {
  if (sameOrigin) return true;
  const bearer = /^bearer\s/i.test(req.headers.get("authorization") ?? "");
  return bearer && !req.headers.get("cookie");
}
