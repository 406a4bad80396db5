#!/usr/bin/env node
/**
 * `npm run bench:live`: live updates (`live.events`, server-sent events) at
 * 10,000 concurrent streams, compared with a bare node:http SSE server
 * holding the same connections and fanning the same events out.
 *
 *   1. Creates a throwaway database specline_bench_live_<timestamp> and starts
 *      the production server (`node scripts/start.mjs`: migrations, a build if
 *      missing or stale, the standalone server) on a free loopback port with a
 *      random AUTH_SECRET, the unreached request budgets (lib/app.mjs), stream
 *      limits above the run's (LIVE_MAX_STREAMS_PER_USER, LIVE_MAX_STREAMS)
 *      and the longest LIVE_MAX_DURATION_MS (no stream is cut during the run),
 *      without Redis. Server and load process are started through
 *      `bash -c 'ulimit -Sn …'` with the most open files the hard limit allows.
 *   2. Seeds with SQL one project, BENCH_LIVE_STREAMS / 100 member users
 *      (REPORTER: they may read and receive requirement changes) and 10
 *      writers (MAINTAINER), and signs each in with a session cookie minted
 *      with next-auth's `encode` and the server's secret.
 *   3. Starts the load process (scripts/bench/live/load.mjs, its own process:
 *      the server's and the load's CPU and memory are measured apart) and the
 *      raw baseline (scripts/bench/live/baseline.mjs).
 *   4. For the app, then the baseline, in the same run:
 *        warm-up      (app) 20 writes, then 100 streams opened, 5 events, closed: the path works;
 *                     then 20 writes timed for the server's CPU per write with no stream open
 *        open         BENCH_LIVE_STREAMS streams (100 per user), BENCH_LIVE_OPEN_CONCURRENCY
 *                     opening at once, until each got its first `notifications` message
 *        idle         BENCH_LIVE_IDLE_SECONDS with every stream open and no event (pings only)
 *        1 event/s    BENCH_LIVE_SECONDS events, one a second: `requirement.create` (baseline:
 *                     POST /emit); commit time = when the answer reached the writer
 *        burst        BENCH_LIVE_BURST events as fast as they are taken, 10 writers at once
 *      and measures, per event, commit → the last subscriber and → the median
 *      subscriber (receive times recorded by the load process, same clock);
 *      for the burst, the first commit → every stream had every event; the
 *      server's RSS (VmRSS of the standalone server process) with 0 and with
 *      all streams open; its CPU time per event and per delivery (events ×
 *      streams) in the 1 event/s phase, also net of the idle rate. Every
 *      stream must receive every event exactly once.
 *   5. Cross-instance: two app instances on the same database with REDIS_URL
 *      (BENCH_REDIS_URL, else redis://127.0.0.1:6379; skipped when nothing
 *      answers there unless BENCH_REDIS_URL is set), started one after the other
 *      (only the first migrates or builds). BENCH_LIVE_CROSS_STREAMS streams on
 *      B; BENCH_LIVE_CROSS_EVENTS writes through A and as many through B, in
 *      turn, up to 4 a second but each only once the one before reached every
 *      stream (else B's queue would be measured). The difference of the
 *      latencies is the hop A → Redis → B; it is measured again with 10
 *      streams on B, where B's own fan-out hides nothing of it, and the target
 *      is judged there.
 *   6. Prints a table (app, baseline, app/baseline) and the product's targets
 *      (2 cores: RSS under 1 GB with 10,000 streams, p99 under 1 s at 1
 *      event/s, the burst of 100 in full within 10 s, the hop under 20 ms
 *      p99), writes bench-results/live.json, stops every process, removes its
 *      Redis keys and drops its database.
 * Exits 1 when a stream missed or repeated an event, ended early, or a request
 * failed; a missed target is printed as MISSED.
 *
 * Env: BENCH_LIVE_STREAMS (10000), BENCH_LIVE_SECONDS (30), BENCH_LIVE_BURST (100),
 *      BENCH_LIVE_BURST_WRITERS (10), BENCH_LIVE_OPEN_CONCURRENCY (200), BENCH_LIVE_IDLE_SECONDS (10),
 *      BENCH_LIVE_CROSS_STREAMS (1000; 0 skips), BENCH_LIVE_CROSS_EVENTS (50 per instance),
 *      BENCH_REDIS_URL, BENCH_PG_ADMIN_URL or PG_ADMIN_URL, BENCH_RESULTS_DIR (bench-results),
 *      BENCH_VERBOSE=1 (echo server output), BENCH_CPU_PROFILE=<dir> (V8 CPU profiles of the app
 *      server over the 1 event/s phase and the burst, <dir>/live-<phase>.cpuprofile).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import Redis from "ioredis";
import { encode } from "next-auth/jwt";
import pg from "pg";

import { findServerPid, UNREACHED_BUDGETS, waitFor } from "./lib/app.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase, serverVersion } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";
import { round } from "./lib/load.mjs";
import {
  cpuTimeMs,
  freePort,
  isRunning,
  killAll,
  runProcess,
  sleep,
  startProcess,
  stopProcess,
} from "./lib/process.mjs";
import { table, writeResult } from "./lib/report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (msg) => console.log(`[bench:live] ${msg}`);

const settings = {
  streams: intEnv("BENCH_LIVE_STREAMS", 10_000, 1, 100_000),
  seconds: intEnv("BENCH_LIVE_SECONDS", 30, 1, 600),
  burst: intEnv("BENCH_LIVE_BURST", 100, 1, 10_000),
  burstWriters: intEnv("BENCH_LIVE_BURST_WRITERS", 10, 1, 100),
  openConcurrency: intEnv("BENCH_LIVE_OPEN_CONCURRENCY", 200, 1, 5_000),
  idleSeconds: intEnv("BENCH_LIVE_IDLE_SECONDS", 10, 0, 600),
  crossStreams: intEnv("BENCH_LIVE_CROSS_STREAMS", 1_000, 0, 20_000),
  crossEvents: intEnv("BENCH_LIVE_CROSS_EVENTS", 50, 1, 1_000),
  streamsPerUser: 100,
  writers: 10,
  warmupWrites: 20,
  crossPerSecond: 4,
};
/** Streams on B for the second hop measurement: few enough that B's fan-out takes next to nothing. */
const CROSS_FEW_STREAMS = 10;
const TARGETS = { rssBytes: 1e9, steadyP99Ms: 1_000, burstMs: 10_000, hopP99Ms: 20 };

const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");
const verbose = process.env.BENCH_VERBOSE === "1";
const profileDir = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null;
const READY_TIMEOUT_MS = 900_000;
/**
 * After the last write, deliveries are waited for as long as they progress:
 * an event still missing when nothing arrived for STALL_MS (or after
 * DELIVERY_TIMEOUT_MS in all) counts as missed.
 */
