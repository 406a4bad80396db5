/**
 * The OpenAPI 3.1 document of the REST API (/api/v1, server/api/rest.ts), generated from the router: each
 * procedure with `meta.openapi` becomes an operation, its zod input and declared output become the
 * parameters, request body and response. Served at /api/openapi.json and read by the reference page
 * (/docs/api). Generated once per process; only the server address differs between requests.
 */
import { generateOpenApiDocument } from "trpc-to-openapi";

import { getEnv } from "@/lib/env.mjs";
import pkg from "@/package.json";
import { REST_BASE_PATH } from "@/server/api/rest";
import { appRouter } from "@/server/api/root";

/** The groups of operations, in the order the reference shows them. */
export const OPENAPI_TAGS = [
  "Projects",
  "Requirements",
  "Versions",
  "Baselines",
  "Issues",
  "Comments",
  "Trace links",
  "Search",
] as const;

type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

let generated: OpenApiDocument | null = null;

function generate(): OpenApiDocument {
  generated ??= generateOpenApiDocument(appRouter, {
    title: "Specline API",
    version: pkg.version,
    description: [
      "Requirements under version control, baselines, issues and the trace links between them.",
      "",
      "Authenticate with an API token (Settings → API tokens): `Authorization: Bearer spl_…`. A token acts as",
      "its owner with the owner's roles; a read token may call every GET. Bodies and answers are JSON, times",
      "are ISO 8601 strings (UTC). Errors answer `{ code, message, issues? }` with the matching HTTP status;",
      "over a rate limit the answer is 429 with `Retry-After`. A create sent with an `Idempotency-Key` header",
      "is done once: a retry with the same key gets the first answer back.",
      "",
      "TypeScript programs can use the typed client package instead (`@specline/client`).",
    ].join("\n"),
    baseUrl: REST_BASE_PATH,
    tags: [...OPENAPI_TAGS],
    securitySchemes: {
      Authorization: { type: "http", scheme: "bearer", bearerFormat: "spl_…", description: "An API token" },
    },
  });
  return generated;
}

/** The document; its server is the instance's public URL (APP_URL), or else the address it was reached at. */
export function openApiDocument(requestHeaders: Headers): OpenApiDocument {
  const origin = getEnv().APP_URL?.replace(/\/+$/, "") ?? reachedAt(requestHeaders);
  return { ...generate(), servers: [{ url: `${origin}${REST_BASE_PATH}` }] };
}

/** The origin a reader used: the Host header (a route handler's own URL names the address the server binds). */
function reachedAt(headers: Headers): string {
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost";
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${host}`;
}
