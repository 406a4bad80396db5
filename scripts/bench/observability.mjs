#!/usr/bin/env node
/**
 * `npm run bench:observability`: what logs, metrics and tracing cost on the
 * request path, and how far the request path is from the framework's floor.
 *
 *   1. Starts the production server (`node scripts/start.mjs`: migrations, a
 *      build if missing or stale, the standalone server through serve.mjs)
 *      three times on one throwaway database, with the same AUTH_SECRET so one
 *      session works on both, the limiter on with budgets no run reaches
 *      (lib/app.mjs), without Redis:
 *        off     LOG_LEVEL=silent, no OTLP endpoint (the SDK is never loaded)
 *        on      LOG_LEVEL=info (a line per request), metrics, and tracing without an
 *                exporter, as the issue asks (the SDK is then never loaded either:
 *                tracing costs nothing until an endpoint is set)
 *        traced  `on` plus OTEL_EXPORTER_OTLP_ENDPOINT pointing at a sink in this process
 *                that accepts every export and discards it, with the default sampler (one
 *                trace in ten): the SDK, Next's spans, the batching and the OTLP
 *                serialisation all run and nothing leaves the machine
 *      Metrics (prom-client, server/observability/metrics.ts and traffic-window.ts)
 *      are recorded in all three: they have no switch. Their share shows in the CPU
 *      profiles (step 4). Server output goes to a file in a temporary folder, not
 *      through this process, which shares the machine with the load.
 *   2. Registers an owner and the bench user through `auth.register`, signs the
 *      bench user in, seeds with SQL the foundation scenario's 200 projects the
 *      bench user is a member of (scenarios/foundation.mjs) and one project with
 *      BENCH_OBSERVABILITY_REQUIREMENTS requirements (200), and checks that both
 *      servers answer 200 with the same data.
 *   3. BENCH_OBSERVABILITY_ROUNDS rounds (3); in each, per endpoint, the servers
 *      in turn (the order rotating), autocannon at BENCH_CONNECTIONS: warm-up,
 *      then a measured run:
 *        floor             GET /api/health: a route handler that answers a small JSON
 *                          and touches nothing else
 *        user.me           the session check alone (next-auth cookie, the caller lookup)
 *        requirement.list  the first page (50) of the seeded project
 *        project.list      the first page (50) of the bench user's projects
 *      Reports per server the medians over rounds (req/s, p50, p99, server CPU per
 *      request) with the machine's load average at each run, against `off` (the
 *      median of the per-round ratios) and each endpoint against the floor of the
 *      same server and round. Targets: on/off at least 0.95 for user.me and requirement.list,
 *      user.me at least 0.6 of the floor and project.list p99 under 30 ms, both judged
 *      on `on` and on `traced`.
 *   4. Unless BENCH_OBSERVABILITY_PROFILE=0: one more `user.me` run per server and one
 *      `project.list` run on `traced`, with the V8 CPU profiler on (live/cpu-profile-preload.cjs,
 *      started and stopped by SIGUSR2 around the measured run), written to
 *      <BENCH_CPU_PROFILE or bench-results/profiles>/observability-<mode>-<endpoint>.cpuprofile
 *      and summarised by library (scripts/bench/profile-summary.mjs).
 *
 * Prints the tables, writes bench-results/observability.json, stops both
 * servers and drops the database. Exits 1 on a failed request or check, not
 * on a missed target (printed as MISSED).
 *
 *   node scripts/bench/observability.mjs [floor] [user.me] [requirement.list] [project.list]   (default: all)
 * Env: BENCH_CONNECTIONS (8), BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3),
 *      BENCH_OBSERVABILITY_ROUNDS (3), BENCH_OBSERVABILITY_REQUIREMENTS (200),
 *      BENCH_OBSERVABILITY_PROFILE (1), BENCH_CPU_PROFILE=<dir>, BENCH_PG_ADMIN_URL or PG_ADMIN_URL,
 *      BENCH_RESULTS_DIR (bench-results), BENCH_VERBOSE=1 (print where the server logs are kept).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { findServerPid, UNREACHED_BUDGETS } from "./lib/app.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase, serverVersion } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";
import { registerUser, request, signIn, trpcQueryPath } from "./lib/http.mjs";
import { measure, round } from "./lib/load.mjs";
import { freePort, runProcess, sleep } from "./lib/process.mjs";
import { table, writeResult } from "./lib/report.mjs";
import foundation from "./scenarios/foundation.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (msg) => console.log(`[bench:observability] ${msg}`);

const settings = {
  connections: intEnv("BENCH_CONNECTIONS", 8, 1, 1000),
  duration: intEnv("BENCH_DURATION", 10, 1, 600),
  warmup: intEnv("BENCH_WARMUP", 3, 0, 120),
};
const ROUNDS = intEnv("BENCH_OBSERVABILITY_ROUNDS", 3, 1, 20);
const REQUIREMENTS = intEnv("BENCH_OBSERVABILITY_REQUIREMENTS", 200, 1, 100_000);
const PROFILE = intEnv("BENCH_OBSERVABILITY_PROFILE", 1, 0, 1) === 1;
const PAGE = 50;
const TARGETS = { onOff: 0.95, meOverFloor: 0.6, projectListP99Ms: 30 };
const MODES = ["off", "on", "traced"];

const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");
const profileDir = path.resolve(process.env.BENCH_CPU_PROFILE || path.join(resultsDir, "profiles"));
const verbose = process.env.BENCH_VERBOSE === "1";

const ENDPOINTS = ["floor", "user.me", "requirement.list", "project.list"];
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(
    `Usage: node scripts/bench/observability.mjs [${ENDPOINTS.join("] [")}]   (default: all; settings through BENCH_* variables, see the file's header)`,
  );
  process.exit(0);
}
for (const a of args) {
  if (!ENDPOINTS.includes(a)) {
    console.error(`[bench:observability] unknown endpoint ${a} (known: ${ENDPOINTS.join(", ")})`);
    process.exit(2);
  }
}
// The floor is what the others are divided by: always measured.
const selected = new Set(args.length ? ["floor", ...args] : ENDPOINTS);

/* -------------------------------------------------------------- processes */

