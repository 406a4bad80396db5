#!/usr/bin/env node
/**
 * `npm run bench:limiter`: what the request budgets (server/rate-limit.ts) cost.
 *
 *   1. Throughput. Starts the production server (`node scripts/start.mjs`) once
 *      per mode on one throwaway database, all with the same AUTH_SECRET so one
 *      session works on each:
 *        off     RATE_LIMITS=off: the middleware returns before counting anything
 *        memory  the limiter on, in process memory (no REDIS_URL)
 *        redis   the limiter on, on Redis (BENCH_REDIS_URL, else redis://127.0.0.1:6379 when it
 *                answers; skipped otherwise)
 *      The limiter's modes get budgets no run reaches (lib/app.mjs), so it counts
 *      every call but refuses none; on Redis, RATE_LIMIT_REDIS_TIMEOUT_MS is raised
 *      so that a slow answer on a busy machine is not counted in memory instead
 *      (falls back are counted from the server's log and reported).
 *      Registers an owner and the bench user, signs the bench user in, seeds one
 *      project with 5,000 issues and 1,000 requirements, checks that each mode
 *      answers 200 with the same data (with the RateLimit headers exactly when
 *      the limiter is on), then drives `user.me` and `search.query` with
 *      autocannon: BENCH_LIMITER_ROUNDS rounds (3), in each every mode in turn
 *      (the order rotating), warm-up then measured run at BENCH_CONNECTIONS.
 *      Reports per mode the median over rounds of req/s and of the server's CPU
 *      per request, and on/off. Goal: the limiter costs under 5 % of throughput.
 *   2. Per call. Runs scripts/bench/limiter-calls.mjs in a fresh process per
 *      backend: `checkRateLimit(["api"], …)` against an awaited Map increment in
 *      memory, against one ioredis EVAL on Redis.
 *
 * Prints both tables, writes bench-results/limiter.json, stops its servers,
 * drops its database and removes its Redis keys. Exits 1 on a failed request
 * or check, not on a missed goal (printed as MISSED).
 *
 * Run with tsx (part 2 imports the TypeScript limiter):
 *   node --import tsx scripts/bench/limiter.mjs [http] [calls]   (default: both)
 * Env: BENCH_CONNECTIONS (8), BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3),
 *      BENCH_LIMITER_ROUNDS (3), BENCH_LIMITER_CALLS (20000), BENCH_LIMITER_WARMUP_CALLS (2000),
 *      BENCH_REDIS_URL, BENCH_PG_ADMIN_URL or PG_ADMIN_URL, BENCH_RESULTS_DIR (bench-results),
 *      BENCH_VERBOSE=1 (echo server output), BENCH_CPU_PROFILE=<dir> (a V8 CPU profile of each
 *      measured app run, <dir>/limiter-<mode>-<endpoint>-<round>.cpuprofile).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import Redis from "ioredis";
import pg from "pg";

import { findServerPid, UNREACHED_BUDGETS, waitFor } from "./lib/app.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase, serverVersion } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";
import { registerUser, request, signIn, trpcQueryPath } from "./lib/http.mjs";
import { measure, round } from "./lib/load.mjs";
import { freePort, isRunning, killAll, runProcess, sleep, startProcess, stopProcess } from "./lib/process.mjs";
import { table, writeResult } from "./lib/report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (msg) => console.log(`[bench:limiter] ${msg}`);

const settings = {
  connections: intEnv("BENCH_CONNECTIONS", 8, 1, 1000),
  duration: intEnv("BENCH_DURATION", 10, 1, 600),
  warmup: intEnv("BENCH_WARMUP", 3, 0, 120),
};
const ROUNDS = intEnv("BENCH_LIMITER_ROUNDS", 3, 1, 20);
const GOAL = 0.95;
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");
const verbose = process.env.BENCH_VERBOSE === "1";
const profileDir = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null;
// Long enough that the Redis figures are Redis's on a loaded machine, not the in-memory fallback's.
const REDIS_TIMEOUT_MS = "10000";
const FALLBACK = "[rate-limit] Redis unavailable";

const PARTS = ["http", "calls"];
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log("Usage: node --import tsx scripts/bench/limiter.mjs [http] [calls]   (default: both)");
  process.exit(0);
}
for (const a of args) {
  if (!PARTS.includes(a)) {
    console.error(`[bench:limiter] unknown part ${a} (known: ${PARTS.join(", ")})`);
    process.exit(2);
  }
}
const parts = args.length ? PARTS.filter((p) => args.includes(p)) : PARTS;

/* ------------------------------------------------------------------- seed */