const DELIVERY_TIMEOUT_MS = 1_800_000;
const STALL_MS = 60_000;
/** A write may wait behind the server's fan-out for this long before it counts as failed. */
const WRITE_TIMEOUT_MS = 600_000;
/** The most open files a process is given (each stream is one socket on each side). */
const FD_WANTED = 65_536;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log("Usage: node scripts/bench/live.mjs   (settings through BENCH_LIVE_* variables, see the file's header)");
  process.exit(0);
}

/* -------------------------------------------------------------- processes */

const cleanups = [];
async function cleanUp() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[bench:live] cleanup: ${err.message}`);
    }
  }
  cleanups.length = 0;
}

let watchdog;
function budget(ms, phase) {
  clearTimeout(watchdog);
  watchdog = setTimeout(async () => {
    console.error(`[bench:live] FAILED: ${phase} took longer than ${Math.round(ms / 1000)}s; stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(15_000)]);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.error(`[bench:live] ${sig}: stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(20_000)]);
    process.exit(130);
  });
}

/** The hard limit of open files here; what the children's soft limit is raised to. */
async function openFilesLimit() {
  const res = await runProcess("bash", ["-c", "ulimit -Hn"], { cwd: root, env: process.env, name: "ulimit" });
  const raw = res.output.trim();
  return raw === "unlimited" ? Number.POSITIVE_INFINITY : Number(raw);
}

/** Starts `node <args>` through bash with the soft limit of open files raised to `fds`. */
function startNode(args, { fds, ...opts }) {
  return startProcess("bash", ["-c", `ulimit -Sn ${fds} && exec "$0" "$@"`, process.execPath, ...args], {
    cwd: root,
    ...opts,
  });
}

/** VmRSS and VmHWM (the peak) of `pid`, in bytes (Linux /proc), or nulls. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
      return m ? Number(m[1]) * 1024 : null;
    };
    return { rssBytes: kb("VmRSS"), peakBytes: kb("VmHWM") };
  } catch {
    return { rssBytes: null, peakBytes: null };
  }
}

const mib = (bytes) => (bytes === null || bytes === undefined ? null : round(bytes / 2 ** 20, 1));

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

/** Start/stop of a CPU profile of the app server (live/cpu-profile-preload.cjs), saved as <dir>/live-<label>.cpuprofile. */
function cpuProfiler(pid, label) {
  if (!profileDir || !pid) return { start: async () => {}, stop: async () => null };
  let before;
  return {
    async start() {
      before = new Set(existsSync(profileDir) ? readdirSync(profileDir) : []);
      process.kill(pid, "SIGUSR2");
      await sleep(200);
    },
    async stop() {
      process.kill(pid, "SIGUSR2");
      for (let i = 0; i < 100; i++) {
        const fresh = existsSync(profileDir)
          ? readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile") && !before.has(f))
          : [];
        if (fresh.length) {
          const target = path.join(profileDir, `live-${label}.cpuprofile`);
          renameSync(path.join(profileDir, fresh[0]), target);
          log(`CPU profile: ${path.relative(root, target)}`);
          return target;
        }
        await sleep(100);
      }
      log(`CPU profile ${label}: not written (is the preload active?)`);
      return null;
    },
  };
}

/**
 * One request on a connection of its own. A kept-alive connection can be
 * closed by a busy server just as the next request goes out on it (its idle
 * timer fires late, after the request is already in the socket), which the
 * client sees as ECONNRESET; a fresh connection costs well under a
 * millisecond on loopback.
 */
function send(url, { method = "GET", headers = {}, body, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, text, json });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/* ------------------------------------------------------------ the app side */

function appEnv({ dbUrl, port, secret, redis }) {
  const env = { ...process.env };
  for (const k of ["REDIS_URL", "GITHUB_ID", "GITHUB_SECRET", "GOOGLE_ID", "GOOGLE_SECRET", "NEXTAUTH_URL", "DATA_DIR"])
    delete env[k];
  const base = `http://127.0.0.1:${port}`;
  Object.assign(env, {
    DATABASE_URL: dbUrl,
    AUTH_SECRET: secret,
    PORT: String(port),
    HOSTNAME_BIND: "127.0.0.1",
    APP_URL: base,
    NEXT_TELEMETRY_DISABLED: "1",
    RATE_LIMITS: "on",
    ...UNREACHED_BUDGETS,
    LIVE_MAX_STREAMS_PER_USER: "100000",
    LIVE_MAX_STREAMS: String(Math.max(20_000, settings.streams + settings.crossStreams + 1_000)),
    // The longest allowed: a stream cut and resumed mid-run would be a reconnect, not what is measured.
    LIVE_MAX_DURATION_MS: "86400000",
    ...(redis ? { REDIS_URL: redis } : {}),
  });
  if (profileDir) {
    env.NODE_OPTIONS =
      `${env.NODE_OPTIONS ?? ""} --require ${path.join(root, "scripts/bench/live/cpu-profile-preload.cjs")}`.trim();
    env.BENCH_CPU_PROFILE_DIR = profileDir;
  }
  return env;
}

