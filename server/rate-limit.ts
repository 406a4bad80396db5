/**
 * Rate limits. With Redis: @upstash/ratelimit's sliding window, run on our
 * ioredis connection through a small adapter, falling back to process
 * memory while Redis fails or is slow. Without Redis: the same window kept
 * in process memory (the embedded default serves a single process).
 *
 * The API's budgets are buckets (`rateLimitBuckets`), checked by one tRPC
 * middleware per procedure call and by `checkRateLimit` in route handlers.
 */
import { createHash } from "node:crypto";

import { Ratelimit } from "@upstash/ratelimit";
import type Redis from "ioredis";

import { getEnv } from "@/lib/env.mjs";
import { AppError } from "@/server/errors";
import { log } from "@/server/observability/log";
import { countRateLimitRejection } from "@/server/observability/metrics";
import { getRedis } from "@/server/redis";

export interface LimitResult {
  success: boolean;
  remaining: number;
  /** Epoch milliseconds when the window frees up. */
  reset: number;
}

export interface Limiter {
  /** Counts one call and says whether it is within the limit. */
  limit(identifier: string): Promise<LimitResult>;
  /** Calls left in the current window, without counting one. */
  getRemaining(identifier: string): Promise<{ remaining: number }>;
}

/** The subset of the Upstash client the rate limiter calls, implemented with ioredis. */
function upstashCompatible(redis: Redis) {
  // Upstash scripts start with a shebang flag Redis itself does not know; strip it.
  const scripts = new Map<string, string>();
  const strip = (script: string) => script.replace(/^#!lua[^\n]*\n/, "");
  return {
    async evalsha(hash: string, keys: string[], args: unknown[]) {
      const script = scripts.get(hash);
      if (!script) throw new Error("NOSCRIPT No matching script");
      return redis.eval(script, keys.length, ...keys, ...(args as string[]));
    },
    async eval(script: string, keys: string[], args: unknown[]) {
      const stripped = strip(script);
      scripts.set(createHash("sha1").update(script).digest("hex"), stripped);
      return redis.eval(stripped, keys.length, ...keys, ...(args as string[]));
    },
    get: (key: string) => redis.get(key),
    set: (key: string, value: string) => redis.set(key, value),
  };
}

/** One identifier's calls in the window, oldest first; those before `start` have left it. */
interface CallLog {
  times: number[];
  start: number;
}

class MemoryLimiter implements Limiter {
  private logs = new Map<string, CallLog>();
  constructor(
    private readonly tokens: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Calls are appended in time order, so the expired ones are a prefix: skipping
   * it costs O(1) per call on average, where filtering the whole log cost
   * O(calls in the window), milliseconds per call for a budget in the tens of thousands.
   */
  private prune(log: CallLog, now: number): number {
    const { times } = log;
    const expiredUpTo = now - this.windowMs;
    while ((times[log.start] ?? Number.POSITIVE_INFINITY) <= expiredUpTo) log.start++;
    if (log.start > 1024 && log.start * 2 > times.length) {
      times.splice(0, log.start);
      log.start = 0;
    }
    return times.length - log.start;
  }

  async limit(identifier: string): Promise<LimitResult> {
    const now = Date.now();
    let log = this.logs.get(identifier);
    if (!log) {
      log = { times: [], start: 0 };
      this.logs.set(identifier, log);
    }
    let count = this.prune(log, now);
    const success = count < this.tokens;
    if (success) {
      log.times.push(now);
      count++;
    }
    if (this.logs.size > 50_000) this.sweep(now);
    return {
      success,
      remaining: Math.max(0, this.tokens - count),
      reset: (log.times[log.start] ?? now) + this.windowMs,
    };
  }

  async getRemaining(identifier: string): Promise<{ remaining: number }> {
    const log = this.logs.get(identifier);
    const count = log ? this.prune(log, Date.now()) : 0;
    return { remaining: Math.max(0, this.tokens - count) };
  }

  private sweep(now: number) {
    for (const [k, log] of this.logs)
      if ((log.times[log.times.length - 1] ?? 0) <= now - this.windowMs) this.logs.delete(k);
  }
}

/** How long a call to Redis may take before the limiter answers from process memory instead (default 50 ms). */
export function redisLimitTimeoutMs(): number {
  return getEnv().RATE_LIMIT_REDIS_TIMEOUT_MS;
}
/** How long the first calls may wait while the process is still opening its Redis connection. */
const REDIS_CONNECT_GRACE_MS = 1_000;
/** After Redis failed or was slow, how long the limiters stay in process memory before trying it again. */
const REDIS_RETRY_AFTER_MS = 5_000;

/** When the limiters last fell back from Redis to process memory (epoch ms). */
let redisFailedAt = 0;
/** Whether the last call the limiters sent to Redis was answered in time (for readiness). */
let redisAnswered = true;

/**
 * Whether the shared limiters run on Redis, in process memory by design (no
 * REDIS_URL), or degraded: the last call to Redis failed, until one
 * succeeds again (tried every REDIS_RETRY_AFTER_MS).
 */
export function rateLimitBackend(): "redis" | "memory" | "degraded" {
  if (!getRedis()) return "memory";
  return redisAnswered ? "redis" : "degraded";
}

function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis took longer than ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * A limiter shared through Redis that keeps limiting when Redis does not
 * answer: a call that errors or takes longer than RATE_LIMIT_REDIS_TIMEOUT_MS is
 * counted in process memory instead (per process, so looser across several
 * instances, but never unlimited and never an error), and Redis is tried
 * again after REDIS_RETRY_AFTER_MS. While the process is still opening its
 * first connection, calls wait up to REDIS_CONNECT_GRACE_MS for it; a
 * connection that was lost sends calls to memory at once.
 */
class ResilientLimiter implements Limiter {
  constructor(
    private readonly redis: Redis,
    private readonly shared: Limiter,
    private readonly local: Limiter,
  ) {}

  private async attempt<T>(onRedis: () => Promise<T>, onMemory: () => Promise<T>): Promise<T> {
    if (Date.now() - redisFailedAt < REDIS_RETRY_AFTER_MS) return onMemory();
    const status = this.redis.status;
    const opening = status === "wait" || status === "connecting" || status === "connect";
    try {
      if (status !== "ready" && !opening) throw new Error(`the connection is ${status}`);
      const answer = await withinTimeout(onRedis(), opening ? REDIS_CONNECT_GRACE_MS : redisLimitTimeoutMs());
      if (!redisAnswered) log.info("rate limits: Redis answers again; limits are shared again");
      redisAnswered = true;
      return answer;
    } catch (err) {
      redisAnswered = false;
      if (Date.now() - redisFailedAt >= REDIS_RETRY_AFTER_MS) {
        log.warn({ error: (err as Error).message }, "rate limits: Redis unavailable, limiting in process memory");
      }
      redisFailedAt = Date.now();
      return onMemory();
    }
  }

  limit(identifier: string) {
    return this.attempt(
      () => this.shared.limit(identifier),
      () => this.local.limit(identifier),
    );
  }

  getRemaining(identifier: string) {
    return this.attempt(
      () => this.shared.getRemaining(identifier),
      () => this.local.getRemaining(identifier),
    );
  }
}

const limiters = new Map<string, Limiter>();

export function getLimiter(name: string, opts: { tokens: number; windowSeconds: number }): Limiter {
  const id = `${name}:${opts.tokens}:${opts.windowSeconds}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    const redis = getRedis();
    const local = new MemoryLimiter(opts.tokens, opts.windowSeconds * 1000);
    limiter = redis
      ? new ResilientLimiter(
          redis,
          new Ratelimit({
            // The adapter implements exactly the calls the limiter makes.
            redis: upstashCompatible(redis) as unknown as ConstructorParameters<typeof Ratelimit>[0]["redis"],
            limiter: Ratelimit.slidingWindow(opts.tokens, `${opts.windowSeconds} s`),
            prefix: `specline:rl:${name}`,
            analytics: false,
            // Our own timeout (redisLimitTimeoutMs) decides; Upstash's would let the call through.
            timeout: 0,
          }),
          local,
        )
      : local;
    limiters.set(id, limiter);
  }
  return limiter;
}

/* ------------------------------------------------------------ API buckets */

/**
 * Who a bucket counts: the signed-in user (anonymous callers by client
 * address), or always the client address.
 */
export type BucketKey = "caller" | "address";

export interface Bucket {
  budget: number;
  windowSeconds: number;
  per: BucketKey;
}

/**
 * The request budgets, as data. Every procedure call counts against `api`;
 * a procedure's `meta.limit` adds one more bucket. Route handlers use the
 * same buckets through `checkRateLimit`.
 */
export function rateLimitBuckets(env = getEnv()) {
  return {
    /** Every call. */
    api: { budget: env.RATE_LIMIT_API_PER_MINUTE, windowSeconds: 60, per: "caller" },
    /** Search, impact, the matrix and exports. */
    expensive: { budget: env.RATE_LIMIT_EXPENSIVE_PER_MINUTE, windowSeconds: 60, per: "caller" },
    /** Creating projects, test webhook deliveries and mention emails. */
    create: { budget: env.RATE_LIMIT_CREATE_PER_HOUR, windowSeconds: 3600, per: "caller" },
    /** Sign-ups, per client address. */
    register: { budget: env.RATE_LIMIT_REGISTER_PER_HOUR, windowSeconds: 3600, per: "address" },
  } as const satisfies Record<string, Bucket>;
}

export type BucketName = keyof ReturnType<typeof rateLimitBuckets>;

export interface RateLimitDecision {
  bucket: BucketName;
  allowed: boolean;
  budget: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the window frees a call. */
  resetSeconds: number;
}

/**
 * Counts one call against each of `buckets` for this caller and returns the
 * most constraining answer (a refusal, else the fewest calls left). With
 * RATE_LIMITS=off every call is allowed and nothing is counted.
 */
export async function checkRateLimit(
  buckets: readonly BucketName[],
  caller: { userId: string | null; ip: string | null; apiToken?: { id: string } | null },
): Promise<RateLimitDecision | null> {
  const env = getEnv();
  if (env.RATE_LIMITS === "off") return null;
  const defs = rateLimitBuckets(env);
  const decisions = await Promise.all(
    buckets.map(async (bucket): Promise<RateLimitDecision> => {
      const def: Bucket = defs[bucket];
      // A token has budgets of its own, apart from its user's browser sessions.
      const key =
        def.per === "caller" && caller.apiToken
          ? `token:${caller.apiToken.id}`
          : def.per === "caller" && caller.userId
            ? `user:${caller.userId}`
            : `addr:${caller.ip ?? "unknown"}`;
      const result = await getLimiter(`api-${bucket}`, { tokens: def.budget, windowSeconds: def.windowSeconds }).limit(
        key,
      );
      return {
        bucket,
        allowed: result.success,
        budget: def.budget,
        windowSeconds: def.windowSeconds,
        remaining: result.remaining,
        resetSeconds: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)),
      };
    }),
  );
  const refusal = decisions.find((d) => !d.allowed);
  if (refusal) {
    countRateLimitRejection(refusal.bucket);
    return refusal;
  }
  return decisions.reduce<RateLimitDecision | null>(
    (worst, d) => (!worst || d.remaining < worst.remaining ? d : worst),
    null,
  );
}

/** The refusal for a decision that did not allow the call: TOO_MANY_REQUESTS with the wait in its details. */
export function tooManyRequests(decision: RateLimitDecision) {
  return new AppError("TOO_MANY_REQUESTS", `Too many requests; try again in ${decision.resetSeconds} s`, {
    retryAfterSeconds: decision.resetSeconds,
    bucket: decision.bucket,
  });
}

/**
 * The IETF draft RateLimit headers (draft-ietf-httpapi-ratelimit-headers):
 * the policy and what is left of it, plus Retry-After on a refusal.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `"${decision.bucket}";q=${decision.budget};w=${decision.windowSeconds}`,
    ratelimit: `"${decision.bucket}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  if (!decision.allowed) headers["retry-after"] = String(decision.resetSeconds);
  return headers;
}
