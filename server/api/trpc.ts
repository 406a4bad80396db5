/**
 * tRPC setup, in three parts:
 *   1. CONTEXT — who is calling (user id from the session cookie), the request id, the client address and the
 *      request's Idempotency-Key.
 *   2. INITIALIZATION — superjson on the wire (fast path for responses), one error formatter, the AppError → tRPC code mapping,
 *      the refusal of text the database cannot store (NUL characters, unpaired surrogates), idempotent creates.
 *   3. PROCEDURES — public, protected (signed in), instance-admin and the
 *      project procedure factory that resolves the caller's role per request.
 * `t` stays private; only the builders below are exported.
 */
import { randomUUID } from "node:crypto";

import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError, z } from "zod";

import { getEnv } from "@/lib/env.mjs";
import { projectKey as projectKeySchema } from "@/lib/schemas/common";
import { serverTransformer } from "@/lib/transformer";
import { parserOf } from "@/server/api/validation";
import type { ProjectPermission } from "@/server/auth/permissions";
import { authenticateOrThrow, authorizeOrThrow } from "@/server/auth/project-scope";
import { AppError, toAppError } from "@/server/errors";
import { log } from "@/server/observability/log";
import { observe } from "@/server/observability/observe";
import { type BucketName, checkRateLimit, type RateLimitDecision, tooManyRequests } from "@/server/rate-limit";
import type { Actor } from "@/server/services/change";
import {
  type IdempotencyClaim,
  IdempotentReplay,
  parseIdempotencyKey,
  requestHash,
} from "@/server/services/idempotency";

export type { ProjectScope } from "@/server/auth/project-scope";

/* ---------------------------------------------------------------- 1. CONTEXT */

export interface ContextOptions {
  /** The signed-in user's id, or null. Roles are always read from the database. */
  userId: string | null;
  /**
   * The session the request's cookie names, checked against the database with the caller on every call.
   * Every HTTP carrier sets it with userId; only in-process callers (the seed, tests) leave it out.
   */
  sessionId?: string;
  /** The API token the request came with instead of a session (`Authorization: Bearer spl_…`). */
  apiToken?: { id: string; scope: "READ" | "WRITE" };
  requestId?: string;
  /** Client address used as the rate-limit key for anonymous calls. */
  ip?: string | null;
  /**
   * Aborted when the client goes away. The expensive raw statements (impact,
   * matrix, coverage, search, exports) take it and are cancelled on the
   * database server, so an abandoned request does not keep a backend busy.
   */
  signal?: AbortSignal;
  /**
   * The request's `Idempotency-Key` header as sent (null or absent: none).
   * Only procedures with `meta({ idempotent: true })` read it.
   */
  idempotencyKey?: string | null;
}

/** Context without req/res, used by the HTTP handler, server components and tests. */
export function createContextInner(opts: ContextOptions) {
  return {
    userId: opts.userId,
    sessionId: opts.sessionId,
    apiToken: opts.apiToken,
    requestId: opts.requestId ?? randomUUID(),
    ip: opts.ip ?? null,
    signal: opts.signal,
    idempotencyKey: opts.idempotencyKey ?? null,
    /** This call's claim on the key: set by the idempotency middleware for a keyed create, carried by its Actor. */
    idempotency: null as IdempotencyClaim | null,
    /** The most constraining rate-limit answer of this request's calls, for the response headers. */
    rateLimit: { decision: null as RateLimitDecision | null },
  };
}

export type Context = ReturnType<typeof createContextInner>;

/* --------------------------------------------------------- 2. INITIALIZATION */

/** Per-procedure settings. */
export type Meta = {
  /** A request budget beyond the `api` one every call counts against. */
  limit?: Exclude<BucketName, "api">;
  /**
   * A create that honours `Idempotency-Key` (listed in IDEMPOTENT_MUTATIONS,
   * lib/idempotency.ts). Its service must make exactly one `applyChange` and
   * return its result unchanged: a retry is answered with that stored result.
   */
  idempotent?: boolean;
  /**
   * One of the calls an account that is not set up yet may make: who am I, verify the address, sign out, and
   * the security settings where an instance admin turns on the two-factor sign-in the instance requires.
   */
  accountSetup?: boolean;
  /** An account procedure (tokens, password, sessions, two-factor): a browser session only, never an API token. */
  sessionOnly?: boolean;
  /**
   * Also served as REST at `REST_BASE_PATH + path` (server/api/rest.ts) and described in the OpenAPI
   * document (server/api/openapi.ts). `{name}` in the path is that input field.
   */
  openapi?: RestMeta;
};

/** `.meta(rest("GET", "/projects/{projectKey}/issues", "List issues", "Issues"))`: also served as REST, under that tag. */
export function rest(method: RestMeta["method"], path: RestMeta["path"], summary: string, tag: string): Meta {
  const errorResponses = method === "GET" ? READ_ERRORS : { ...READ_ERRORS, ...WRITE_ERRORS };
  return { openapi: { method, path, summary, tags: [tag], errorResponses } };
}

