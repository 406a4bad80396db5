/**
 * The REST API under /api/v1: the public procedures (those with `meta.openapi`) at plain HTTP paths, for
 * programs that do not speak tRPC. Each call is the tRPC call itself, made through `createCaller` — the same
 * credentials, middleware (rate limits, budgets, idempotent creates), input schema, access check and declared
 * output — so REST adds routing and JSON, nothing else. Answers are plain JSON: dates are ISO 8601 strings.
 * The OpenAPI document describing these paths is generated from the same router (server/api/openapi.ts).
 *
 * Routing is done here rather than by the OpenAPI library's handler: that handler turns on coercion in the
 * router's own input schemas on first use (so a tRPC call would afterwards accept `"false"` as `true`).
 * Here query strings are converted per field into a new input object and the schemas stay as they are.
 */
import { getErrorShape, getTRPCErrorFromUnknown, type TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError, type z } from "zod";

import { appRouter, createCaller } from "@/server/api/root";
import type { Context } from "@/server/api/trpc";
import { admitApiWrite, apiContext, apiResponseHeaders } from "@/server/http/api-request";
import { withRequest } from "@/server/http/route-helpers";

export const REST_BASE_PATH = "/api/v1";

type HttpMethod = NonNullable<OpenApiMeta["openapi"]>["method"];
type Segment = { literal: string } | { param: string };

interface RestRoute {
  method: HttpMethod;
  segments: Segment[];
  procedure: string;
  type: "query" | "mutation";
  input: z.ZodType | undefined;
}

interface ProcedureDef {
  _def: { type: string; meta?: OpenApiMeta; inputs: z.ZodType[] };
}

let routes: RestRoute[] | null = null;

/** Every procedure with `meta.openapi`, literal segments before parameters so `/baselines/compare` wins over `/baselines/{id}`. */
function restRoutes(): RestRoute[] {
  if (routes) return routes;
  const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
  const found: RestRoute[] = [];
  for (const [path, procedure] of Object.entries(procedures)) {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false) continue;
    if (procedure._def.type !== "query" && procedure._def.type !== "mutation") continue;
    found.push({
      method: openapi.method,
      segments: splitPath(openapi.path).map((s) => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : { literal: s })),
      procedure: path,
      type: procedure._def.type,
      input: procedure._def.inputs[0],
    });
  }
  const rank = (r: RestRoute) => r.segments.map((s) => ("literal" in s ? "0" : "1")).join("");
  found.sort((a, b) => a.segments.length - b.segments.length || rank(a).localeCompare(rank(b)));
  routes = found;
  return found;
}

function splitPath(path: string): string[] {
  return path.split("/").filter(Boolean);
}

function match(route: RestRoute, parts: string[]): Record<string, string> | null {
  if (route.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = route.segments[i] as Segment;
    const part = parts[i] as string;
    if ("literal" in segment) {
      if (segment.literal.toLowerCase() !== part.toLowerCase()) return null;
    } else {
      params[segment.param] = part;
    }
  }
  return params;
}

/** Answers a request under /api/v1, with its request id, log line, metric and span (withRequest). */
export function handleRestRequest(incoming: Request): Promise<Response> {
  return withRequest(incoming, "v1", ({ requestId }) => answerRestRequest(incoming, requestId));
}

