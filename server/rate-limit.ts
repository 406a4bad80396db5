/**
 * Rate limits. With Redis: @upstash/ratelimit's sliding window, run on our
 * ioredis connection through a small adapter. Without: the same window kept
 * in process memory (the embedded default serves a single process).
 */
import { createHash } from "node:crypto";

import { Ratelimit } from "@upstash/ratelimit";
import type Redis from "ioredis";

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

class MemoryLimiter implements Limiter {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly tokens: number,
    private readonly windowMs: number,
  ) {}

  async limit(identifier: string): Promise<LimitResult> {
    const now = Date.now();
    const recent = (this.hits.get(identifier) ?? []).filter((t) => t > now - this.windowMs);
    const success = recent.length < this.tokens;
    if (success) recent.push(now);
    this.hits.set(identifier, recent);
    if (this.hits.size > 50_000) this.sweep(now);
    return { success, remaining: Math.max(0, this.tokens - recent.length), reset: (recent[0] ?? now) + this.windowMs };
  }

  async getRemaining(identifier: string): Promise<{ remaining: number }> {
    const now = Date.now();
    const recent = (this.hits.get(identifier) ?? []).filter((t) => t > now - this.windowMs);
    return { remaining: Math.max(0, this.tokens - recent.length) };
  }

  private sweep(now: number) {
    for (const [k, v] of this.hits) if (!v.some((t) => t > now - this.windowMs)) this.hits.delete(k);
  }
}

const limiters = new Map<string, Limiter>();

export function getLimiter(name: string, opts: { tokens: number; windowSeconds: number }): Limiter {
  const id = `${name}:${opts.tokens}:${opts.windowSeconds}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    const redis = getRedis();
    limiter = redis
      ? new Ratelimit({
          // The adapter implements exactly the calls the limiter makes.
          redis: upstashCompatible(redis) as unknown as ConstructorParameters<typeof Ratelimit>[0]["redis"],
          limiter: Ratelimit.slidingWindow(opts.tokens, `${opts.windowSeconds} s`),
          prefix: `specline:rl:${name}`,
          analytics: false,
        })
      : new MemoryLimiter(opts.tokens, opts.windowSeconds * 1000);
    limiters.set(id, limiter);
  }
  return limiter;
}