const cleanups = [];
async function cleanUp() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[bench:observability] cleanup: ${err.message}`);
    }
  }
  cleanups.length = 0;
}

const servers = [];
function killServers() {
  for (const s of servers) {
    try {
      process.kill(-s.child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

let watchdog;
function budget(ms, phase) {
  clearTimeout(watchdog);
  watchdog = setTimeout(async () => {
    console.error(`[bench:observability] FAILED: ${phase} took longer than ${Math.round(ms / 1000)}s; stopping`);
    killServers();
    await Promise.race([cleanUp(), sleep(15_000)]);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.error(`[bench:observability] ${sig}: stopping`);
    killServers();
    await Promise.race([cleanUp(), sleep(20_000)]);
    process.exit(130);
  });
}

const loadAverage = () => round(os.loadavg()[0], 2);

/** The OTLP/HTTP endpoint of the `on` server: answers every export with 200 and keeps only counts. */
async function startSink() {
  const counts = { posts: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on("data", (chunk) => {
      counts.bytes += chunk.length;
    });
    req.on("end", () => {
      counts.posts += 1;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${port}`, counts };
}

function logTail(server, chars = 4000) {
  try {
    return readFileSync(server.logFile, "utf8").slice(-chars);
  } catch {
    return "";
  }
}

async function stopServer(server) {
  if (server.exitedWith) return;
  try {
    process.kill(-server.child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, 10_000);
  await server.exited;
  clearTimeout(timer);
}

/** `node scripts/start.mjs` in its own process group, its output in `<logDir>/app-<mode>.log`. */
async function startServer({ mode, dbUrl, secret, sinkUrl, logDir }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("OTEL_")) delete env[k];
  for (const k of ["REDIS_URL", "GITHUB_ID", "GITHUB_SECRET", "GOOGLE_ID", "GOOGLE_SECRET", "NEXTAUTH_URL", "DATA_DIR"])
    delete env[k];
  Object.assign(env, {
    DATABASE_URL: dbUrl,
    AUTH_SECRET: secret,
    PORT: String(port),
    HOSTNAME_BIND: "127.0.0.1",
    APP_URL: base,
    NEXT_TELEMETRY_DISABLED: "1",
    RATE_LIMITS: "on",
    ...UNREACHED_BUDGETS,
    LOG_LEVEL: mode === "off" ? "silent" : "info",
    ...(mode === "traced" ? { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } : {}),
    // Both servers carry the preload, so both run with the same inspector session attached.
    NODE_OPTIONS:
      `${env.NODE_OPTIONS ?? ""} --require ${path.join(root, "scripts/bench/live/cpu-profile-preload.cjs")}`.trim(),
    BENCH_CPU_PROFILE_DIR: profileDir,
  });
  const logFile = path.join(logDir, `app-${mode}.log`);
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const server = { mode, base, child, logFile, exitedWith: null };
  server.exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      server.exitedWith = { code, signal };
      resolve(server.exitedWith);
    }),
  );
  servers.push(server);
  cleanups.push(() => stopServer(server));
  log(`starting the app (observability: ${mode}) on ${base}${verbose ? ` (output in ${logFile})` : ""}`);

  const deadline = Date.now() + 900_000;
  for (;;) {
    if (server.exitedWith) throw new Error(`the app (${mode}) exited while starting:\n${logTail(server)}`);
    if (Date.now() > deadline) throw new Error(`the app (${mode}) did not answer /api/ready within 900 s`);
    const res = await request(`${base}/api/ready`, { timeoutMs: 3000 }).catch(() => null);
    if (res?.status === 200) break;
    await sleep(300);
  }
  server.pid = findServerPid(child.pid);
  if (!server.pid) throw new Error(`could not find the standalone server's process under ${child.pid}`);
  return server;
}