/** What any REST call may answer besides 200, as `{ code, message, issues? }`. */
const READ_ERRORS = {
  400: "The input is not valid (issues says where)",
  401: "No token, or one that is revoked, expired or whose owner is deactivated",
  403: "The token's owner may not do this here",
  404: "No such item, or not one the token's owner may see",
  429: "Over the rate limit: retry after Retry-After seconds",
  503: "The request took longer than the server allows, or the database is unavailable: retry shortly",
};

/** What a write may answer besides. */
const WRITE_ERRORS = {
  403: "The token's owner may not do this here, or the token is read-only",
  409: "Changed meanwhile (expectedVersion is not the current version), or the key is taken",
  413: "The body is larger than the server accepts",
  415: "The body must be application/json",
};

/** Where a public procedure is served as REST (the fields of trpc-to-openapi's `OpenApiMeta` used here). */
export interface RestMeta {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: `/${string}`;
  summary: string;
  description?: string;
  tags: string[];
  /** False for procedures anyone may call; every other one requires a token (or a session). */
  protect?: boolean;
  /** The error answers the operation documents, by HTTP status. */
  errorResponses?: Record<number, string>;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: serverTransformer,
    /**
     * Subscriptions (`live.events`) over server-sent events: a ping every 15 s keeps proxies from closing a
     * quiet stream, the client reconnects when it heard nothing for 40 s, and a stream ends after
     * LIVE_MAX_DURATION_MS (read per stream: tRPC copies these options for each one) so the browser
     * reconnects, resumes from its last event id and has its session checked again.
     */
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 40_000 },
      get maxDurationMs() {
        return getEnv().LIVE_MAX_DURATION_MS;
      },
    },
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const isInternal = error.code === "INTERNAL_SERVER_ERROR";
      if (isInternal) {
        // Details go to the log, never to the client.
        log.error({ err: error.cause ?? error }, "internal error");
      }
      return {
        ...shape,
        message: isInternal
          ? "Internal server error"
          : cause instanceof ZodError
            ? cause.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")
            : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
          details: error instanceof AppTRPCError ? (error.details ?? null) : null,
        },
      };
    },
  });

/** A TRPCError carrying the AppError's safe details (e.g. the current version on CONFLICT). */
class AppTRPCError extends TRPCError {
  readonly details?: Record<string, unknown>;
  constructor(err: AppError, cause: unknown = err) {
    super({ code: err.code, message: err.message, cause });
    this.details = err.details;
  }
}

/** A domain error (see toAppError) as the tRPC error the client receives; anything else as it is. */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof TRPCError) return err;
  const mapped = toAppError(err);
  return mapped ? new AppTRPCError(mapped, err) : err;
}

/**
 * Each call's log line, duration and span (server/observability/observe.ts), with the request id and the
 * caller on every line the procedure writes. Outermost, so its status is the one the client gets.
 */
const observed = t.middleware(({ ctx, path, type, next }) =>
  observe(
    {
      kind: "procedure",
      name: path,
      method: type === "mutation" ? "POST" : "GET",
      requestId: ctx.requestId,
      userId: ctx.userId,
    },
    () => next(),
    (result) =>
      result.ok
        ? { status: 200 }
        : {
            status: getHTTPStatusCodeFromError(result.error),
            code: result.error.code,
            error: result.error.cause ?? result.error,
          },
  ),
);

/** An unpaired UTF-16 surrogate: not Unicode text, and the query engine refuses to serialize it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const TEXT_PROBLEMS = {
  nul: "Text must not contain the NUL character (U+0000)",
  surrogate: "Text must be valid Unicode (an unpaired surrogate was found)",
} as const;

function textProblem(text: string): keyof typeof TEXT_PROBLEMS | null {
  if (text.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(text)) return "surrogate";
  return null;
}

/**
 * The first string or object key in `value` that the database cannot store,
 * with where it is ("" for the value itself), or null if there is none.
 */
function unstorableText(value: unknown): { path: string; problem: keyof typeof TEXT_PROBLEMS } | null {
  // Iterative, so deeply nested input cannot exhaust the stack; `seen` stops at shared or cyclic parts.
  const stack: [unknown, string][] = [[value, ""]];
  const seen = new Set<object>();
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, path] = item;
    if (typeof node === "string") {
      const problem = textProblem(node);
      if (problem) return { path, problem };
      continue;
    }
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    const entries: [unknown, unknown][] =
      node instanceof Map ? [...node] : node instanceof Set ? [...node].map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) {
      // A Map's keys may be any value (superjson sends them); only strings and numbers name a path.
      const segment = typeof key === "string" || typeof key === "number" ? String(key) : "(key)";
      const at = path ? `${path}.${segment}` : segment;
      if (typeof key === "string") {
        const problem = textProblem(key);
        if (problem) return { path: at, problem };
      } else stack.push([key, at]);
      stack.push([child, at]);
    }
  }
  return null;
}

