/**
 * Shared Redis connection (production mode, REDIS_URL set). In the embedded
 * default there is no Redis and callers fall back to in-process state.
 */
import Redis from "ioredis";

import { getEnv } from "@/lib/env.mjs";

const globalForRedis = globalThis as unknown as { specline_redis?: Redis | null };

export function getRedis(): Redis | null {
  if (globalForRedis.specline_redis !== undefined) return globalForRedis.specline_redis;
  const url = getEnv().REDIS_URL;
  globalForRedis.specline_redis = url ? new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true }) : null;
  return globalForRedis.specline_redis;
}
