/**
 * Next.js configuration: standalone output for the container image and the
 * security headers every response carries (lib/security-headers.mjs). Pages
 * get their Content-Security-Policy, with a per-request script nonce, from
 * proxy.ts; everything else (the API, build assets) gets a policy that
 * allows nothing.
 */
import { noContentPolicy, securityHeaders } from "./lib/security-headers.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  // The readiness check compares applied migrations with the shipped ones.
  outputFileTracingIncludes: { "/api/ready": ["./prisma/migrations/**/*"] },
  serverExternalPackages: [
    "@node-rs/argon2",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "ioredis",
    // Tracing (server/observability/tracing.ts): the pg instrumentation patches `pg` through Node's require,
    // which works only on real modules, and the API must be one copy shared by the SDK, the app and Next.
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/resources",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/instrumentation",
    "@opentelemetry/instrumentation-pg",
    "@opentelemetry/instrumentation-undici",
  ],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // The complement of proxy.ts's matcher, so no response carries two policies. Attachment downloads
      // are left out: these headers would replace the sandboxing policy their route sets.
      {
        source: "/:path(api/(?!attachments/).*|api|_next/static/.*|_next/image.*)",
        headers: [{ key: "Content-Security-Policy", value: noContentPolicy }],
      },
    ];
  },
};

export default nextConfig;