async function startApp({ name, dbUrl, secret, fds, redis = null }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const hasBuild =
    existsSync(path.join(root, ".next/standalone/server.js")) && existsSync(path.join(root, ".next/BUILD_ID"));
  log(
    `starting ${name} (node scripts/start.mjs) on ${base}${redis ? ` with Redis ${redis}` : ""}${hasBuild ? "" : " — no build yet, building first"}`,
  );
  const child = startNode(["scripts/start.mjs"], {
    fds,
    env: appEnv({ dbUrl, port, secret, redis }),
    name,
    verbose,
  });
  cleanups.push(() => stopProcess(child));
  const t0 = Date.now();
  await waitFor(`${base}/api/ready`, { child, timeoutMs: READY_TIMEOUT_MS, what: `/api/ready (${name})` });
  const pid = findServerPid(child.pid);
  if (!pid) throw new Error(`${name}: could not find the standalone server's process under ${child.pid}`);
  log(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (server pid ${pid})`);
  return { name, child, base, port, pid };
}

const PROJECT_KEY = "LIVE";

/** One project, `streamUsers` REPORTER members who hold the streams and `writers` MAINTAINERs who write. */
async function seed(pool, { runId, streamUsers, writers }) {
  const projectId = `blp${runId}`;
  const users = [];
  for (let i = 0; i < streamUsers; i++) users.push({ id: `blu${runId}s${i}`, role: "REPORTER" });
  for (let i = 0; i < writers; i++) users.push({ id: `blu${runId}w${i}`, role: "MAINTAINER" });
  await pool.query(
    `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "createdAt", "updatedAt")
     SELECT u.id, u.id || '@example.com', 'Live ' || u.id, 'USER', now(), now(), now() FROM unnest($1::text[]) AS u(id)`,
    [users.map((u) => u.id)],
  );
  await pool.query(
    `INSERT INTO "Project" (id, key, name, "createdAt", "updatedAt") VALUES ($1, $2, 'Live streams bench', now(), now())`,
    [projectId, PROJECT_KEY],
  );
  await pool.query(
    `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
     SELECT $1 || '_' || u.id, $1, u.id, u.role::"ProjectRole", now(), now() FROM unnest($2::text[], $3::text[]) AS u(id, role)`,
    [projectId, users.map((u) => u.id), users.map((u) => u.role)],
  );
  await pool.query(`ANALYZE "User", "Project", "Membership"`);
  return {
    projectId,
    streamUsers: users.filter((u) => u.role === "REPORTER").map((u) => u.id),
    writers: users.filter((u) => u.role === "MAINTAINER").map((u) => u.id),
  };
}

/** A signed-in browser's cookie: a session row (as sign-in starts one) named by next-auth's encrypted token. */
async function cookieOf(pool, userId, secret) {
  const sid = randomBytes(32).toString("base64url");
  await pool.query(
    `INSERT INTO "Session" (id, "userId", "idleExpiresAt", "expiresAt") VALUES ($1, $2, now() + interval '1 day', now() + interval '1 day')`,
    [sid, userId],
  );
  return `next-auth.session-token=${await encode({ token: { sub: userId, sid }, secret })}`;
}

/**
 * Waits until the outbox holds nothing due: a stream opened while the
 * dispatcher still publishes an earlier write would receive it (rightly),
 * and the count of what each stream receives would no longer be exact.
 * Rows waiting for a retry are not due; they are the caller's to expect.
 */
async function outboxSettled(pool, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS due FROM "OutboxEvent" WHERE "dispatchedAt" IS NULL AND "failedAt" IS NULL AND "availableAt" <= now()`,
    );
    if (rows[0].due === 0) break;
    if (Date.now() > deadline)
      throw new Error(`the outbox still holds ${rows[0].due} due events after ${timeoutMs} ms`);
    await sleep(50);
  }
  // Publishing follows the commit of the dispatched mark by a few milliseconds.
  await sleep(300);
}

/** LIVE-1 … LIVE-<n>: every requirement key the project has handed out so far (earlier phases' changes). */
async function keysSoFar(pool) {
  const { rows } = await pool.query(`SELECT "requirementCounter" AS n FROM "Project" WHERE key = $1`, [PROJECT_KEY]);
  return Array.from({ length: rows[0]?.n ?? 0 }, (_, i) => `${PROJECT_KEY}-${i + 1}`);
}

const streamPath = `/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: { projectKey: PROJECT_KEY } }))}`;

let titleCounter = 0;
/** `requirement.create` through `base` as `cookie`; the commit time is when its answer arrived here. */
async function createRequirement(base, cookie) {
  const sentAt = Date.now();
  const res = await send(`${base}/api/trpc/requirement.create`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ json: { projectKey: PROJECT_KEY, title: `Live event ${++titleCounter}` } }),
    timeoutMs: WRITE_TIMEOUT_MS,
  });
  const committedAt = Date.now();
  const key = res.json?.result?.data?.json?.key;
  if (res.status !== 200 || !key)
    throw new Error(`requirement.create answered ${res.status}: ${res.text.slice(0, 300)}`);
  return { key, sentAt, committedAt };
}

let baselineSeq = 0;
/** One event through the baseline: the same message shape as a requirement.created change. */
async function emitBaseline(base, actorId) {
  const seq = ++baselineSeq;
  const key = `BASE-${seq}`;
  const data = {
    json: {
      kind: "change",
      seq,
      id: randomUUID(),
      type: "requirement.created",
      projectKey: PROJECT_KEY,
      key,
      version: 1,
      refs: [key],
      actorId,
      occurredAt: new Date().toISOString(),
    },
    meta: { values: { occurredAt: ["Date"] } },
  };
  const sentAt = Date.now();
  const res = await send(`${base}/emit`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id: String(seq), data }),
    timeoutMs: 60_000,
  });
  const committedAt = Date.now();
  if (res.status !== 200) throw new Error(`baseline /emit answered ${res.status}: ${res.text.slice(0, 300)}`);
  return { key, sentAt, committedAt, sent: res.json?.sent };
}

/* ------------------------------------------------------------ the load side */

function loadClient(base) {
  const call = async (method, route, body) => {
    const res = await send(`${base}${route}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: 3_600_000,
    });
    if (res.status !== 200) throw new Error(`load ${route}: ${res.json?.error ?? res.text.slice(0, 300)}`);
    return res.json;
  };
  return {
    open: (body) => call("POST", "/open", body),
    wait: (body) => call("POST", "/wait", body),
    close: (group) => call("POST", "/close", { group }),
    stats: () => call("GET", "/stats"),
  };
}

async function startLoad(fds) {
  const child = startNode(["scripts/bench/live/load.mjs"], {
    fds,
    env: { PATH: process.env.PATH },
    name: "load",
    verbose,
  });
  cleanups.push(() => stopProcess(child));
  const deadline = Date.now() + 30_000;
  let m = /listening (\d+)/.exec(child.output);
  while (!m && Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`the load process exited:\n${child.output.slice(-2000)}`);
    await sleep(50);
    m = /listening (\d+)/.exec(child.output);
  }
  if (!m) throw new Error("the load process did not start");
  return { child, pid: child.pid, load: loadClient(`http://127.0.0.1:${m[1]}`) };
}

/* ------------------------------------------------------------- the figures */

/** A write's result, or { error } when it failed: one failed request does not stop a phase. */
const attempt = (promise) => promise.catch((err) => ({ error: err.cause?.code ?? err.message }));

/** The writes that succeeded; the failures become problems (the run fails). */
function succeeded(label, results, problems) {
  const failed = results.filter((r) => r.error);
  if (failed.length) problems.push(`${label}: ${failed.length} writes failed; first: ${failed[0].error}`);
  return results.filter((r) => !r.error);
}

function percentile(values, p) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Per-event latencies from commit to the last, median and first subscriber (ms). */
function latencies(writes, report) {
  const toLast = [];
  const toMedian = [];
  const toFirst = [];
  const answer = [];
  for (const w of writes) {
    const e = report.events[w.key];
    toLast.push(e?.lastAt ? e.lastAt - w.committedAt : null);
    toMedian.push(e?.medianAt ? e.medianAt - w.committedAt : null);
    toFirst.push(e?.firstAt ? e.firstAt - w.committedAt : null);
    answer.push(w.committedAt - w.sentAt);
  }
  const summary = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: percentile(xs, 100) });
  return {
    toLastMs: summary(toLast),
    toMedianMs: summary(toMedian),
    toFirstMs: summary(toFirst),
    writeAnswerMs: summary(answer),
    // Per event, in the order written: commit → last subscriber, → first subscriber, write answered (ms).
    samples: writes.map((w, i) => ({ key: w.key, toLast: toLast[i], toFirst: toFirst[i], answer: answer[i] })),
  };
}

