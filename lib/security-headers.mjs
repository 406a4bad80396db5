/**
 * The security headers every response carries, and the policy of responses that are not pages (the API,
 * build assets). next.config.mjs applies them to what Next serves; the tRPC endpoint's node carrier
 * (server/http/node-bridge.ts) to what it serves itself. Pages get their Content-Security-Policy, with a
 * per-request script nonce, from proxy.ts.
 */

/** @type {{ key: string, value: string }[]} */
export const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** API responses and build assets are never documents to run. */
export const noContentPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
