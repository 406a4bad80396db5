/**
 * Shared plumbing for the few route handlers outside tRPC (file upload and
 * download): the session's user id, the same-origin rule for writes, and
 * domain errors (toAppError) → HTTP status, with generic messages for anything unexpected.
 */
import { randomUUID } from "node:crypto";

import { clientIp } from "@/server/auth/client-ip";
import { getRequestCredentials, type RequestCredentials } from "@/server/auth/session";
import { AppError, HTTP_STATUS, RETRY_AFTER_SECONDS, toAppError } from "@/server/errors";
import { crossOriginAllowed } from "@/server/http/cors";
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

export function requestIdOf(req: Request): string {
  return req.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
}

export async function handleErrors(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    const mapped = toAppError(err);
    if (mapped) {
      const response = jsonError(HTTP_STATUS[mapped.code], mapped.message, mapped.code);
      if (mapped.code === "SERVICE_UNAVAILABLE") response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      const wait = mapped.details?.retryAfterSeconds;
      if (mapped.code === "TOO_MANY_REQUESTS" && typeof wait === "number") {
        response.headers.set("retry-after", String(wait));
      }
      return response;
    }
    console.error("[route] internal error", err);
    return jsonError(500, "Internal server error", "INTERNAL_SERVER_ERROR");
  }
}