/**
 * Every stream got every event exactly once, nothing else, and stayed open;
 * else the problems. A write that answered with an error may still have
 * committed (a request past its budget is answered 503 while its
 * transaction finishes): up to `failedWrites` changes nobody was told about
 * are accepted as those, and must reach every stream exactly once too.
 */
function checkDeliveries(label, report, streams, failedWrites = 0) {
  const problems = [];
  let missing = 0;
  let duplicates = 0;
  let eventsMissed = 0;
  const events = [
    ...Object.entries(report.events),
    ...report.unexpected.map((u) => [u.key, { received: u.received, duplicates: u.duplicates }]),
  ];
  for (const [key, e] of events) {
    if (e.received !== streams) {
      eventsMissed++;
      missing += streams - e.received;
      if (eventsMissed <= 3) problems.push(`${label}: ${key} reached ${e.received} of ${streams} streams`);
    }
    duplicates += e.duplicates;
  }
  if (eventsMissed > 3) problems.push(`${label}: … ${eventsMissed} events missed ${missing} deliveries in all`);
  if (duplicates) problems.push(`${label}: ${duplicates} duplicate deliveries`);
  const unexpected = report.unexpected.map((u) => u.key);
  if (unexpected.length > failedWrites)
    problems.push(
      `${label}: ${unexpected.length} changes nobody wrote (${failedWrites} writes failed): ${unexpected.slice(0, 5).join(", ")}`,
    );
  if (report.ended) problems.push(`${label}: ${report.ended} streams ended early (${report.endErrors.join("; ")})`);
  if (report.resyncs) problems.push(`${label}: ${report.resyncs} resync messages`);
  if (report.serverErrors.length) problems.push(`${label}: ${report.serverErrors.join("; ")}`);
  return { problems, missing, duplicates, committedDespiteError: unexpected };
}

/* ------------------------------------------------------------------ phases */

/**
 * One target (the app or the baseline) through open → idle → 1 event/s →
 * burst → close. `write(writerIndex)` sends one event and returns
 * { key, sentAt, committedAt }.
 */
