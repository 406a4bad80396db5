import { readdir } from "node:fs/promises";
import path from "node:path";

import type Redis from "ioredis";

import { db } from "@/server/db";
import { isDraining } from "@/server/http/shutdown";
import { liveStatus } from "@/server/live/bus";
import { log } from "@/server/observability/log";
import { rateLimitBackend, redisLimitTimeoutMs } from "@/server/rate-limit";
import { getRedis } from "@/server/redis";

/** Migration folders shipped with this build (prisma/migrations is copied into the image). */
async function shippedMigrations(): Promise<string[]> {
  const dir = path.join(process.cwd(), "prisma", "migrations");
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Redis as the request budgets see it: `none` without REDIS_URL (limits in
 * process memory by design), `up`, or `degraded` when it does not answer a
 * ping within twice the limiter's timeout or the limiters recently fell back to
 * process memory. Degraded Redis does not make the instance unready: requests
 * are still served and limited, per process.
 */
async function redisStatus(): Promise<"none" | "up" | "degraded"> {
  const redis = getRedis();
  if (!redis) return "none";
  const ping = await pingRedis(redis, redisLimitTimeoutMs() * 2);
  return ping.ok && rateLimitBackend() === "redis" ? "up" : "degraded";
}

/** One PING within `timeoutMs`: how long it took, or why it did not answer (readiness and /admin/system). */
export async function pingRedis(
  redis: Redis,
  timeoutMs: number,
): Promise<{ ok: true; latencyMs: number } | { ok: false; latencyMs: number; error: string }> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const answer = await Promise.race([
    redis.ping().then(
      () => null,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    ),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return answer === null ? { ok: true, latencyMs: latency() } : { ok: false, latencyMs: latency(), error: answer };
}

export async function checkReadiness() {
  const started = Date.now();
  const redis = redisStatus();
  try {
    const [probe] = await db.$queryRaw<{ migrated: boolean }[]>`
      SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS migrated`;
    const applied = probe?.migrated
      ? await db.$queryRaw<{ migration_name: string }[]>`
          SELECT migration_name FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
      : [];
    const appliedNames = new Set(applied.map((r) => r.migration_name));
    const pending = (await shippedMigrations()).filter((m) => !appliedNames.has(m));
    return {
      // Told to stop (server/http/shutdown.ts): the balancer sends new requests elsewhere while this one drains.
      status: isDraining()
        ? ("draining" as const)
        : pending.length === 0
          ? ("ready" as const)
          : ("migrations_pending" as const),
      database: "up" as const,
      pendingMigrations: pending,
      redis: await redis,
      live: liveStatus(),
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    log.error({ error: err instanceof Error ? err.message : String(err) }, "readiness: the database check failed");
    return {
      status: "database_unreachable" as const,
      database: "down" as const,
      pendingMigrations: [],
      redis: await redis,
      live: liveStatus(),
      latencyMs: Date.now() - started,
    };
  }
}