const ISSUES = 5_000;
const REQUIREMENTS = 1_000;
const SEARCH = { q: "export timeout", limit: 20 };

/**
 * One project the bench user maintains: issues and requirements whose text
 * mixes a few components and symptoms, so that "export timeout" matches a
 * few hundred of them (ranked in full, not the broad path).
 */
async function seed(pool, { runId, users }) {
  const projectId = `bench_${runId}_p`;
  const projectKey = `LIM${randomBytes(2)
    .toString("hex")
    .toUpperCase()
    .replace(/[^A-Z]/g, "X")}`;
  await pool.query(
    `INSERT INTO "Project" (id, key, name, "issueCounter", "requirementCounter", "createdAt", "updatedAt")
     VALUES ($1, $2, 'Limiter bench', $3, $4, now(), now())`,
    [projectId, projectKey, ISSUES, REQUIREMENTS],
  );
  await pool.query(
    `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
     VALUES ($1 || '_m1', $1, $2, 'ADMIN', now(), now()), ($1 || '_m2', $1, $3, 'MAINTAINER', now(), now())`,
    [projectId, users.owner.id, users.bench.id],
  );
  const components = ["Invoice export", "Login page", "Search", "Sync agent", "Report builder", "CSV export"];
  const symptoms = ["times out", "crashes", "shows wrong totals", "hangs", "loses data", "is slow"];
  await pool.query(
    `INSERT INTO "Issue" (id, "projectId", number, key, version, title, description, severity, status, labels,
                          "reporterId", "createdAt", "updatedAt")
     SELECT $1 || '_i' || n, $1, n, $2 || '-I-' || n, 1,
            ($5::text[])[1 + n % 6] || ' ' || ($6::text[])[1 + (n / 6) % 6],
            'Steps: open the ' || lower(($5::text[])[1 + n % 6]) || ' and wait. '
              || CASE WHEN n % 4 = 0 THEN 'The request ends in a timeout after ' || (n % 60) || ' s. ' ELSE '' END
              || 'Seen in build ' || n || '.',
            (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + n % 4]::"IssueSeverity",
            (ARRAY['OPEN','TRIAGED','IN_PROGRESS','DONE'])[1 + (n / 4) % 4]::"IssueStatus", '{}', $3,
            now() - n * interval '1 minute', now() - n * interval '1 minute'
     FROM generate_series(1, $4::int) AS n`,
    [projectId, projectKey, users.owner.id, ISSUES, components, symptoms],
  );
  await pool.query(
    `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                                status, tags, position, "createdAt", "updatedAt")
     SELECT $1 || '_r' || n, $1, n, $2 || '-' || n, 1, ($4::text[])[1 + n % 6] || ' requirement ' || n,
            'The ' || lower(($4::text[])[1 + n % 6]) || ' shall answer within ' || (n % 30) || ' s without a timeout.',
            '', 'FUNCTIONAL', 'SHOULD', 'DRAFT', '{}', n, now(), now()
     FROM generate_series(1, $3::int) AS n`,
    [projectId, projectKey, REQUIREMENTS, components],
  );
  await pool.query(`ANALYZE "Project", "Membership", "Issue", "Requirement"`);
  return { projectId, projectKey };
}

/* -------------------------------------------------------------- processes */

