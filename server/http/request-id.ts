/**
 * The id of a request: in the `x-request-id` response header, on every log line written for the request,
 * and on its audit rows and outbox events (`Actor.requestId`). One rule, used by the page proxy and by
 * every handler: an incoming `x-request-id` is kept only when it was set by a proxy of ours
 * (TRUSTED_PROXIES > 0, the trust model of server/auth/client-ip.ts) and is a plain token of at most 100
 * characters; anything else gets a fresh UUID, so a client cannot pick ids that collide with others' or
 * carry text into the logs.
 */
import { getEnv } from "@/lib/env.mjs";

export const REQUEST_ID_HEADER = "x-request-id";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

type HeaderSource = Request | Headers;

/** Whether `value` is acceptable as a request id. */
export function isRequestId(value: string | null | undefined): value is string {
  return typeof value === "string" && REQUEST_ID.test(value);
}

/**
 * The id proxy.ts decided for a page request and forwarded in its headers. Every page request passes the
 * proxy, which replaces a client's own `x-request-id`; a value that is not an id (the proxy did not run)
 * gets a fresh one.
 */
export function pageRequestId(headers: Headers): string {
  const forwarded = headers.get(REQUEST_ID_HEADER);
  return isRequestId(forwarded) ? forwarded : crypto.randomUUID();
}

/** The request id of an incoming request (see the top of this file). */
export function requestIdOf(source: HeaderSource): string {
  const headers = source instanceof Headers ? source : source.headers;
  const incoming = headers.get(REQUEST_ID_HEADER);
  if (getEnv().TRUSTED_PROXIES > 0 && isRequestId(incoming)) return incoming;
  return crypto.randomUUID();
}