/**
 * Two things around each call, in one middleware (each middleware costs tRPC a copy of the call's
 * options, so the fixed steps every call takes are kept to few):
 *
 * - Domain errors thrown by services (see toAppError) become their tRPC codes; everything else stays a 500.
 * - The request budget (REQUEST_TIMEOUT_MS): a call that has not answered by then gets
 *   SERVICE_UNAVAILABLE, and its signal aborts, so the raw reads that take it (impact, matrix, search,
 *   exports) are cancelled on the database server. Every query and transaction already ends sooner
 *   (their client-side timeouts, server/db.ts); this is the bound for everything else a call may wait
 *   on. A mutation cut off here may still commit: the Idempotency-Key header lets its client retry safely.
 */
const errorsAndBudget = t.middleware(async ({ ctx, next }) => {
  const budget = new AbortController();
  // The client going away aborts the call's signal too, for as long as the call lives: a subscription
  // (live.events) returns at once and ends only when its client leaves, so the listener stays.
  const clientGone = () => budget.abort(ctx.signal?.reason);
  if (ctx.signal?.aborted) clientGone();
  else ctx.signal?.addEventListener("abort", clientGone, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      budget.abort();
      reject(
        new AppError("SERVICE_UNAVAILABLE", "This request took longer than the server allows; try again shortly", {
          reason: "request_budget",
        }),
      );
    }, getEnv().REQUEST_TIMEOUT_MS);
  });
  let result: Awaited<ReturnType<typeof next>>;
  try {
    result = await Promise.race([next({ ctx: { signal: budget.signal } }), expired]);
  } catch (err) {
    const mapped = toAppError(err);
    if (mapped) throw new AppTRPCError(mapped, err);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (!result.ok) {
    const mapped = toAppError(result.error.cause);
    if (mapped) throw new AppTRPCError(mapped, result.error.cause);
  }
  return result;
});

/**
 * What a call must pass before its procedure runs, in order, in one middleware (see errorsAndBudget):
 *
 * - The request budgets: every call counts against `api` and its procedure's `meta.limit` bucket, per
 *   user (per client address when anonymous; a batch of ten calls counts ten). Over budget:
 *   TOO_MANY_REQUESTS, with Retry-After and the RateLimit headers added by the HTTP handler.
 * - Storable text: PostgreSQL's text and jsonb cannot hold U+0000, and Prisma's query engine cannot
 *   serialize an unpaired surrogate: such a string anywhere in the input (a value or an object key, at
 *   any depth) is a bad request, refused before any query instead of failing in the database or the
 *   engine as a 500.
 * - Idempotent creates: for a procedure with `meta.idempotent` called with an Idempotency-Key, the call's
 *   claim (the key, the procedure path, the hash of the raw input) goes on the context, where the
 *   procedure builders put it on the Actor for `applyChange`. A retry that the claim finds already
 *   answered comes back as IdempotentReplay, which becomes this call's result.
 */
