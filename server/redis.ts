/**
 * Shared Redis connection (production mode, REDIS_URL set). In the embedded
 * default there is no Redis and callers fall back to in-process state.
 */
import Redis from "ioredis";

import { getEnv } from "@/lib/env.mjs";
import { log } from "@/server/observability/log";

const globalForRedis = globalThis as unknown as { specline_redis?: Redis | null };

export function getRedis(): Redis | null {
  if (globalForRedis.specline_redis !== undefined) return globalForRedis.specline_redis;
  const url = getEnv().REDIS_URL;
  // No command waits longer than commandTimeout, even on a connection whose peer went silent; while
  // disconnected, a command fails after two reconnection attempts instead of queueing indefinitely.
  const redis = url
    ? new Redis(url, {
        maxRetriesPerRequest: 2,
        enableAutoPipelining: true,
        commandTimeout: 2_000,
        connectTimeout: 2_000,
      })
    : null;
  // A lost connection is reconnected by ioredis and its users fall back (see server/rate-limit.ts); log it
  // once per outage instead of letting it surface as an unhandled error event.
  let reported = false;
  redis?.on("error", (err: Error) => {
    if (!reported) log.warn({ error: err.message }, "Redis: connection failed; retrying");
    reported = true;
  });
  redis?.on("ready", () => {
    reported = false;
  });
  globalForRedis.specline_redis = redis;
  return redis;
}
