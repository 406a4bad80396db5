/**
 * The Content-Security-Policy of every page, with a fresh nonce per request.
 *
 * Next.js reads the nonce from the policy on the request and puts it on the
 * scripts it renders (framework, page chunks, inline bootstrap and flight
 * data), so only those run: no `'unsafe-inline'` for scripts, and
 * `'strict-dynamic'` lets the chunks they load follow. Pages therefore
 * render per request (the root layout is dynamic).
 *
 * `/api/*` is left out of the matcher: the proxy buffers request bodies, and
 * API responses get their own policy from next.config.mjs, as do the other
 * security headers.
 *
 * It also decides every page request's id (server/http/request-id.ts), returns it as `x-request-id` and
 * forwards it, replacing whatever the client sent under that name, so the server components' calls
 * (lib/trpc/server.ts) log and audit under the same id. Prefetches get the id but no policy: they carry
 * no document.
 */
import { type NextRequest, NextResponse } from "next/server";

import { REQUEST_ID_HEADER, requestIdOf } from "@/server/http/request-id";

const dev = process.env.NODE_ENV === "development";

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    // Development: React rebuilds server error stacks in the browser with eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Style elements need the nonce too; style attributes (charts, progress bars,
    // positioned popovers) cannot carry one and stay allowed. Development injects
    // style elements for hot reload.
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

function isPrefetch(request: NextRequest): boolean {
  return request.headers.has("next-router-prefetch") || request.headers.get("purpose") === "prefetch";
}

export function proxy(request: NextRequest) {
  const requestId = requestIdOf(request.headers);
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  if (isPrefetch(request)) {
    const response = NextResponse.next({ request: { headers } });
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = {
  matcher: [
    {
      // Everything but the API (its handlers decide their own request ids) and Next.js's build assets.
      source: "/((?!api/|api$|_next/static/|_next/image).*)",
    },
  ],
};