async function runTarget({ name, pid, port, cookies, write, load, loadPid, problems, settle = async () => {} }) {
  const n = settings.streams;
  const result = { name, streams: n };
  const group = `${name}-main`;
  const known = [];

  await settle();
  result.memoryIdle = memoryOf(pid);
  budget(Math.max(600_000, n * 200), `${name}: opening ${n} streams`);
  log(`${name}: opening ${n} streams (${settings.openConcurrency} at once)…`);
  const cpuOpen0 = cpuTimeMs(pid);
  const opened = await load.open({
    group,
    port,
    path: streamPath,
    cookies,
    perCookie: settings.streamsPerUser,
    count: n,
    concurrency: settings.openConcurrency,
    timeoutMs: 60_000,
  });
  const cpuOpen = cpuTimeMs(pid) - cpuOpen0;
  result.open = {
    opened: opened.opened,
    failed: opened.failed,
    seconds: round(opened.ms / 1000, 1),
    perSecond: round(opened.opened / (opened.ms / 1000), 1),
    cpuMsPerStream: round(cpuOpen / Math.max(1, opened.opened), 3),
    errors: opened.errors,
  };
  log(
    `${name}: ${opened.opened} streams open in ${result.open.seconds}s (${result.open.perSecond}/s, ${result.open.cpuMsPerStream} ms CPU each)${opened.failed ? `, ${opened.failed} failed: ${opened.errors.slice(0, 3).join("; ")}` : ""}`,
  );
  if (opened.opened !== n) {
    problems.push(`${name}: only ${opened.opened} of ${n} streams opened (${opened.errors.slice(0, 3).join("; ")})`);
    await load.close(group);
    return result;
  }
  await sleep(2_000);
  result.memoryOpen = memoryOf(pid);
  result.loadOpen = await load.stats();

  // Idle: what holding the streams costs (pings every 15 s, the hub's timers).
  budget((settings.idleSeconds + 60) * 1000, `${name}: idle`);
  const idle0 = cpuTimeMs(pid);
  const idleT0 = Date.now();
  await sleep(settings.idleSeconds * 1000);
  result.idle = {
    seconds: settings.idleSeconds,
    cpuMsPerSecond: settings.idleSeconds ? round((cpuTimeMs(pid) - idle0) / ((Date.now() - idleT0) / 1000), 1) : null,
  };

  // 1 event per second.
  budget(settings.seconds * 1000 + WRITE_TIMEOUT_MS + DELIVERY_TIMEOUT_MS + 120_000, `${name}: 1 event/s`);
  log(`${name}: ${settings.seconds} events, one a second…`);
  let profile = cpuProfiler(name === "app" ? pid : null, "steady");
  await profile.start();
  const loadCpu0 = (await load.stats()).cpuMs;
  const cpu0 = cpuTimeMs(pid);
  const t0 = Date.now() + 100;
  const pending = [];
  for (let i = 0; i < settings.seconds; i++) {
    const wait = t0 + i * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(attempt(write(i % settings.writers)));
  }
  const steadyAll = await Promise.all(pending);
  const steadyWrites = succeeded(`${name}, 1 event/s`, steadyAll, problems);
  for (const w of steadyWrites) known.push(w.key);
  const steadyReport = await load.wait({
    group,
    keys: steadyWrites.map((w) => w.key),
    known,
    timeoutMs: DELIVERY_TIMEOUT_MS,
    stallMs: STALL_MS,
  });
  // The phase lasts `seconds`, or until the last delivery when that is later.
  const lastDelivery = Math.max(
    ...[...Object.values(steadyReport.events), ...steadyReport.unexpected].map((e) => e.lastAt ?? 0),
  );
  const steadyEnd = Math.max(t0 + settings.seconds * 1000, lastDelivery);
  const waitEnd = steadyEnd - Date.now();
  if (waitEnd > 0) await sleep(waitEnd);
  const steadyCpu = cpuTimeMs(pid) - cpu0;
  const steadyMs = Date.now() - t0;
  const loadSteadyCpu = (await load.stats()).cpuMs - loadCpu0;
  await profile.stop();
  const steadyCheck = checkDeliveries(`${name}, 1 event/s`, steadyReport, n, steadyAll.length - steadyWrites.length);
  problems.push(...steadyCheck.problems);
  known.push(...steadyCheck.committedDespiteError);
  // Every change fanned out, including those whose write answered with an error.
  const steadyEvents = steadyWrites.length + steadyCheck.committedDespiteError.length;
  const deliveries = steadyEvents * n;
  const idleMs = result.idle.cpuMsPerSecond === null ? 0 : (result.idle.cpuMsPerSecond * steadyMs) / 1000;
  result.steady = {
    writes: steadyAll.length,
    failedWrites: steadyAll.length - steadyWrites.length,
    events: steadyEvents,
    committedDespiteError: steadyCheck.committedDespiteError,
    ...latencies(steadyWrites, steadyReport),
    missing: steadyCheck.missing,
    duplicates: steadyCheck.duplicates,
    seconds: round(steadyMs / 1000, 1),
    cpuMs: steadyCpu,
    cpuMsPerEvent: round(steadyCpu / steadyEvents, 1),
    cpuUsPerDelivery: round((steadyCpu * 1000) / deliveries, 2),
    netCpuMsPerEvent: round((steadyCpu - idleMs) / steadyEvents, 1),
    netCpuUsPerDelivery: round(((steadyCpu - idleMs) * 1000) / deliveries, 2),
    loadCpuUsPerDelivery: round((loadSteadyCpu * 1000) / deliveries, 2),
  };
  result.memorySteady = memoryOf(pid);
  log(
    `${name}: 1 event/s: commit → last subscriber p50 ${result.steady.toLastMs.p50} ms, p99 ${result.steady.toLastMs.p99} ms; → median subscriber p50 ${result.steady.toMedianMs.p50} ms; ${result.steady.cpuMsPerEvent} ms CPU per event (${result.steady.cpuUsPerDelivery} µs per delivery)`,
  );

  // The burst: as fast as the writers get answers.
  budget(DELIVERY_TIMEOUT_MS + WRITE_TIMEOUT_MS + 300_000, `${name}: burst`);
  log(`${name}: burst of ${settings.burst} events, ${settings.burstWriters} writers…`);
  profile = cpuProfiler(name === "app" ? pid : null, "burst");
  await profile.start();
  const burstCpu0 = cpuTimeMs(pid);
  const burstWrites = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(settings.burstWriters, settings.burst) }, async (_, w) => {
      for (let i = next++; i < settings.burst; i = next++) burstWrites.push(await attempt(write(w % settings.writers)));
    }),
  );
  const burstFailed = burstWrites.filter((w) => w.error).length;
  burstWrites.splice(0, burstWrites.length, ...succeeded(`${name}, burst`, burstWrites, problems));
  for (const w of burstWrites) known.push(w.key);
  const burstReport = await load.wait({
    group,
    keys: burstWrites.map((w) => w.key),
    known,
    timeoutMs: DELIVERY_TIMEOUT_MS,
    stallMs: STALL_MS,
  });
  const burstCpu = cpuTimeMs(pid) - burstCpu0;
  await profile.stop();
  const burstCheck = checkDeliveries(`${name}, burst`, burstReport, n, burstFailed);
  problems.push(...burstCheck.problems);
  known.push(...burstCheck.committedDespiteError);
  const burstEvents = burstWrites.length + burstCheck.committedDespiteError.length;
  const firstCommit = Math.min(...burstWrites.map((w) => w.committedAt));
  const lastCommit = Math.max(...burstWrites.map((w) => w.committedAt));
  const allDelivered = Math.max(
    ...[...Object.values(burstReport.events), ...burstReport.unexpected].map(
      (e) => e.lastAt ?? Number.POSITIVE_INFINITY,
    ),
  );
  result.burst = {
    writes: settings.burst,
    failedWrites: burstFailed,
    events: burstEvents,
    committedDespiteError: burstCheck.committedDespiteError,
    writers: settings.burstWriters,
    writesSeconds: round((lastCommit - Math.min(...burstWrites.map((w) => w.sentAt))) / 1000, 2),
    allDeliveredMs: burstCheck.missing ? null : allDelivered - firstCommit,
    afterLastCommitMs: burstCheck.missing ? null : allDelivered - lastCommit,
    ...latencies(burstWrites, burstReport),
    missing: burstCheck.missing,
    duplicates: burstCheck.duplicates,
    cpuMsPerEvent: round(burstCpu / burstEvents, 1),
  };
  result.memoryBurst = memoryOf(pid);
  result.loadEnd = await load.stats();
  log(
    `${name}: burst written in ${result.burst.writesSeconds}s, every stream had all ${settings.burst} ${result.burst.allDeliveredMs} ms after the first commit (${result.burst.afterLastCommitMs} ms after the last)`,
  );

  const closed = await load.close(group);
  if (closed.ended) problems.push(`${name}: ${closed.ended} streams had ended before they were closed`);
  await sleep(5_000);
  result.memoryClosed = memoryOf(pid);
  result.loadProcess = { pid: loadPid, rssOpenBytes: result.loadOpen.rssBytes, rssEndBytes: result.loadEnd.rssBytes };
  const rssValues = [result.memoryOpen, result.memorySteady, result.memoryBurst].map((m) => m.rssBytes ?? 0);
  result.rssWithStreamsBytes = Math.max(...rssValues);
  result.rssPerStreamKiB =
    result.memoryOpen.rssBytes && result.memoryIdle.rssBytes
      ? round((result.memoryOpen.rssBytes - result.memoryIdle.rssBytes) / 1024 / n, 1)
      : null;
  log(
    `${name}: RSS ${mib(result.memoryIdle.rssBytes)} MiB with no stream, ${mib(result.memoryOpen.rssBytes)} MiB with ${n} open, at most ${mib(result.rssWithStreamsBytes)} MiB during the events (peak ${mib(result.memoryBurst.peakBytes)}), ${mib(result.memoryClosed.rssBytes)} MiB after closing them`,
  );
  return result;
}