const cleanups = [];
async function cleanUp() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[bench:limiter] cleanup: ${err.message}`);
    }
  }
  cleanups.length = 0;
}

let watchdog;
function budget(ms, phase) {
  clearTimeout(watchdog);
  watchdog = setTimeout(async () => {
    console.error(`[bench:limiter] FAILED: ${phase} took longer than ${Math.round(ms / 1000)}s; stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(15_000)]);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.error(`[bench:limiter] ${sig}: stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(20_000)]);
    process.exit(130);
  });
}

async function redisAnswers(url) {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Start/stop hooks for measure() that profile the server exactly during the measured run (see bench.mjs). */
function cpuProfiler(pid, label) {
  const hooks = {};
  let before;
  hooks.beforeMeasure = async () => {
    before = new Set(existsSync(profileDir) ? readdirSync(profileDir) : []);
    process.kill(pid, "SIGUSR2");
    await sleep(200);
  };
  hooks.afterMeasure = async () => {
    process.kill(pid, "SIGUSR2");
    for (let i = 0; i < 100; i++) {
      const fresh = existsSync(profileDir)
        ? readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile") && !before.has(f))
        : [];
      if (fresh.length) {
        renameSync(path.join(profileDir, fresh[0]), path.join(profileDir, `${label}.cpuprofile`));
        return;
      }
      await sleep(100);
    }
  };
  return hooks;
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/* -------------------------------------------------------------- throughput */

async function throughput({ runId, startedAt }) {
  const withRedis = await redisAnswers(redisUrl);
  if (!withRedis && process.env.BENCH_REDIS_URL) throw new Error(`BENCH_REDIS_URL ${redisUrl} does not answer`);
  if (!withRedis) log(`no Redis at ${redisUrl}: measuring off and memory only`);
  const modes = ["off", "memory", ...(withRedis ? ["redis"] : [])];

  budget(300_000, "database");
  const name = `specline_bench_limiter_${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(2).toString("hex")}`;
  await createDatabase(adminUrl, name);
  cleanups.push(async () => {
    await dropDatabase(adminUrl, name);
    log(`dropped database ${name}`);
  });
  const dbUrl = databaseUrl(adminUrl, name);
  log(`created database ${name}`);

  const secret = randomBytes(32).toString("base64url");
  const servers = {};
  for (const mode of modes) {
    budget(960_000, `starting the app (${mode})`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env };
    for (const k of [
      "REDIS_URL",
      "GITHUB_ID",
      "GITHUB_SECRET",
      "GOOGLE_ID",
      "GOOGLE_SECRET",
      "NEXTAUTH_URL",
      "DATA_DIR",
    ])
      delete env[k];
    Object.assign(env, {
      DATABASE_URL: dbUrl,
      AUTH_SECRET: secret,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      APP_URL: base,
      NEXT_TELEMETRY_DISABLED: "1",
      ...UNREACHED_BUDGETS,
      RATE_LIMITS: mode === "off" ? "off" : "on",
      ...(mode === "redis" ? { REDIS_URL: redisUrl, RATE_LIMIT_REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS } : {}),
    });
    if (profileDir) {
      env.NODE_OPTIONS =
        `${env.NODE_OPTIONS ?? ""} --require ${path.join(root, "scripts/bench/cpu-profile-preload.cjs")}`.trim();
      env.BENCH_CPU_PROFILE_DIR = profileDir;
    }
    // One at a time: the first applies the migrations (and builds when the build is stale).
    log(`starting the app with the limiter ${mode} on ${base}`);
    const app = startProcess(process.execPath, ["scripts/start.mjs"], { cwd: root, env, name: `app-${mode}`, verbose });
    cleanups.push(() => stopProcess(app));
    await waitFor(`${base}/api/ready`, { child: app, timeoutMs: 900_000, what: `/api/ready (${mode})` });
    servers[mode] = { app, base, pid: findServerPid(app.pid) };
  }

  budget(300_000, "users and seed");
  const first = servers[modes[0]].base;
  const password = () => `Bench-${randomBytes(18).toString("base64url")}`;
  const owner = { email: `bench-owner-${runId}@example.com`, name: "Bench Owner", password: password() };
  const bench = { email: `bench-user-${runId}@example.com`, name: "Bench User", password: password() };
  const users = { owner: await registerUser(first, owner), bench: await registerUser(first, bench) };
  const cookie = await signIn(first, bench);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  cleanups.push(() => pool.end());
  const state = await seed(pool, { runId, users });
  log(`seeded project ${state.projectKey}: ${ISSUES} issues, ${REQUIREMENTS} requirements`);

  const endpoints = [
    { name: "user.me", appPath: trpcQueryPath("user.me") },
    {
      name: "search.query",
      appPath: trpcQueryPath("search.query", { ...SEARCH, projectKey: state.projectKey }),
    },
  ];
  const headers = { cookie, accept: "application/json" };

  // Every mode answers the same, with the RateLimit headers exactly when the limiter is on.
  for (const endpoint of endpoints) {
    let reference = null;
    for (const mode of modes) {
      const res = await request(`${servers[mode].base}${endpoint.appPath}`, { headers });
      if (res.status !== 200)
        throw new Error(`${endpoint.name} (${mode}) answered ${res.status}: ${res.text.slice(0, 300)}`);
      const data = res.json?.result?.data?.json;
      const policy = res.headers.get("ratelimit-policy");
      // The header names the bucket with the fewest calls left; with equal budgets that is `api`.
      if (mode === "off" ? policy : !policy?.includes(`;q=${UNREACHED_BUDGETS.RATE_LIMIT_API_PER_MINUTE};`))
        throw new Error(`${endpoint.name} (${mode}): unexpected RateLimit-Policy ${policy}`);
      if (endpoint.name === "user.me" && data?.id !== users.bench.id)
        throw new Error(`user.me (${mode}) returned ${JSON.stringify(data)}`);
      if (endpoint.name === "search.query" && !(data?.items?.length === SEARCH.limit && !data.limited))
        throw new Error(`search.query (${mode}) should rank a full page, got ${JSON.stringify(data).slice(0, 300)}`);
      const fingerprint = JSON.stringify(endpoint.name === "search.query" ? data.items.map((h) => h.key) : data);
      if (reference !== null && fingerprint !== reference) throw new Error(`${endpoint.name} (${mode}) differs`);
      reference = fingerprint;
    }
  }
  if (withRedis) {
    const client = new Redis(redisUrl);
    const pattern = `specline:rl:*:user:${users.bench.id}*`;
    cleanups.push(async () => {
      const keys = await client.keys(pattern);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    });
    if (!(await client.keys(pattern)).length) throw new Error("the Redis mode left no keys in Redis");
  }

  const runs = [];
  let failed = false;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    postgres: await serverVersion(dbUrl).catch(() => null),
  };
  for (const endpoint of endpoints) {
    for (let r = 0; r < ROUNDS; r++) {
      // The order rotates, so no mode is always measured first or last in a round.
      const order = modes.map((_, i) => modes[(i + r) % modes.length]);
      for (const mode of order) {
        budget((2 * (settings.warmup + settings.duration) + 60) * 1000, `${endpoint.name} (${mode})`);
        const server = servers[mode];
        const logged = server.app.output.split(FALLBACK).length;
        log(`${endpoint.name}, round ${r + 1}/${ROUNDS}, limiter ${mode}…`);
        const profile =
          profileDir && server.pid ? cpuProfiler(server.pid, `limiter-${mode}-${endpoint.name}-${r + 1}`) : {};
        const m = await measure({
          url: `${server.base}${endpoint.appPath}`,
          headers,
          ...settings,
          cpuPid: server.pid,
          ...profile,
        });
        const fallbacks = server.app.output.split(FALLBACK).length - logged;
        if (m.non2xx || m.errors || m.timeouts) {
          failed = true;
          console.error(
            `[bench:limiter] ${endpoint.name} (${mode}): ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts (status codes ${JSON.stringify(m.statusCodes)}); the server's last output:\n${server.app.output.slice(-2000)}`,
          );
        }
        if (fallbacks) log(`warning: ${endpoint.name} (${mode}) fell back to memory ${fallbacks} time(s)`);
        runs.push({ endpoint: endpoint.name, mode, round: r + 1, fallbacks, ...m });
      }
    }
  }
  machine.loadAverageAfter = os.loadavg().map((l) => round(l, 2));
  for (const [mode, server] of Object.entries(servers))
    if (!isRunning(server.app))
      throw new Error(`the app (${mode}) exited during the run:\n${server.app.output.slice(-4000)}`);

  const summary = [];
  for (const endpoint of endpoints) {
    const of = (mode) => runs.filter((x) => x.endpoint === endpoint.name && x.mode === mode);
    const off = of("off");
    const offReqPerSec = median(off.map((x) => x.reqPerSec));
    const offCpu = median(off.map((x) => x.serverCpuMsPerRequest));
    for (const mode of modes) {
      const mine = of(mode);
      const reqPerSec = median(mine.map((x) => x.reqPerSec));
      const cpuMedian = median(mine.map((x) => x.serverCpuMsPerRequest));
      const cpu = cpuMedian === null ? null : round(cpuMedian, 3);
      const onOff = mode === "off" ? null : round(reqPerSec / offReqPerSec, 3);
      summary.push({
        endpoint: endpoint.name,
        mode,
        reqPerSec,
        rounds: mine.map((x) => x.reqPerSec),
        p50Ms: median(mine.map((x) => x.latencyMs.p50)),
        p99Ms: median(mine.map((x) => x.latencyMs.p99)),
        cpuMsPerRequest: cpu,
        cpuUsOverOff: mode === "off" || cpu === null || offCpu === null ? null : round((cpu - offCpu) * 1000, 0),
        onOff,
        fallbacks: mine.reduce((n, x) => n + x.fallbacks, 0),
        goal: onOff === null ? null : onOff >= GOAL ? "met" : "MISSED",
      });
    }
  }
  console.log(
    `\nThroughput, limiter on vs off (median of ${ROUNDS} rounds; ${settings.connections} connections, ${settings.warmup}s warm-up + ${settings.duration}s)\n${table(
      [
        "endpoint",
        "limiter",
        "req/s",
        "rounds",
        "p50 ms",
        "p99 ms",
        "cpu ms/req",
        "cpu µs over off",
        "on/off",
        "goal (< 5 %)",
      ],
      summary.map((s) => [
        s.endpoint,
        s.mode + (s.fallbacks ? ` (${s.fallbacks} fall-backs)` : ""),
        s.reqPerSec,
        s.rounds.join(" / "),
        s.p50Ms,
        s.p99Ms,
        s.cpuMsPerRequest,
        s.cpuUsOverOff,
        s.onOff,
        s.goal,
      ]),
    )}\n`,
  );
  await cleanUp();
  return { ok: !failed, machine, modes, endpoints: summary, runs };
}