const admission = t.middleware(async ({ ctx, meta, path, getRawInput, next }) => {
  const decision = await checkRateLimit(meta?.limit ? ["api", meta.limit] : ["api"], ctx);
  if (decision) {
    const held = ctx.rateLimit.decision;
    if (!held || (held.allowed && (!decision.allowed || decision.remaining < held.remaining))) {
      ctx.rateLimit.decision = decision;
    }
    if (!decision.allowed) throw tooManyRequests(decision);
  }

  const rawInput = await getRawInput();
  const found = unstorableText(rawInput);
  if (found) {
    // JSON escapes NUL and lone surrogates, so the message itself is storable, loggable text.
    const printable = JSON.stringify(found.path).slice(1, -1);
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${printable ? `${printable}: ` : ""}${TEXT_PROBLEMS[found.problem]}`,
    });
  }

  if (!meta?.idempotent) return next();
  const key = parseIdempotencyKey(ctx.idempotencyKey);
  if (key === null) return next();
  const claim: IdempotencyClaim = { key, scope: path, requestHash: requestHash(rawInput) };
  const result = await next({ ctx: { idempotency: claim } });
  if (!result.ok && result.error.cause instanceof IdempotentReplay) {
    const data = await declaredOutput(path, result.error.cause.result);
    return { ok: true as const, data, marker: result.marker };
  }
  return result;
});

/**
 * A stored answer as the procedure at `path` declares its output: the replay of a create answers with
 * exactly the fields its first answer had. (The replay leaves the resolver as an error, so it passes
 * the procedure's own output parser by; it is parsed here with that same schema.) The router is
 * imported when first needed, since it is built from this module.
 */
async function declaredOutput(path: string, stored: unknown): Promise<unknown> {
  const { appRouter } = await import("@/server/api/root");
  // At run time `procedures` is flat, keyed by the dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { output?: z.ZodType } } | undefined
  >;
  const procedure = procedures[path];
  const schema = procedure?._def.output;
  if (!schema) throw new Error(`No declared output for ${path}`);
  return parserOf(schema)(stored);
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/* ------------------------------------------------------------- 3. PROCEDURES */
// tRPC merges what a middleware hands to `next({ ctx })` into the context it already has, so each middleware
// passes only the fields it adds: a copy of the whole context per step is work every call would repeat.

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(observed).use(errorsAndBudget).use(admission);

/** A session is present; whether its user still exists is checked by the next step. */
const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { userId: ctx.userId } });
});

/** A signed-in user with a live session; `ctx.user` is loaded from the database on every request. */
export const protectedProcedure = signedInProcedure.use(async ({ ctx, meta, type, next }) => {
  const user = await authenticateOrThrow({
    userId: ctx.userId,
    sessionId: ctx.sessionId,
    apiToken: ctx.apiToken,
    writes: type === "mutation",
    sessionOnly: meta?.sessionOnly,
    accountSetup: meta?.accountSetup,
  });
  return next({ ctx: { user, actor: actorOf(user.id, ctx) } });
});

/** The audit actor of a signed-in call, with the call's idempotency claim if it has one. */
function actorOf(userId: string, ctx: Pick<Context, "requestId" | "idempotency" | "ip" | "apiToken">): Actor {
  const actor: Actor = { userId, requestId: ctx.requestId, ip: ctx.ip, apiTokenId: ctx.apiToken?.id ?? null };
  if (ctx.idempotency) actor.idempotency = ctx.idempotency;
  return actor;
}

/** An instance administrator. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only instance administrators can do this" });
  }
  return next();
});

/** Procedures address a project by `projectKey`, or an item in it by `key` (`PAY-12`). */
const projectAddress = z.union([
  z.object({ projectKey: projectKeySchema }),
  z
    .object({ key: z.string().regex(/^[A-Z]{2,10}-(I-)?[1-9]\d{0,8}$/, "Keys look like PAY-12 or PAY-I-7") })
    .transform((v) => ({ projectKey: v.key.slice(0, v.key.indexOf("-")) })),
]);

/**
 * A procedure inside one project, needing `permission`. The caller's role is
 * resolved from the project key on every call (so a role change or removal
 * applies to the very next request) by `authorizeOrThrow`, the one access
 * check. Non-members get NOT_FOUND, members without the permission FORBIDDEN.
 */
export function projectProcedure(permission: ProjectPermission) {
  return signedInProcedure.use(async ({ ctx, getRawInput, meta, type, next }) => {
    const { projectKey } = addressOrThrow(
      projectAddress,
      await getRawInput(),
      "A valid projectKey or item key is required",
    );
    // Routers pass `ctx.scope` and nothing else about the project.
    const { user, scope } = await authorizeOrThrow({
      userId: ctx.userId,
      sessionId: ctx.sessionId,
      apiToken: ctx.apiToken,
      writes: type === "mutation",
      sessionOnly: meta?.sessionOnly,
      projectKey,
      permission,
      requestId: ctx.requestId,
      idempotency: ctx.idempotency,
    });
    return next({ ctx: { user, actor: scope.actor, scope } });
  });
}

/** The project address of a call's raw input, or BAD_REQUEST (checked before the input schema runs). */
function addressOrThrow<T>(schema: z.ZodType<T>, raw: unknown, message: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", message, cause: parsed.error });
  return parsed.data;
}

const optionalProjectAddress = z.object({ projectKey: projectKeySchema.optional() });

/**
 * A procedure over one project (`projectKey` given) or, without one, over
 * what the permission's `withoutProject` rule allows: the caller's own
 * projects (search) or the whole instance for its administrators (the audit
 * log). Same check as projectProcedure; `ctx.scope` is null without a project.
 */
export function projectOrInstanceProcedure(permission: ProjectPermission) {
  return signedInProcedure.use(async ({ ctx, getRawInput, meta, type, next }) => {
    const address = addressOrThrow(optionalProjectAddress, (await getRawInput()) ?? {}, "projectKey is not valid");
    const { user, scope } = await authorizeOrThrow({
      userId: ctx.userId,
      sessionId: ctx.sessionId,
      apiToken: ctx.apiToken,
      writes: type === "mutation",
      sessionOnly: meta?.sessionOnly,
      projectKey: address.projectKey ?? null,
      permission,
      requestId: ctx.requestId,
      idempotency: ctx.idempotency,
    });
    return next({ ctx: { user, actor: actorOf(user.id, ctx), scope } });
  });
}
