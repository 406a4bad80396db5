/**
 * Shared plumbing for the route handlers outside tRPC (file upload and
 * download, exports, imports, health): the session's user id, the same-origin rule for writes,
 * domain errors (toAppError) → HTTP status, with generic messages for anything unexpected, and
 * `withRequest` — the request id, log line, metrics and span every route handler has.
 */
import { clientIp } from "@/server/auth/client-ip";
import { getRequestCredentials, type RequestCredentials } from "@/server/auth/session";
import { AppError, HTTP_STATUS, RETRY_AFTER_SECONDS, toAppError } from "@/server/errors";
import { crossOriginAllowed } from "@/server/http/cors";
import { REQUEST_ID_HEADER, requestIdOf } from "@/server/http/request-id";
import { log } from "@/server/observability/log";
import { observe } from "@/server/observability/observe";
import { setRequestUser } from "@/server/observability/request-context";
import { type BucketName, checkRateLimit, tooManyRequests } from "@/server/rate-limit";

export function jsonError(status: number, message: string, code: string) {
  return Response.json({ error: { message, code } }, { status, headers: { "cache-control": "no-store" } });
}

/**
 * The request's credentials — its API token, or the session its cookie
 * names — or UNAUTHORIZED. Whether they are still live, and what their user
 * may do, is `authorizeOrThrow`'s to decide.
 */
export async function credentialsOrThrow(req: Request): Promise<RequestCredentials> {
  const credentials = await getRequestCredentials(req);
  if (!credentials) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  setRequestUser(credentials.userId);
  return credentials;
}

/**
 * Counts the request against the `api` bucket (and `extra`) for this caller,
 * as the tRPC middleware does for a procedure call; over budget it throws
 * TOO_MANY_REQUESTS, which `handleErrors` answers with Retry-After.
 */
export async function enforceRateLimit(
  req: Request,
  caller: { userId: string | null; apiToken?: { id: string } | null },
  extra: BucketName[] = [],
) {
  const decision = await checkRateLimit(["api", ...extra], { ...caller, ip: clientIp(req.headers) });
  if (decision && !decision.allowed) throw tooManyRequests(decision);
}

/** True when the request carries no Origin (same-site navigation, server calls) or one matching the host. */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return true;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A cookie request from another origin is refused; a bearer-token request without a cookie is not (see server/http/cors.ts). */
export function assertSameOrigin(req: Request) {
  if (!crossOriginAllowed(req, isSameOrigin(req))) {
    throw new AppError("FORBIDDEN", "Cross-origin requests are not allowed");
  }
}

export { requestIdOf };

/** The answer to an error thrown by a route handler: a domain error's status and message, 500 otherwise. */
function errorResponse(err: unknown): { response: Response; code?: string } {
  const mapped = toAppError(err);
  if (!mapped) return { response: jsonError(500, "Internal server error", "INTERNAL_SERVER_ERROR") };
  const response = jsonError(HTTP_STATUS[mapped.code], mapped.message, mapped.code);
  if (mapped.code === "SERVICE_UNAVAILABLE") response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  const wait = mapped.details?.retryAfterSeconds;
  if (mapped.code === "TOO_MANY_REQUESTS" && typeof wait === "number") {
    response.headers.set("retry-after", String(wait));
  }
  return { response, code: mapped.code };
}

/** Answers errors thrown by `work` (see errorResponse); an unexpected one is logged. */
export async function handleErrors(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    const { response, code } = errorResponse(err);
    if (!code) log.error({ err }, "internal error");
    return response;
  }
}

/** `response` with the request id header (a copy when its headers are immutable, as a fetched response's are). */
function withRequestIdHeader(response: Response, requestId: string): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    return copy;
  }
}

/**
 * A route handler's request: its id (requestIdOf, passed to `work` for its Actor and returned as
 * `x-request-id`), errors answered as `handleErrors` does, and one log line, metric and span when it
 * ends (server/observability/observe.ts). `route` is the handler's pattern (`projects/[key]/export`);
 * `carrier` marks the tRPC endpoint, whose single calls are observed as procedures instead.
 */
export async function withRequest(
  req: Request,
  route: string,
  work: (request: { requestId: string }) => Promise<Response>,
  options: { carrier?: boolean } = {},
): Promise<Response> {
  const requestId = requestIdOf(req);
  const answered = await observe(
    { kind: "route", name: route, method: req.method, requestId, carrier: options.carrier },
    async () => {
      try {
        return { response: await work({ requestId }) };
      } catch (err) {
        const { response, code } = errorResponse(err);
        return { response, code, error: err };
      }
    },
    ({ response, code, error }) => ({ status: response.status, code, error }),
  );
  return withRequestIdHeader(answered.response, requestId);
}
