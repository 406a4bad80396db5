/**
 * Rate limits against real Redis (TEST_REDIS_URL or REDIS_URL) through the
 * Upstash sliding-window limiter on ioredis, and the in-process fallback.
 */
import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

const redisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL;

describe.runIf(redisUrl)("Redis-backed limiter", () => {
  afterAll(async () => {
    const { getRedis } = await import("@/server/redis");
    getRedis()?.disconnect();
    (globalThis as { specline_redis?: unknown }).specline_redis = undefined;
  });

  it("allows exactly `tokens` calls per window and shares state across limiter instances", async () => {
    process.env.REDIS_URL = redisUrl;
    // This checks Redis's counting: a loaded machine must not send a slow call to the in-memory fallback.
    process.env.RATE_LIMIT_REDIS_TIMEOUT_MS = "2000";
    (await import("@/lib/env.mjs")).resetEnvCache();
    const { getLimiter } = await import("@/server/rate-limit");
    const name = `test-${randomUUID()}`;
    const limiter = getLimiter(name, { tokens: 3, windowSeconds: 60 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.limit("client-a"));
    expect(results.map((r) => r.success)).toEqual([true, true, true, false, false]);
    expect(await limiter.getRemaining("client-a")).toMatchObject({ remaining: 0 });
    expect(await limiter.getRemaining("client-b")).toMatchObject({ remaining: 3 });
    expect((await limiter.limit("client-b")).success).toBe(true);
    expect(await limiter.getRemaining("client-b")).toMatchObject({ remaining: 2 });

    const { getRedis } = await import("@/server/redis");
    const keys = await getRedis()!.keys(`specline:rl:${name}*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});

describe("in-process limiter (embedded mode)", () => {
  it("allows exactly `tokens` calls per window per identifier", async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    const { vi } = await import("vitest");
    vi.resetModules();
    const { getLimiter } = await import("@/server/rate-limit");
    const limiter = getLimiter(`mem-${randomUUID()}`, { tokens: 2, windowSeconds: 60 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await limiter.limit("x")).success);
    expect(outcomes).toEqual([true, true, false]);
    expect(await limiter.getRemaining("x")).toEqual({ remaining: 0 });
    expect(await limiter.getRemaining("fresh")).toEqual({ remaining: 2 });
    expect((await limiter.limit("y")).success).toBe(true);
    if (saved) process.env.REDIS_URL = saved;
  });

  it("frees calls as they leave the window, however many the window holds", async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    const { vi } = await import("vitest");
    vi.resetModules();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const { getLimiter } = await import("@/server/rate-limit");
      const limiter = getLimiter(`mem-${randomUUID()}`, { tokens: 5000, windowSeconds: 1 });
      const spend = async (n: number) => {
        let allowed = 0;
        for (let i = 0; i < n; i++) if ((await limiter.limit("x")).success) allowed++;
        return allowed;
      };
      expect(await spend(3000)).toBe(3000);
      vi.advanceTimersByTime(500);
      expect(await spend(3000)).toBe(2000);
      // The first 3,000 leave the window (and the log is compacted); the later 2,000 still count.
      vi.advanceTimersByTime(600);
      expect(await limiter.getRemaining("x")).toEqual({ remaining: 3000 });
      expect(await spend(4000)).toBe(3000);
      vi.advanceTimersByTime(1001);
      expect(await limiter.getRemaining("x")).toEqual({ remaining: 5000 });
    } finally {
      vi.useRealTimers();
      if (saved) process.env.REDIS_URL = saved;
    }
  });
});