/* ------------------------------------------------------------------- seed */

/** One project the bench user maintains, with `REQUIREMENTS` requirements. */
async function seedRequirements(pool, { runId, users }) {
  const projectId = `bench_${runId}_req`;
  const projectKey = `OBS${[...randomBytes(4)].map((b) => String.fromCharCode(65 + (b % 26))).join("")}`;
  await pool.query(
    `INSERT INTO "Project" (id, key, name, "requirementCounter", "createdAt", "updatedAt")
     VALUES ($1, $2, 'Observability bench', $3, now(), now())`,
    [projectId, projectKey, REQUIREMENTS],
  );
  await pool.query(
    `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
     VALUES ($1 || '_m1', $1, $2, 'ADMIN', now(), now()), ($1 || '_m2', $1, $3, 'MAINTAINER', now(), now())`,
    [projectId, users.owner.id, users.bench.id],
  );
  await pool.query(
    `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                                status, tags, position, "createdAt", "updatedAt")
     SELECT $1 || '_r' || n, $1, n, $2 || '-' || n, 1, 'Requirement ' || n || ' of the export service',
            'The export service shall answer request ' || n || ' within ' || (n % 30) || ' s.',
            'Users wait for it.', 'FUNCTIONAL', 'SHOULD', 'DRAFT', ARRAY['bench'], n, now(), now()
     FROM generate_series(1, $3::int) AS n`,
    [projectId, projectKey, REQUIREMENTS],
  );
  await pool.query(`ANALYZE "Project", "Membership", "Requirement"`);
  return { projectKey };
}

/* ------------------------------------------------------------ measurement */