/** The app's warm-up: writes, then a few streams with a few events, checked end to end. */
async function warmUp({ app, pool, cookies, writerCookies, load, problems }) {
  budget(300_000, "warm-up");
  for (let i = 0; i < settings.warmupWrites; i++)
    await createRequirement(app.base, writerCookies[i % writerCookies.length]);
  await outboxSettled(pool);
  const n = Math.min(100, settings.streams);
  await load.open({
    group: "warmup",
    port: app.port,
    path: streamPath,
    cookies,
    perCookie: 1,
    count: n,
    concurrency: 20,
    timeoutMs: 30_000,
  });
  const writes = [];
  for (let i = 0; i < 5; i++) writes.push(await createRequirement(app.base, writerCookies[i % writerCookies.length]));
  const report = await load.wait({ group: "warmup", keys: writes.map((w) => w.key), timeoutMs: 30_000 });
  await load.close("warmup");
  const check = checkDeliveries("warm-up", report, n);
  if (check.problems.length) {
    problems.push(...check.problems);
    throw new Error(`the warm-up's ${n} streams did not receive its events: ${check.problems.join("; ")}`);
  }
  // What one write costs the server with no stream open (the fan-out's share is the rest).
  const cpu0 = cpuTimeMs(app.pid);
  for (let i = 0; i < settings.warmupWrites; i++)
    await createRequirement(app.base, writerCookies[i % writerCookies.length]);
  await sleep(1_000);
  return { writeCpuMsNoStreams: round((cpuTimeMs(app.pid) - cpu0) / settings.warmupWrites, 1) };
}

/**
 * Writes through A and B in turn, `eventsPerInstance` each, while `streams`
 * streams listen on B; the latency difference between the two is the hop
 * A → Redis → B.
 */
async function hop({ label, a, b, pool, streams, eventsPerInstance, cookies, writerCookies, load, problems }) {
  const group = `cross-${streams}`;
  budget(Math.max(300_000, streams * 200), `${label}: opening streams`);
  const opened = await load.open({
    group,
    port: b.port,
    path: streamPath,
    cookies,
    perCookie: Math.min(settings.streamsPerUser, Math.ceil(streams / cookies.length)),
    count: streams,
    concurrency: settings.openConcurrency,
    timeoutMs: 60_000,
  });
  if (opened.opened !== streams) {
    problems.push(`${label}: only ${opened.opened} of ${streams} streams opened on B (${opened.errors.join("; ")})`);
    await load.close(group);
    return null;
  }
  budget(2 * eventsPerInstance * 130_000 + 180_000, `${label}: events`);
  // A write of an earlier phase that failed may be retried by an outbox now and arrive here: expected, not counted.
  const known = await keysSoFar(pool);
  // Warm-up: both paths, the subscriber connection on B among them.
  const warm = [];
  for (let i = 0; i < 10; i++) warm.push(await createRequirement((i % 2 ? b : a).base, writerCookies[i % 2]));
  known.push(...warm.map((w) => w.key));
  const warmReport = await load.wait({
    group,
    keys: warm.map((w) => w.key),
    known,
    timeoutMs: 60_000,
    stallMs: STALL_MS,
  });
  problems.push(...checkDeliveries(`${label}, warm-up`, warmReport, streams).problems);

  const total = 2 * eventsPerInstance;
  log(
    `${label}: ${streams} streams on B; ${total} events through A and B in turn, up to ${settings.crossPerSecond} a second, each after the previous one reached every stream…`,
  );
  // Closed loop: an event that found B still fanning out the previous one would measure B's queue, not the hop.
  const interval = 1000 / settings.crossPerSecond;
  let slot = Date.now() + 100;
  let heldBack = 0;
  const results = [];
  for (let i = 0; i < total; i++) {
    const wait = slot - Date.now();
    if (wait > 0) await sleep(wait);
    const via = i % 2 === 0 ? "A" : "B";
    const w = await attempt(createRequirement((via === "A" ? a : b).base, writerCookies[i % writerCookies.length]));
    results.push({ ...w, via });
    if (w.error) continue;
    known.push(w.key);
    await load.wait({ group, keys: [w.key], known, timeoutMs: 120_000, stallMs: STALL_MS });
    if (Date.now() > slot + interval) heldBack++;
    slot = Math.max(slot + interval, Date.now());
  }
  const writes = succeeded(label, results, problems);
  const report = await load.wait({ group, keys: writes.map((w) => w.key), known, timeoutMs: 60_000 });
  const check = checkDeliveries(label, report, streams, results.length - writes.length);
  problems.push(...check.problems);
  await load.close(group);
  const viaA = latencies(
    writes.filter((w) => w.via === "A"),
    report,
  );
  const viaB = latencies(
    writes.filter((w) => w.via === "B"),
    report,
  );
  const diff = (x, y) => (x === null || y === null ? null : x - y);
  const result = {
    streamsOnB: streams,
    eventsPerInstance,
    perSecond: settings.crossPerSecond,
    heldBack,
    viaA,
    viaB,
    hopMs: {
      p50: diff(viaA.toLastMs.p50, viaB.toLastMs.p50),
      p99: diff(viaA.toLastMs.p99, viaB.toLastMs.p99),
      firstSubscriberP50: diff(viaA.toFirstMs.p50, viaB.toFirstMs.p50),
    },
    failedWrites: results.length - writes.length,
    missing: check.missing,
    duplicates: check.duplicates,
    memoryB: memoryOf(b.pid),
  };
  log(
    `${label}: commit → last subscriber on B, written through A p50 ${viaA.toLastMs.p50} / p99 ${viaA.toLastMs.p99} ms, through B p50 ${viaB.toLastMs.p50} / p99 ${viaB.toLastMs.p99} ms: the hop adds ${result.hopMs.p50} ms (p50), ${result.hopMs.p99} ms (p99)`,
  );
  return result;
}

/**
 * Two instances on one database and Redis, started one after the other:
 * the hop measured under BENCH_LIVE_CROSS_STREAMS streams on B, then under
 * a handful, where B's own fan-out hides nothing of it.
 */
async function crossInstance({ dbUrl, pool, secret, fds, cookies, writerCookies, load, problems }) {
  budget(2 * READY_TIMEOUT_MS, "starting two instances");
  const a = await startApp({ name: "app-a", dbUrl, secret, fds, redis: redisUrl });
  const b = await startApp({ name: "app-b", dbUrl, secret, fds, redis: redisUrl });
  const common = { a, b, pool, cookies, writerCookies, load, problems };
  const result = {
    streams: await hop({
      label: "cross-instance",
      streams: settings.crossStreams,
      eventsPerInstance: settings.crossEvents,
      ...common,
    }),
    few: await hop({
      label: "cross-instance, few streams",
      streams: CROSS_FEW_STREAMS,
      eventsPerInstance: settings.crossEvents,
      ...common,
    }),
  };
  for (const app of [a, b]) {
    if (!isRunning(app.child)) throw new Error(`${app.name} exited during the run:\n${app.child.output.slice(-4000)}`);
  }
  await stopProcess(a.child);
  await stopProcess(b.child);
  return result;
}

/* ------------------------------------------------------------------ report */

function formatNumber(value, unit = "") {
  if (value === null || value === undefined) return "–";
  return `${typeof value === "number" ? value.toLocaleString("en-US") : value}${unit}`;
}

function ratio(a, b, digits = 2) {
  return a !== null && a !== undefined && b ? round(a / b, digits) : null;
}

