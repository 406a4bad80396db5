/**
 * The rate limiter's own cost per call, in one process: `checkRateLimit(["api"], …)`
 * from server/rate-limit.ts on the backend the environment selects (Redis when
 * REDIS_URL is set, else process memory), next to the least the same backend
 * can do for a call:
 *
 *   memory  an awaited async function that increments a Map entry
 *   redis   one ioredis EVAL of a script that INCRs a key, on a connection opened
 *           as the app opens its own (server/redis.ts)
 *
 * The two alternate in blocks so both see the same machine load; each call is
 * timed on its own (one in flight). Prints one JSON line: median, p99 and mean
 * µs per call and the process CPU per call, for the limiter and the raw call,
 * and, on Redis, how often the limiter fell back to memory.
 *
 * Run by scripts/bench/limiter.mjs (which sets budgets no run reaches):
 *   node --import tsx scripts/bench/limiter-calls.mjs
 * Env: BENCH_LIMITER_CALLS (20000), BENCH_LIMITER_WARMUP_CALLS (2000), REDIS_URL.
 */
import { randomUUID } from "node:crypto";

import Redis from "ioredis";

import { round } from "./lib/load.mjs";

const CALLS = Number(process.env.BENCH_LIMITER_CALLS || 20_000);
const WARMUP = Number(process.env.BENCH_LIMITER_WARMUP_CALLS || 2_000);
const BLOCKS = 10;

const { checkRateLimit, rateLimitBackend } = await import("../../server/rate-limit.ts");
const { getRedis } = await import("../../server/redis.ts");

// The limiter reports each fall-back to memory once per outage on stderr; count them.
let fallbacks = 0;
const consoleError = console.error;
console.error = (...args) => {
  if (String(args[0]).startsWith("[rate-limit]")) fallbacks++;
  consoleError(...args);
};

const caller = { userId: `bench-limiter-${randomUUID()}`, ip: "127.0.0.1" };
const limiterCall = async () => {
  const decision = await checkRateLimit(["api"], caller);
  if (!decision?.allowed) throw new Error(`the limiter refused a call: ${JSON.stringify(decision)}`);
};

let raw;
let rawName;
let rawRedis = null;
if (process.env.REDIS_URL) {
  rawRedis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const key = `specline:bench:raw:${caller.userId}`;
  rawName = "ioredis EVAL of a script that INCRs a key";
  raw = () => rawRedis.eval("return redis.call('INCR', KEYS[1])", 1, key);
} else {
  const counts = new Map();
  const increment = async (key) => counts.set(key, (counts.get(key) ?? 0) + 1);
  rawName = "awaited async Map increment";
  raw = () => increment(caller.userId);
}

/** Runs `fn` `n` times, one at a time; adds each call's µs to `into` and returns the CPU µs used. */
async function timed(fn, n, into) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    into?.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const used = process.cpuUsage(cpu);
  return used.user + used.system;
}

function summary(samples, cpuUs) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    calls: sorted.length,
    medianUs: round(at(0.5), 1),
    p99Us: round(at(0.99), 1),
    meanUs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 1),
    cpuUsPerCall: round(cpuUs / sorted.length, 1),
  };
}

await timed(limiterCall, WARMUP);
await timed(raw, WARMUP);
const samples = { limiter: [], raw: [] };
const cpu = { limiter: 0, raw: 0 };
const block = Math.ceil(CALLS / BLOCKS);
for (let b = 0; b < BLOCKS; b++) {
  cpu.limiter += await timed(limiterCall, block, samples.limiter);
  cpu.raw += await timed(raw, block, samples.raw);
}
const backend = rateLimitBackend();
console.log(
  JSON.stringify({
    backend,
    fallbacks,
    warmupCalls: WARMUP,
    limiter: summary(samples.limiter, cpu.limiter),
    raw: { name: rawName, ...summary(samples.raw, cpu.raw) },
  }),
);
if (rawRedis) {
  await rawRedis.del(`specline:bench:raw:${caller.userId}`);
  rawRedis.disconnect();
}
getRedis()?.disconnect();
process.exit(0);
