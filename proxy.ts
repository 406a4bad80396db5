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
 */
import { type NextRequest, NextResponse } from "next/server";

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

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Everything but the API and Next.js's build assets. Prefetches carry no
      // document, so they skip the proxy.
      source: "/((?!api/|api$|_next/static/|_next/image).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