/* ---------------------------------------------------------------- per call */

async function perCall() {
  const backends = [null, ...((await redisAnswers(redisUrl)) ? [redisUrl] : [])];
  const results = [];
  let ok = true;
  for (const url of backends) {
    const backend = url ? "redis" : "memory";
    budget(600_000, `per-call (${backend})`);
    log(`per call, ${backend}: node --import tsx scripts/bench/limiter-calls.mjs`);
    const env = { ...process.env };
    for (const k of ["REDIS_URL", "DATA_DIR", "RATE_LIMITS"]) delete env[k];
    Object.assign(env, {
      NODE_ENV: "production",
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      APP_URL: "https://specline.example.com",
      ...UNREACHED_BUDGETS,
      ...(url ? { REDIS_URL: url, RATE_LIMIT_REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS } : {}),
    });
    const run = await runProcess(process.execPath, ["--import", "tsx", "scripts/bench/limiter-calls.mjs"], {
      cwd: root,
      env,
      name: `calls-${backend}`,
      verbose,
    });
    const line = run.output
      .trim()
      .split("\n")
      .findLast((l) => l.startsWith("{"));
    if (run.code !== 0 || !line) {
      ok = false;
      console.error(`[bench:limiter] per-call ${backend} failed:\n${run.output.slice(-2000)}`);
      continue;
    }
    const result = JSON.parse(line);
    if (result.backend !== backend || result.fallbacks) {
      ok = false;
      console.error(`[bench:limiter] per-call ${backend}: ran on ${result.backend}, ${result.fallbacks} fall-back(s)`);
    }
    results.push({ backend, ...result });
  }
  const rows = results.flatMap((r) => [
    [
      r.backend,
      'checkRateLimit(["api"])',
      r.limiter.calls,
      r.limiter.medianUs,
      r.limiter.p99Us,
      r.limiter.meanUs,
      r.limiter.cpuUsPerCall,
    ],
    [r.backend, r.raw.name, r.raw.calls, r.raw.medianUs, r.raw.p99Us, r.raw.meanUs, r.raw.cpuUsPerCall],
  ]);
  console.log(
    `\nThe limiter's own cost per call, one in flight\n${table(
      ["backend", "call", "calls", "median µs", "p99 µs", "mean µs", "cpu µs/call"],
      rows,
    )}\n`,
  );
  return { ok, backends: results };
}

/* -------------------------------------------------------------------- main */

const startedAt = new Date();
const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
let ok = true;
const result = {
  scenario: "limiter",
  title: "user.me and search.query with the rate limiter on and off; the limiter's cost per call",
  date: startedAt.toISOString(),
  command: `node --import tsx scripts/bench/limiter.mjs${args.length ? ` ${args.join(" ")}` : ""}`,
  settings: { ...settings, rounds: ROUNDS },
};
try {
  if (parts.includes("http")) {
    result.throughput = await throughput({ runId, startedAt });
    ok &&= result.throughput.ok;
  }
  if (parts.includes("calls")) {
    result.perCall = await perCall();
    ok &&= result.perCall.ok;
  }
  log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
} catch (err) {
  ok = false;
  console.error(`[bench:limiter] FAILED: ${err.stack ?? err.message}`);
}
budget(60_000, "clean-up");
await cleanUp();
clearTimeout(watchdog);
if (!ok) console.error("[bench:limiter] FAILED (see above)");
process.exit(ok ? 0 : 1);