function printReport(result) {
  const { app, baseline, cross, targets } = result;
  const rows = [];
  const row = (figure, get, digits = 2) => {
    const x = app ? get(app) : null;
    const y = baseline ? get(baseline) : null;
    rows.push([figure, formatNumber(x), formatNumber(y), formatNumber(ratio(x, y, digits))]);
  };
  row("streams opened per second", (t) => t.open?.perSecond);
  row("server CPU per stream opened, ms", (t) => t.open?.cpuMsPerStream);
  row("server RSS, no stream, MiB", (t) => mib(t.memoryIdle?.rssBytes));
  row(`server RSS, ${settings.streams} streams open, MiB`, (t) => mib(t.memoryOpen?.rssBytes));
  row("server RSS, most during the events, MiB", (t) => mib(t.rssWithStreamsBytes));
  row("server RSS per stream, KiB", (t) => t.rssPerStreamKiB);
  row("server RSS after closing them, MiB", (t) => mib(t.memoryClosed?.rssBytes));
  row("server CPU idle with streams open, ms/s", (t) => t.idle?.cpuMsPerSecond);
  row("1 event/s: commit → last subscriber p50, ms", (t) => t.steady?.toLastMs.p50);
  row("1 event/s: commit → last subscriber p99, ms", (t) => t.steady?.toLastMs.p99);
  row("1 event/s: commit → median subscriber p50, ms", (t) => t.steady?.toMedianMs.p50);
  row("1 event/s: commit → median subscriber p99, ms", (t) => t.steady?.toMedianMs.p99);
  row("1 event/s: commit → first subscriber p50, ms", (t) => t.steady?.toFirstMs.p50);
  row("1 event/s: write answered p50, ms", (t) => t.steady?.writeAnswerMs.p50);
  row("1 event/s: writes failed", (t) => t.steady?.failedWrites);
  row("1 event/s: server CPU per event, ms", (t) => t.steady?.cpuMsPerEvent);
  row("  net of the idle rate, ms", (t) => t.steady?.netCpuMsPerEvent);
  row("1 event/s: server CPU per delivery, µs", (t) => t.steady?.cpuUsPerDelivery);
  row("  net of the idle rate, µs", (t) => t.steady?.netCpuUsPerDelivery);
  row("1 event/s: load process CPU per delivery, µs", (t) => t.steady?.loadCpuUsPerDelivery);
  row(`burst of ${settings.burst}: writes took, s`, (t) => t.burst?.writesSeconds);
  row("burst: writes failed", (t) => t.burst?.failedWrites);
  row("burst: first commit → every stream had all, ms", (t) => t.burst?.allDeliveredMs);
  row("burst: last commit → every stream had all, ms", (t) => t.burst?.afterLastCommitMs);
  row("burst: commit → last subscriber p50, ms", (t) => t.burst?.toLastMs.p50);
  row("burst: commit → last subscriber p99, ms", (t) => t.burst?.toLastMs.p99);
  row("burst: server CPU per event, ms", (t) => t.burst?.cpuMsPerEvent);
  row("load process RSS with the streams open, MiB", (t) => mib(t.loadProcess?.rssOpenBytes));
  console.log(
    `\nlive: ${settings.streams} streams on one instance, ${settings.seconds} events at 1/s, a burst of ${settings.burst}\n${table(["figure", "app", "baseline", "app/base"], rows)}\n`,
  );
  if (app?.writeCpuMsNoStreams !== undefined)
    console.log(`requirement.create with no stream open: ${app.writeCpuMsNoStreams} ms of server CPU per write\n`);
  for (const h of [cross?.streams, cross?.few]) {
    if (!h) continue;
    const cells = (via) => [
      via.toLastMs.p50,
      via.toLastMs.p99,
      via.toMedianMs.p50,
      via.toFirstMs.p50,
      via.writeAnswerMs.p50,
    ];
    console.log(
      `cross-instance: ${h.streamsOnB} streams on B, ${h.eventsPerInstance} events through each instance in turn, up to ${h.perSecond}/s, each after the previous one was delivered (${h.heldBack} waited for that)\n${table(
        ["written through", "→ last p50 ms", "→ last p99 ms", "→ median p50 ms", "→ first p50 ms", "answer p50 ms"],
        [
          ["A (A → Redis → B)", ...cells(h.viaA)],
          ["B (same instance)", ...cells(h.viaB)],
          ["difference: the hop", h.hopMs.p50, h.hopMs.p99, "", h.hopMs.firstSubscriberP50, ""],
        ],
      )}\n`,
    );
  }
  console.log(
    `targets (2 cores)\n${table(
      ["target", "measured", "result"],
      targets.map((t) => [t.target, t.measured, t.met === null ? "not measured" : t.met ? "met" : "MISSED"]),
    )}\n`,
  );
}

function judge({ app, cross }) {
  const n = settings.streams;
  const rss = app?.rssWithStreamsBytes ?? null;
  const steadyP99 = app?.steady?.toLastMs.p99 ?? null;
  const burst = app?.burst?.allDeliveredMs ?? null;
  // Judged where B's fan-out hides nothing; with many streams the difference is within B's own variation.
  const hop = cross?.few?.hopMs.p99 ?? null;
  const hopMany = cross?.streams?.hopMs.p99 ?? null;
  const steadyFailed = app?.steady?.failedWrites ?? 0;
  const burstFailed = app?.burst?.failedWrites ?? 0;
  return [
    {
      target: `server RSS under 1 GB with ${n} streams`,
      measured: rss === null ? "–" : `${mib(rss)} MiB`,
      met: rss === null ? null : rss < TARGETS.rssBytes,
    },
    {
      target: "p99 under 1 s at 1 event/s (commit → last subscriber)",
      measured:
        (steadyP99 === null ? "–" : `${steadyP99} ms`) +
        (steadyFailed ? `; ${steadyFailed} of ${app.steady.writes} writes failed` : ""),
      met: steadyP99 === null ? null : steadyP99 < TARGETS.steadyP99Ms,
    },
    {
      target: `burst of ${settings.burst} delivered in full within 10 s`,
      measured:
        (burst === null ? "not in full" : `${burst} ms`) +
        (burstFailed ? `; ${burstFailed} of ${app.burst.writes} writes failed` : ""),
      met: app?.burst ? burst !== null && !burstFailed && burst < TARGETS.burstMs : null,
    },
    {
      target: "cross-instance hop under 20 ms p99",
      measured:
        (hop === null ? "–" : `${hop} ms with ${CROSS_FEW_STREAMS} streams on B`) +
        (hopMany === null ? "" : ` (${hopMany} ms with ${settings.crossStreams})`),
      met: hop === null ? null : hop < TARGETS.hopP99Ms,
    },
  ];
}