const median = (values) => {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Each endpoint's answer reduced to what must match between the two servers. */
function fingerprint(name, data) {
  if (name === "floor") return data?.status === "ok" ? "ok" : null;
  if (name === "user.me") return data?.id ? JSON.stringify(data) : null;
  if (!Array.isArray(data?.items) || data.items.length !== PAGE) return null;
  return JSON.stringify(data.items.map((x) => [x.key, x.version]));
}

async function checkAnswers({ servers: byMode, endpoints, headers }) {
  for (const endpoint of endpoints) {
    let reference = null;
    for (const mode of MODES) {
      const res = await request(`${byMode[mode].base}${endpoint.path}`, { headers });
      const data = endpoint.name === "floor" ? res.json : res.json?.result?.data?.json;
      const print = res.status === 200 ? fingerprint(endpoint.name, data) : null;
      if (!print) throw new Error(`${endpoint.name} (${mode}) answered ${res.status}: ${res.text.slice(0, 300)}`);
      if (reference !== null && print !== reference) throw new Error(`${endpoint.name} differs between the servers`);
      reference = print;
    }
  }
}

/** Start/stop hooks for measure(): the server's CPU profile over exactly the measured run. */
function cpuProfiler(pid, label) {
  let before;
  return {
    async beforeMeasure() {
      before = new Set(existsSync(profileDir) ? readdirSync(profileDir) : []);
      process.kill(pid, "SIGUSR2");
      await sleep(200);
    },
    async afterMeasure() {
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
      throw new Error(`the CPU profile ${label} was not written`);
    },
  };
}

function summarise(runs, endpoints) {
  const rows = [];
  for (const endpoint of endpoints) {
    for (const mode of MODES) {
      const mine = runs.filter((x) => x.endpoint === endpoint.name && x.mode === mode);
      const paired = (other, otherMode) =>
        median(
          mine.map((x) => {
            const y = runs.find((z) => z.endpoint === other && z.mode === otherMode && z.round === x.round);
            return y?.reqPerSec ? x.reqPerSec / y.reqPerSec : null;
          }),
        );
      const overOff = mode === "off" ? null : paired(endpoint.name, "off");
      const overFloor = endpoint.name === "floor" ? null : paired("floor", mode);
      rows.push({
        endpoint: endpoint.name,
        mode,
        reqPerSec: round(median(mine.map((x) => x.reqPerSec)), 1),
        rounds: mine.map((x) => x.reqPerSec),
        p50Ms: median(mine.map((x) => x.latencyMs.p50)),
        p99Ms: median(mine.map((x) => x.latencyMs.p99)),
        cpuMsPerRequest: round(median(mine.map((x) => x.serverCpuMsPerRequest)), 3),
        load: mine.map((x) => x.loadBefore),
        overOff: overOff === null ? null : round(overOff, 3),
        overFloor: overFloor === null ? null : round(overFloor, 3),
      });
    }
  }
  return rows;
}

function judge(rows) {
  const get = (endpoint, mode) => rows.find((r) => r.endpoint === endpoint && r.mode === mode);
  const verdict = (value, ok) => (value === null || value === undefined ? null : ok(value));
  const onOff = (name) => ({
    target: `${name}: logs + metrics + tracing (no exporter) cost under 5 % (on/off ≥ ${TARGETS.onOff})`,
    measured: get(name, "on")?.overOff,
    met: verdict(get(name, "on")?.overOff, (v) => v >= TARGETS.onOff),
  });
  const overFloor = (mode, label) => ({
    target: `user.me at least ${TARGETS.meOverFloor}× the floor, ${label}`,
    measured: get("user.me", mode)?.overFloor,
    met: verdict(get("user.me", mode)?.overFloor, (v) => v >= TARGETS.meOverFloor),
  });
  const p99 = (mode, label) => ({
    target: `project.list p99 under ${TARGETS.projectListP99Ms} ms at ${settings.connections} connections, ${label}`,
    measured: get("project.list", mode)?.p99Ms,
    met: verdict(get("project.list", mode)?.p99Ms, (v) => v < TARGETS.projectListP99Ms),
  });
  return [
    onOff("user.me"),
    onOff("requirement.list"),
    overFloor("on", "instrumentation on"),
    overFloor("traced", "instrumentation on and traces exported"),
    p99("on", "instrumentation on"),
    p99("traced", "instrumentation on and traces exported"),
  ];
}

/* -------------------------------------------------------------------- main */

async function main() {
  const startedAt = new Date();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), "specline-bench-observability-"));
  cleanups.push(() => rmSync(logDir, { recursive: true, force: true }));

  budget(300_000, "database");
  const dbName = `specline_bench_observability_${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(2).toString("hex")}`;
  await createDatabase(adminUrl, dbName);
  cleanups.push(async () => {
    await dropDatabase(adminUrl, dbName);
    log(`dropped database ${dbName}`);
  });
  const dbUrl = databaseUrl(adminUrl, dbName);
  log(`created database ${dbName}`);

  const sink = await startSink();
  const secret = randomBytes(32).toString("base64url");
  const byMode = {};
  // One at a time: the first applies the migrations (and builds when the build is stale).
  for (const mode of MODES) {
    budget(960_000, `starting the app (${mode})`);
    byMode[mode] = await startServer({ mode, dbUrl, secret, sinkUrl: sink.url, logDir });
  }

  budget(300_000, "users and seed");
  const first = byMode.off.base;
  const password = () => `Bench-${randomBytes(18).toString("base64url")}`;
  const owner = { email: `bench-owner-${runId}@example.com`, name: "Bench Owner", password: password() };
  const bench = { email: `bench-user-${runId}@example.com`, name: "Bench User", password: password() };
  const users = { owner: await registerUser(first, owner), bench: await registerUser(first, bench) };
  const cookie = await signIn(first, bench);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  cleanups.push(() => pool.end());
  await foundation.seed({ pool, runId, users });
  const { projectKey } = await seedRequirements(pool, { runId, users });
  log(`seeded 200 projects of the bench user and project ${projectKey} with ${REQUIREMENTS} requirements`);

  const endpoints = [
    { name: "floor", path: "/api/health" },
    { name: "user.me", path: trpcQueryPath("user.me") },
    { name: "requirement.list", path: trpcQueryPath("requirement.list", { projectKey, limit: PAGE }) },
    { name: "project.list", path: trpcQueryPath("project.list", { limit: PAGE }) },
  ].filter((e) => selected.has(e.name));
  const headers = { cookie, accept: "application/json" };
  await checkAnswers({ servers: byMode, endpoints, headers });

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    loadAverageBefore: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    postgres: await serverVersion(dbUrl).catch(() => null),
  };
  const runs = [];
  const problems = [];
  const run = async ({ endpoint, mode, round: r, hooks = {} }) => {
    budget((2 * (settings.warmup + settings.duration) + 60) * 1000, `${endpoint.name} (${mode})`);
    const server = byMode[mode];
    const loadBefore = loadAverage();
    const m = await measure({
      url: `${server.base}${endpoint.path}`,
      headers: endpoint.name === "floor" ? { accept: "application/json" } : headers,
      ...settings,
      cpuPid: server.pid,
      ...hooks,
    });
    if (m.non2xx || m.errors || m.timeouts)
      problems.push(
        `${endpoint.name} (${mode}): ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts (${JSON.stringify(m.statusCodes)})`,
      );
    log(
      `${endpoint.name.padEnd(16)} ${mode.padEnd(3)} round ${r}: ${m.reqPerSec} req/s, p50 ${m.latencyMs.p50} / p99 ${m.latencyMs.p99} ms, ${m.serverCpuMsPerRequest} ms CPU/req (load ${loadBefore})`,
    );
    return { endpoint: endpoint.name, mode, round: r, loadBefore, ...m };
  };

  for (let r = 1; r <= ROUNDS; r++) {
    for (const [i, endpoint] of endpoints.entries()) {
      // The order rotates, so no server is always measured first or last.
      const order = MODES.map((_, k) => MODES[(k + r + i) % MODES.length]);
      for (const mode of order) runs.push(await run({ endpoint, mode, round: r }));
    }
  }

  const profiles = [];
  if (PROFILE) {
    const profiled = [
      ...MODES.map((mode) => ({ mode, endpoint: endpoints.find((e) => e.name === "user.me") })),
      { mode: "traced", endpoint: endpoints.find((e) => e.name === "project.list") },
    ].filter((p) => p.endpoint);
    for (const { mode, endpoint } of profiled) {
      const label = `observability-${mode}-${endpoint.name}`;
      const m = await run({ endpoint, mode, round: "profile", hooks: cpuProfiler(byMode[mode].pid, label) });
      const file = path.join(profileDir, `${label}.cpuprofile`);
      const summary = await runProcess(process.execPath, ["scripts/bench/profile-summary.mjs", file], {
        cwd: root,
        env: process.env,
        name: "profile-summary",
      });
      profiles.push({
        mode,
        endpoint: endpoint.name,
        file: path.relative(root, file),
        reqPerSec: m.reqPerSec,
        cpuMsPerRequest: m.serverCpuMsPerRequest,
        summary: summary.output,
      });
    }
  }

  for (const server of Object.values(byMode))
    if (server.exitedWith) throw new Error(`the app (${server.mode}) exited during the run:\n${logTail(server)}`);
  machine.loadAverageAfter = os.loadavg().map((l) => round(l, 2));
  // The batch processor exports every 5 s: wait for the last batch before judging whether any arrived.
  await sleep(6_000);
  if (!sink.counts.posts) problems.push("the traced server exported nothing to the OTLP sink");

  const rows = summarise(runs, endpoints);
  const targets = judge(rows);
  console.log(
    `\nObservability off / on / traced (median of ${ROUNDS} rounds; ${settings.connections} connections, ${settings.warmup}s warm-up + ${settings.duration}s; load = 1-minute load average before each run)\n${table(
      ["endpoint", "mode", "req/s", "rounds", "p50 ms", "p99 ms", "cpu ms/req", "load", "÷ off", "÷ floor"],
      rows.map((s) => [
        s.endpoint,
        s.mode,
        s.reqPerSec,
        s.rounds.join(" / "),
        s.p50Ms,
        s.p99Ms,
        s.cpuMsPerRequest === null ? null : round(s.cpuMsPerRequest, 3),
        s.load.join(" / "),
        s.overOff,
        s.overFloor,
      ]),
    )}\n`,
  );
  console.log(
    `targets (${machine.cpus} cores)\n${table(
      ["target", "measured", "result"],
      targets.map((t) => [t.target, t.measured, t.met === null ? "not measured" : t.met ? "met" : "MISSED"]),
    )}\n`,
  );
  log(`OTLP sink: ${sink.counts.posts} exports, ${round(sink.counts.bytes / 2 ** 20, 1)} MiB`);
  for (const p of profiles)
    console.log(
      `\nCPU profile, ${p.endpoint}, observability ${p.mode}, ${p.cpuMsPerRequest} ms CPU/req (${p.file}):\n${p.summary}`,
    );

  const result = {
    scenario: "observability",
    title:
      "observability off, on (logs, metrics, tracing without an exporter), traced (exporting); the request path against the framework's floor",
    date: startedAt.toISOString(),
    command: "node scripts/bench/observability.mjs",
    settings: { ...settings, rounds: ROUNDS, requirements: REQUIREMENTS, page: PAGE },
    machine,
    endpoints: rows,
    targets,
    sink: sink.counts,
    profiles: profiles.map(({ summary, ...p }) => p),
    runs,
    problems,
    ok: problems.length === 0,
  };
  log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
  for (const p of problems) console.error(`[bench:observability] CHECK FAILED: ${p}`);
  return problems.length === 0;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[bench:observability] FAILED: ${err.stack ?? err.message}`);
}
budget(60_000, "clean-up");
await cleanUp();
clearTimeout(watchdog);
if (!ok) console.error("[bench:observability] FAILED (see above)");
process.exit(ok ? 0 : 1);
