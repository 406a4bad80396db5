/**
 * What every API request goes through, whichever way it is carried — tRPC (app/api/trpc) or REST
 * (app/api/v1, server/api/rest.ts): the admission of writes before anything parses them, the caller's
 * context, and the headers of the answer. Each carrier words its refusals in its own format.
 */
import { getEnv } from "@/lib/env.mjs";
import { IDEMPOTENCY_KEY_HEADER } from "@/lib/idempotency";
import { type Context, createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getRequestCredentials } from "@/server/auth/session";
import { RETRY_AFTER_SECONDS } from "@/server/errors";
import { readBodyWithin } from "@/server/http/body-limit";
import { corsHeaders, crossOriginAllowed } from "@/server/http/cors";
import { isSameOrigin } from "@/server/http/route-helpers";
import { setRequestUser } from "@/server/observability/request-context";
import { rateLimitHeaders } from "@/server/rate-limit";

export type ApiRefusal =
  | { status: 415; code: "UNSUPPORTED_MEDIA_TYPE"; message: string }
  | { status: 403; code: "FORBIDDEN"; message: string }
  | { status: 413; code: "PAYLOAD_TOO_LARGE"; message: string };

/**
 * A write (any method with a body) is admitted when it is JSON (a cross-site form cannot ride the session
 * cookie), passes the cross-origin rule (a cookie call from this app only; a bearer-token call without a
 * cookie from anywhere), and its body — chunked or not — fits REQUEST_BODY_MAX_BYTES. Its bytes, read once.
 */
export async function admitApiWrite(
  req: Request,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; refusal: ApiRefusal }> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    return {
      ok: false,
      refusal: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Writes must be sent as application/json" },
    };
  }
  if (!crossOriginAllowed(req, isSameOrigin(req))) {
    return { ok: false, refusal: { status: 403, code: "FORBIDDEN", message: "Cross-origin requests are not allowed" } };
  }
  const max = getEnv().REQUEST_BODY_MAX_BYTES;
  const body = await readBodyWithin(req, max);
  if (!body.ok) {
    return {
      ok: false,
      refusal: { status: 413, code: "PAYLOAD_TOO_LARGE", message: `Request bodies can be at most ${max} bytes` },
    };
  }
  return { ok: true, bytes: body.bytes };
}

/** The caller of an API request: its API token, or the session its cookie names; anonymous otherwise. */
export async function apiContext(req: Request, opts: { requestId: string; signal: AbortSignal }): Promise<Context> {
  const credentials = await getRequestCredentials(req);
  setRequestUser(credentials?.userId ?? null);
  return createContextInner({
    userId: credentials?.userId ?? null,
    sessionId: credentials?.sessionId,
    apiToken: credentials?.apiToken,
    requestId: opts.requestId,
    ip: clientIp(req.headers),
    signal: opts.signal,
    idempotencyKey: req.headers.get(IDEMPOTENCY_KEY_HEADER),
  });
}

/** The headers of an API answer: its request id, CORS for allowed origins, the rate limit, Retry-After on 503. */
export function apiResponseHeaders(
  req: Request,
  requestId: string,
  ctx: Context | undefined,
  errorCodes: readonly string[],
): Headers {
  const headers = new Headers({ "x-request-id": requestId, ...corsHeaders(req) });
  const decision = ctx?.rateLimit.decision;
  if (decision) for (const [name, value] of Object.entries(rateLimitHeaders(decision))) headers.set(name, value);
  if (errorCodes.includes("SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return headers;
}