async function machineInfo(dbUrl) {
  const git = async (args) => {
    const r = await runProcess("git", args, { cwd: root, env: process.env, name: "git" }).catch(() => null);
    return r?.code === 0 ? r.output.trim() : null;
  };
  const status = await git(["status", "--porcelain", "--untracked-files=no"]);
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await serverVersion(dbUrl).catch(() => null),
    commit: await git(["rev-parse", "--short", "HEAD"]),
    dirty: status === null ? null : status.length > 0,
  };
}

/* -------------------------------------------------------------------- main */

async function main() {
  const startedAt = new Date();
  const runId = randomBytes(3).toString("hex");
  const problems = [];

  const hardFds = await openFilesLimit();
  const fds = Math.min(FD_WANTED, hardFds);
  const needed = Math.max(settings.streams, settings.crossStreams) + 1_024;
  if (fds < needed) {
    throw new Error(
      `the hard limit of open files is ${hardFds}; ${settings.streams} streams need at least ${needed} per process (raise it, e.g. prlimit --nofile, or lower BENCH_LIVE_STREAMS)`,
    );
  }
  log(`open files: hard limit ${hardFds}; the server and the load process run with ${fds}`);

  budget(READY_TIMEOUT_MS + 120_000, "start-up");
  const dbName = `specline_bench_live_${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${runId}`;
  await createDatabase(adminUrl, dbName);
  cleanups.push(async () => {
    await dropDatabase(adminUrl, dbName);
    log(`dropped database ${dbName}`);
  });
  const dbUrl = databaseUrl(adminUrl, dbName);
  log(`created database ${dbName}`);
  const secret = randomBytes(32).toString("base64url");

  const app = await startApp({ name: "app", dbUrl, secret, fds });
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  cleanups.push(() => pool.end());
  const streamUsers = Math.ceil(settings.streams / settings.streamsPerUser);
  const seeded = await seed(pool, { runId, streamUsers, writers: settings.writers });
  const cookies = await Promise.all(seeded.streamUsers.map((id) => cookieOf(pool, id, secret)));
  const writerCookies = await Promise.all(seeded.writers.map((id) => cookieOf(pool, id, secret)));
  log(`seeded project ${PROJECT_KEY}: ${streamUsers} members holding streams, ${settings.writers} writers`);
  const machine = await machineInfo(dbUrl);

  const { load, pid: loadPid } = await startLoad(fds);
  const baselinePort = await freePort();
  const baselineChild = startNode(["scripts/bench/live/baseline.mjs"], {
    fds,
    env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: String(baselinePort) },
    name: "baseline",
    verbose,
  });
  cleanups.push(() => stopProcess(baselineChild));
  const baselineBase = `http://127.0.0.1:${baselinePort}`;
  await waitFor(`${baselineBase}/health`, { child: baselineChild, timeoutMs: 30_000, what: "the baseline server" });

  const result = {
    scenario: "live",
    title: `live.events: ${settings.streams} streams on one instance, 1 event/s and a burst, against a bare node:http SSE server; the cross-instance hop`,
    date: startedAt.toISOString(),
    command: "node scripts/bench/live.mjs",
    settings,
    targets: null,
    machine,
  };

  // The app.
  const warm = await warmUp({ app, pool, cookies, writerCookies, load, problems });
  log(`warm-up done: requirement.create costs ${warm.writeCpuMsNoStreams} ms of server CPU with no stream open`);
  result.app = {
    ...(await runTarget({
      name: "app",
      pid: app.pid,
      port: app.port,
      cookies,
      load,
      loadPid,
      problems,
      settle: () => outboxSettled(pool),
      write: (w) => createRequirement(app.base, writerCookies[w]),
    })),
    ...warm,
  };
  if (!isRunning(app.child)) throw new Error(`the app exited during the run:\n${app.child.output.slice(-4000)}`);
  if (/\[trpc\] internal error|Unhandled|\[live\]/.test(app.child.output))
    console.error(`[bench:live] warning: the app logged errors during the run:\n${app.child.output.slice(-2000)}`);
  await stopProcess(app.child);

  // The baseline, with the same streams and events.
  result.baseline = await runTarget({
    name: "baseline",
    pid: baselineChild.pid,
    port: baselinePort,
    cookies,
    load,
    loadPid,
    problems,
    write: () => emitBaseline(baselineBase, seeded.writers[0]),
  });
  await stopProcess(baselineChild);

  // Two instances through Redis.
  if (settings.crossStreams > 0) {
    if (await redisAnswers(redisUrl)) {
      cleanups.push(async () => {
        const client = new Redis(redisUrl);
        const keys = await client.keys(`specline:rl:*:user:blu${runId}*`);
        if (keys.length) await client.del(...keys);
        client.disconnect();
      });
      result.cross = await crossInstance({ dbUrl, pool, secret, fds, cookies, writerCookies, load, problems });
    } else if (process.env.BENCH_REDIS_URL) {
      throw new Error(`BENCH_REDIS_URL ${redisUrl} does not answer`);
    } else log(`no Redis at ${redisUrl}: the cross-instance hop is not measured`);
  }

  machine.loadAverageAfter = os.loadavg().map((l) => round(l, 2));
  result.ratios = {
    steadyP99: ratio(result.app?.steady?.toLastMs.p99, result.baseline?.steady?.toLastMs.p99),
    steadyP50: ratio(result.app?.steady?.toLastMs.p50, result.baseline?.steady?.toLastMs.p50),
    burstAllDelivered: ratio(result.app?.burst?.allDeliveredMs, result.baseline?.burst?.allDeliveredMs),
    rssWithStreams: ratio(result.app?.rssWithStreamsBytes, result.baseline?.rssWithStreamsBytes),
    rssPerStream: ratio(result.app?.rssPerStreamKiB, result.baseline?.rssPerStreamKiB),
    cpuPerEvent: ratio(result.app?.steady?.cpuMsPerEvent, result.baseline?.steady?.cpuMsPerEvent),
    cpuPerDelivery: ratio(result.app?.steady?.cpuUsPerDelivery, result.baseline?.steady?.cpuUsPerDelivery),
  };
  result.targets = judge(result);
  result.problems = problems;
  result.ok = problems.length === 0;
  printReport(result);
  log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
  for (const p of problems) console.error(`[bench:live] CHECK FAILED: ${p}`);
  if (!problems.length)
    log("exactly once: every stream received every event once, none ended early, nothing unexpected arrived");
  return problems.length === 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[bench:live] FAILED: ${err.stack ?? err.message}`);
}
budget(60_000, "clean-up");
await cleanUp();
clearTimeout(watchdog);
if (!ok) console.error("[bench:live] FAILED (see above)");
process.exit(ok ? 0 : 1);