async function answerRestRequest(incoming: Request, requestId: string): Promise<Response> {
  const url = new URL(incoming.url);
  const headersOf = (ctx: Context | undefined, codes: string[]) => apiResponseHeaders(incoming, requestId, ctx, codes);
  let parts: string[];
  try {
    parts = splitPath(url.pathname.slice(REST_BASE_PATH.length)).map(decodeURIComponent);
  } catch {
    return errorResponse(400, "BAD_REQUEST", "The path is not valid", headersOf(undefined, []));
  }
  const candidates = restRoutes().flatMap((route) => {
    const params = match(route, parts);
    return params ? [{ route, params }] : [];
  });
  if (candidates.length === 0) {
    return errorResponse(404, "NOT_FOUND", `No endpoint at ${url.pathname}`, headersOf(undefined, []));
  }
  const found = candidates.find((c) => c.route.method === incoming.method);
  if (!found) {
    const allow = [...new Set(candidates.map((c) => c.route.method))].join(", ");
    const headers = headersOf(undefined, []);
    headers.set("allow", allow);
    return errorResponse(405, "METHOD_NOT_SUPPORTED", `${incoming.method} is not supported here (${allow})`, headers);
  }
  const { route, params } = found;

  let fields: Record<string, unknown>;
  if (route.method === "GET" || route.method === "DELETE") {
    fields = fromQuery(url.searchParams, route.input);
  } else {
    const admitted = await admitApiWrite(incoming);
    if (!admitted.ok) {
      const { status, code, message } = admitted.refusal;
      return errorResponse(status, code, message, headersOf(undefined, [code]));
    }
    const body = parseJsonObject(admitted.bytes);
    if (body === null) {
      return errorResponse(400, "PARSE_ERROR", "The body must be a JSON object", headersOf(undefined, []));
    }
    fields = body;
  }
  const input = { ...fields, ...params };

  const ctx = await apiContext(incoming, { requestId, signal: incoming.signal });
  try {
    const caller = createCaller(ctx) as unknown as Record<string, unknown>;
    const procedure = route.procedure
      .split(".")
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], caller);
    const data = await (procedure as (input: unknown) => Promise<unknown>)(input);
    const headers = headersOf(ctx, []);
    headers.set("cache-control", "no-store");
    return Response.json(data ?? null, { status: 200, headers });
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    const shape = getErrorShape({
      config: appRouter._def._config,
      error,
      type: route.type,
      path: route.procedure,
      input,
      ctx,
    });
    return errorResponse(
      getHTTPStatusCodeFromError(error),
      error.code,
      shape.message,
      headersOf(ctx, [error.code]),
      issuesOf(error),
    );
  }
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Headers,
  issues?: { message: string }[],
): Response {
  headers.set("cache-control", "no-store");
  return Response.json({ message, code, ...(issues ? { issues } : {}) }, { status, headers });
}

/** The input's validation problems, each as "field: problem". */
function issuesOf(error: TRPCError): { message: string }[] | undefined {
  if (!(error.cause instanceof ZodError)) return undefined;
  return error.cause.issues.map((i) => ({ message: i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message }));
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  if (bytes.byteLength === 0) return {};
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/* ------------------------------------------------------------------ query strings */

type Kind = "number" | "boolean" | "array" | "other";

/** The zod def of a schema, as zod 4 exposes it to tools. */
function defOf(schema: z.ZodType): { type: string; [key: string]: unknown } {
  return (schema as unknown as { _zod: { def: { type: string; [key: string]: unknown } } })._zod.def;
}

/** The schema under wrappers that do not change what a query string must say: optional, default, a pipe's input side. */
function unwrap(schema: z.ZodType): z.ZodType {
  let at = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(at);
    if (["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type)) {
      at = def.innerType as z.ZodType;
    } else if (def.type === "pipe") {
      at = def.in as z.ZodType;
    } else {
      return at;
    }
  }
  return at;
}

function kindOf(schema: z.ZodType | undefined): Kind {
  if (!schema) return "other";
  const type = defOf(unwrap(schema)).type;
  return type === "number" || type === "int"
    ? "number"
    : type === "boolean"
      ? "boolean"
      : type === "array"
        ? "array"
        : "other";
}

function shapeOf(input: z.ZodType | undefined): Record<string, z.ZodType> {
  if (!input) return {};
  const def = defOf(unwrap(input));
  return def.type === "object" ? (def.shape as Record<string, z.ZodType>) : {};
}

function convert(value: string, kind: Kind): unknown {
  if (kind === "number" && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) return Number(value);
  if (kind === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * A GET or DELETE input from its query string, per field of the input schema: numbers and booleans written
 * as text become numbers and booleans (anything else stays text, for the schema to refuse), a list field
 * takes every value of its repeated parameter (`?status=OPEN&status=DONE`).
 */
function fromQuery(search: URLSearchParams, input: z.ZodType | undefined): Record<string, unknown> {
  const shape = shapeOf(input);
  // No prototype: a parameter named `__proto__` is a field like any other (and unknown to every schema).
  const fields: Record<string, unknown> = Object.create(null);
  for (const key of new Set(search.keys())) {
    // Own fields only: `shape.__proto__` or `shape.constructor` are not fields.
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const kind = kindOf(field);
    if (kind === "array") {
      const element = defOf(unwrap(field as z.ZodType)).element as z.ZodType | undefined;
      fields[key] = search.getAll(key).map((v) => convert(v, kindOf(element)));
    } else {
      fields[key] = convert(search.get(key) as string, kind);
    }
  }
  return fields;
}
