#!/usr/bin/env node
/**
 * `npm run bench [-- scenario…]`: load-tests the production server against
 * PostgreSQL and compares each endpoint with a raw node:http + pg baseline.
 *
 *   1. Creates a throwaway database specline_bench_<timestamp> (or uses
 *      BENCH_DATABASE_URL and removes only the rows it added).
 *   2. Starts `node scripts/start.mjs` (migrations, build if missing,
 *      standalone server) on a free loopback port with a random AUTH_SECRET
 *      and request budgets of 1,000,000 per window (the most the app accepts),
 *      so the rate limiter runs on every call, as in production, but never
 *      answers 429 — the default 600 calls a minute per user would be spent
 *      in the first second — and waits for /api/ready.
 *   3. Registers two users through the real `auth.register` mutation (an
 *      owner — the first user of an empty instance becomes its admin — and
 *      the bench user), signs the bench user in through next-auth's
 *      credentials callback and keeps the session cookie.
 *   4. Seeds each scenario with SQL, starts the baseline server
 *      (scripts/bench/baseline-server.mjs), checks that app and baseline
 *      answer 200 with the same data, then drives each with autocannon:
 *      warm-up, then a measured run at fixed concurrency and duration.
 *      Then times the scenario's one-shot operations (scripts/bench/lib/oneshot.mjs):
 *      each sent a fixed number of times, one at a time, alternating app
 *      and baseline.
 *   5. Prints a table per scenario, writes bench-results/<scenario>.json,
 *      stops every process it started and drops its database.
 * Exits 1 when any request failed (non-2xx, error or timeout).
 *
 * Without arguments it then runs two in-process benchmarks with their own
 * databases: the outbox dispatcher (scripts/bench/dispatcher.mjs, also
 * `npm run bench:dispatcher`) and the bounded walks on PostgreSQL and the
 * embedded PGlite (scripts/bench/bounds.mjs, also `npm run bench:bounds`);
 * then the rate limiter's cost (scripts/bench/limiter.mjs, also
 * `npm run bench:limiter`): throughput with the limiter on and off, and
 * its cost per call in-process and over Redis; and ends with live updates
 * (scripts/bench/live.mjs, also `npm run bench:live`): 10,000 `live.events`
 * streams on one instance against a bare node:http SSE server, and the
 * cross-instance hop through Redis.
 *
 * Usage: node scripts/bench.mjs [scenario[/endpoint-or-operation]…] | --list
 * Env:   BENCH_CONNECTIONS (8), BENCH_DURATION seconds (10), BENCH_WARMUP seconds (3),
 *        BENCH_DATABASE_URL, BENCH_PG_ADMIN_URL or PG_ADMIN_URL
 *        (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (app
 *        runs without Redis unless set), BENCH_RESULTS_DIR (bench-results),
 *        BENCH_VERBOSE=1 (echo server output), BENCH_CPU_PROFILE=<dir> (write a V8 CPU
 *        profile of the app server for each measured run, <dir>/<scenario>-<endpoint>.cpuprofile;
 *        summarise with scripts/bench/profile-summary.mjs).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { findServerPid, UNREACHED_BUDGETS, waitFor } from "./bench/lib/app.mjs";
import {
  backendCpu,
  backendCpuDelta,
  createDatabase,
  DEFAULT_ADMIN_URL,
  databaseUrl,
  dropDatabase,
  serverVersion,
} from "./bench/lib/db.mjs";
import { intEnv } from "./bench/lib/env.mjs";
import { registerUser, request, signIn } from "./bench/lib/http.mjs";
import { measure } from "./bench/lib/load.mjs";
import { appCaller, appRequest, baselineRequest, timedRequest, timeOperation } from "./bench/lib/oneshot.mjs";
import {
  cpuTimeMs,
  freePort,
  isRunning,
  killAll,
  runProcess,
  sleep,
  startProcess,
  stopProcess,
} from "./bench/lib/process.mjs";
import { formatScenario, operationGoal, withOperationRatios, withRatios, writeResult } from "./bench/lib/report.mjs";
import { scenarios as allScenarios } from "./bench/scenarios/index.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (msg) => console.log(`[bench] ${msg}`);

const settings = {
  connections: intEnv("BENCH_CONNECTIONS", 8, 1, 1000),
  duration: intEnv("BENCH_DURATION", 10, 1, 600),
  warmup: intEnv("BENCH_WARMUP", 3, 0, 120),
};
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");
const verbose = process.env.BENCH_VERBOSE === "1";
const profileDir = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null;

/* --------------------------------------------------------------- arguments */

// In-process benchmarks (no HTTP server; each creates its own databases) that a full run ends with.
const followUps = [
  {
    name: "dispatcher",
    title: "outbox dispatcher throughput",
    script: "bench:dispatcher",
    file: "scripts/bench/dispatcher.mjs",
  },
  {
    name: "bounds",
    title: "impact on the dense chain and the lattice, the 10,000-level tree read; PostgreSQL and PGlite",
    script: "bench:bounds",
    file: "scripts/bench/bounds.mjs",
  },
  {
    name: "limiter",
    title: "user.me and search.query with the rate limiter on and off; its cost per call, in memory and on Redis",
    script: "bench:limiter",
    file: "scripts/bench/limiter.mjs",
  },
  {
    name: "live",
    title:
      "10,000 live.events streams: delivery latency, memory and CPU against a bare SSE server; the hop through Redis",
    script: "bench:live",
    file: "scripts/bench/live.mjs",
  },
];

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h") || args.includes("--list")) {
  console.log("Usage: node scripts/bench.mjs [scenario[/endpoint-or-operation]…]   (default: all)\n\nScenarios:");
  for (const s of allScenarios) console.log(`  ${s.name.padEnd(14)} ${s.title}`);
  console.log("\nThen, without arguments (each also on its own):");
  for (const b of followUps) console.log(`  ${b.name.padEnd(14)} ${b.title} (npm run ${b.script})`);
  process.exit(0);
}
// "foundation" runs every endpoint of the scenario, "foundation/user.me" only that one.
const selection = new Map();
for (const arg of args) {
  const [name, endpoint] = arg.split("/");
  if (!allScenarios.some((s) => s.name === name)) {
    console.error(`[bench] unknown scenario ${name} (known: ${allScenarios.map((s) => s.name).join(", ")})`);
    process.exit(2);
  }
  if (!selection.has(name)) selection.set(name, new Set());
  if (endpoint) selection.get(name).add(endpoint);
}
const scenarios = args.length ? allScenarios.filter((s) => selection.has(s.name)) : allScenarios;
const wantEndpoint = (scenario, endpoint) => !selection.get(scenario)?.size || selection.get(scenario).has(endpoint);

/* ------------------------------------------------------------------ limits */

const hasBuild =
  existsSync(path.join(root, ".next/standalone/server.js")) && existsSync(path.join(root, ".next/BUILD_ID"));
// start.mjs (re)builds when there is no build or a source is newer than it.
const READY_TIMEOUT_MS = 900_000;
// Every phase has a time budget (start-up, seeding, each endpoint, clean-up), so a run is bounded.
const ENDPOINT_BUDGET_MS = (2 * (settings.warmup + settings.duration) + 60) * 1000;
// One-shot operations: each request may take up to OPERATION_TIMEOUT_MS; set-up gets OPERATION_SETUP_MS.
const OPERATION_TIMEOUT_MS = 60_000;
const OPERATION_SETUP_MS = 300_000;
const operationBudgetMs = (op) =>
  ((op.warmup ?? 1) + op.repeat) * 2 * OPERATION_TIMEOUT_MS + (op.setup ? OPERATION_SETUP_MS : 0) + 30_000;

const cleanups = [];
let cleaningUp = false;
async function cleanUp() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[bench] cleanup: ${err.message}`);
    }
  }
}

let watchdog;
function budget(ms, phase) {
  clearTimeout(watchdog);
  watchdog = setTimeout(async () => {
    console.error(`[bench] FAILED: ${phase} took longer than ${Math.round(ms / 1000)}s; stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(15_000)]);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.error(`[bench] ${sig}: stopping`);
    await Promise.race([cleanUp(), sleep(20_000)]);
    killAll();
    process.exit(130);
  });
}

/* ----------------------------------------------------------------- helpers */

/**
 * Start/stop hooks for measure(): SIGUSR2 toggles the profiler preloaded
 * into the server (scripts/bench/cpu-profile-preload.cjs); the written file
 * is renamed to <label>.cpuprofile.
 */
function cpuProfiler(pid, label) {
  const hooks = {};
  let before;
  hooks.beforeMeasure = async () => {
    before = new Set(existsSync(profileDir) ? readdirSync(profileDir) : []);
    process.kill(pid, "SIGUSR2");
    await sleep(200);
  };
  hooks.afterMeasure = () => {
    process.kill(pid, "SIGUSR2");
    hooks.saved = (async () => {
      for (let i = 0; i < 100; i++) {
        const fresh = existsSync(profileDir)
          ? readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile") && !before.has(f))
          : [];
        if (fresh.length) {
          const target = path.join(profileDir, `${label}.cpuprofile`);
          renameSync(path.join(profileDir, fresh[0]), target);
          return path.relative(root, target);
        }
        await sleep(100);
      }
      return "not written (is the preload active?)";
    })();
  };
  return hooks;
}

function randomPassword() {
  return `Bench-${randomBytes(18).toString("base64url")}`;
}

async function machineInfo(dbUrl) {
  const cpus = os.cpus();
  let commit = null;
  let dirty = null;
  const rev = await runProcess("git", ["rev-parse", "--short", "HEAD"], {
    cwd: root,
    env: process.env,
    name: "git",
  }).catch(() => null);
  if (rev?.code === 0) commit = rev.output.trim();
  const status = await runProcess("git", ["status", "--porcelain", "--untracked-files=no"], {
    cwd: root,
    env: process.env,
    name: "git",
  }).catch(() => null);
  if (status?.code === 0) dirty = status.output.trim().length > 0;
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    // Other work on the machine skews the figures; recorded to judge a run.
    loadAverageBefore: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: await serverVersion(dbUrl).catch(() => null),
    commit,
    dirty,
  };
}

/* -------------------------------------------------------------------- main */

async function main() {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
  const startedAt = new Date();

  budget(READY_TIMEOUT_MS + 60_000, "start-up");
  // 1. Database.
  let dbUrl = process.env.BENCH_DATABASE_URL;
  const ownDatabase = !dbUrl;
  if (ownDatabase) {
    const name = `specline_bench_${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(2).toString("hex")}`;
    await createDatabase(adminUrl, name);
    cleanups.push(async () => {
      if (process.env.BENCH_KEEP_DATABASE === "1") {
        log(`kept database ${name} (BENCH_KEEP_DATABASE=1): drop it when done`);
        return;
      }
      await dropDatabase(adminUrl, name);
      log(`dropped database ${name}`);
    });
    dbUrl = databaseUrl(adminUrl, name);
    log(`created database ${name}`);
  } else {
    log("using BENCH_DATABASE_URL (only the rows this run adds are removed afterwards)");
  }

  // 2. The production server.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  for (const k of ["REDIS_URL", "GITHUB_ID", "GITHUB_SECRET", "GOOGLE_ID", "GOOGLE_SECRET", "NEXTAUTH_URL", "DATA_DIR"])
    delete env[k];
  Object.assign(env, {
    DATABASE_URL: dbUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PORT: String(port),
    HOSTNAME_BIND: "127.0.0.1",
    APP_URL: base,
    NEXT_TELEMETRY_DISABLED: "1",
    // The limiter runs on every call but never refuses one (see lib/app.mjs).
    RATE_LIMITS: "on",
    ...UNREACHED_BUDGETS,
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
  });
  if (profileDir) {
    env.NODE_OPTIONS =
      `${env.NODE_OPTIONS ?? ""} --require ${path.join(root, "scripts/bench/cpu-profile-preload.cjs")}`.trim();
    env.BENCH_CPU_PROFILE_DIR = profileDir;
  }
  log(`starting the app (node scripts/start.mjs) on ${base}${hasBuild ? "" : " — no build yet, building first"}`);
  const app = startProcess(process.execPath, ["scripts/start.mjs"], { cwd: root, env, name: "app", verbose });
  cleanups.push(async () => {
    await stopProcess(app);
    log("app stopped");
  });
  const t0 = Date.now();
  await waitFor(`${base}/api/ready`, { child: app, timeoutMs: READY_TIMEOUT_MS, what: "/api/ready" });
  log(`app ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const serverPid = findServerPid(app.pid);

  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  cleanups.push(() => pool.end());

  // 3. Users, through the real registration mutation, and a session.
  const owner = { email: `bench-owner-${runId}@example.com`, name: "Bench Owner", password: randomPassword() };
  const bench = { email: `bench-user-${runId}@example.com`, name: "Bench User", password: randomPassword() };
  const users = { owner: await registerUser(base, owner), bench: await registerUser(base, bench) };
  if (!ownDatabase) {
    cleanups.push(() =>
      pool.query(`DELETE FROM "User" WHERE id = ANY($1::text[])`, [[users.owner.id, users.bench.id]]),
    );
  }
  if (users.bench.role !== "USER")
    throw new Error(`the bench user was registered as ${users.bench.role}; expected USER`);
  const cookie = await signIn(base, bench);
  log(
    `registered ${users.owner.email} (${users.owner.role}) and ${users.bench.email} (${users.bench.role}); signed in`,
  );
  // Signed-in sessions by label: "bench" for every request unless an endpoint or operation names another.
  const sessions = { bench: cookie };
  // For scenarios that need a second signed-in user (e.g. a project reporter): registered and signed in the same way.
  async function addUser(label) {
    if (!/^[a-z]+$/.test(label) || sessions[label]) throw new Error(`addUser: bad or duplicate label ${label}`);
    const account = {
      email: `bench-${label}-${runId}@example.com`,
      name: `Bench ${label}`,
      password: randomPassword(),
    };
    const user = await registerUser(base, account);
    if (!ownDatabase) cleanups.push(() => pool.query(`DELETE FROM "User" WHERE id = $1`, [user.id]));
    sessions[label] = await signIn(base, account);
    log(`registered ${account.email} (${user.role}) as session "${label}"; signed in`);
    return user;
  }
  const sessionCookie = (label = "bench") => {
    if (!sessions[label]) throw new Error(`no session "${label}" (scenarios add one with addUser in seed)`);
    return sessions[label];
  };

  // 4. Seed every scenario, then start the baseline with the seeded state.
  budget(
    scenarios.reduce((ms, s) => ms + (s.seedBudgetMs ?? 120_000), 30_000),
    "seeding",
  );
  const states = {};
  for (const scenario of scenarios) {
    const seedStart = Date.now();
    states[scenario.name] = await scenario.seed({ pool, runId, users, addUser });
    if (!ownDatabase && scenario.cleanup) {
      const state = states[scenario.name];
      cleanups.push(() => scenario.cleanup({ pool, state }));
    }
    log(
      `seeded ${scenario.name} in ${Date.now() - seedStart} ms ${JSON.stringify(states[scenario.name].counts ?? {})}`,
    );
  }

  const baselinePort = await freePort();
  const baselineBase = `http://127.0.0.1:${baselinePort}`;
  const baseline = startProcess(process.execPath, [path.join(root, "scripts/bench/baseline-server.mjs")], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      PORT: String(baselinePort),
      BENCH_SCENARIOS: scenarios.map((s) => s.name).join(","),
      BENCH_STATE: JSON.stringify(states),
    },
    name: "baseline",
    verbose,
  });
  cleanups.push(() => stopProcess(baseline));
  await waitFor(`${baselineBase}/health`, { child: baseline, timeoutMs: 30_000, what: "the baseline server" });

  // 5. Verify, then measure.
  const machine = await machineInfo(dbUrl);
  // One dedicated connection samples the CPU of the database's backends (null when /proc can't tell).
  const sampler = new pg.Client({ connectionString: dbUrl });
  await sampler.connect();
  cleanups.push(() => sampler.end());
  const dbSampling = { dbCpu: () => backendCpu(sampler, cpuTimeMs), dbCpuDelta: backendCpuDelta };
  const results = [];
  let failed = false;
  for (const scenario of scenarios) {
    const rows = [];
    const endpoints = scenario.endpoints(states[scenario.name]).filter((e) => wantEndpoint(scenario.name, e.name));
    const operations = (scenario.operations?.(states[scenario.name]) ?? []).filter((o) =>
      wantEndpoint(scenario.name, o.name),
    );
    if (!endpoints.length && !operations.length) {
      throw new Error(
        `${scenario.name}: no endpoint or operation matches ${[...selection.get(scenario.name)].join(", ")}`,
      );
    }
    for (const endpoint of endpoints) {
      budget(ENDPOINT_BUDGET_MS, `${scenario.name}/${endpoint.name}`);
      const appUrl = `${base}${endpoint.appPath}`;
      const baselineUrl = `${baselineBase}/${scenario.name}/${endpoint.name}`;
      const headers = { cookie: sessionCookie(endpoint.session), accept: "application/json" };

      const appRes = await request(appUrl, { headers });
      if (appRes.status !== 200)
        throw new Error(`${endpoint.name}: app answered ${appRes.status}: ${appRes.text.slice(0, 500)}`);
      const baseRes = await request(baselineUrl, { headers });
      if (baseRes.status !== 200)
        throw new Error(`${endpoint.name}: baseline answered ${baseRes.status}: ${baseRes.text.slice(0, 500)}`);
      const problem = endpoint.check(appRes.json?.result?.data?.json, baseRes.json?.result?.data?.json);
      if (problem) throw new Error(`${scenario.name}/${endpoint.name}: ${problem}`);

      log(
        `${scenario.name}/${endpoint.name}: app (${settings.connections} connections, ${settings.warmup}s warm-up + ${settings.duration}s)…`,
      );
      const profile = profileDir && serverPid ? cpuProfiler(serverPid, `${scenario.name}-${endpoint.name}`) : {};
      const appM = await measure({ url: appUrl, headers, ...settings, cpuPid: serverPid, ...dbSampling, ...profile });
      if (profile.saved) log(`CPU profile: ${await profile.saved}`);
      log(`${scenario.name}/${endpoint.name}: baseline…`);
      const baseM = await measure({ url: baselineUrl, headers, ...settings, cpuPid: baseline.pid, ...dbSampling });
      for (const [target, m] of [
        ["app", appM],
        ["baseline", baseM],
      ]) {
        if (m.non2xx || m.errors || m.timeouts) {
          failed = true;
          console.error(
            `[bench] ${scenario.name}/${endpoint.name} (${target}): ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts`,
          );
        }
      }
      const target = endpoint.targetP99Ms ? { targetP99Ms: endpoint.targetP99Ms } : {};
      rows.push(withRatios({ name: endpoint.name, app: appM, baseline: baseM, appPath: endpoint.appPath, ...target }));
    }

    // Timed one-shot operations, after the load tests (their set-ups may change the data).
    const opRows = [];
    for (const op of operations) {
      budget(operationBudgetMs(op), `${scenario.name}/${op.name}`);
      const state = states[scenario.name];
      const opState = op.setup
        ? await op.setup({
            pool,
            state,
            call: appCaller(base, sessionCookie(op.session)),
            log: (msg) => log(`${scenario.name}/${op.name}: ${msg}`),
          })
        : {};
      log(
        `${scenario.name}/${op.name}: ${op.warmup ?? 1} warm-up + ${op.repeat} timed runs, app and baseline alternating…`,
      );
      const profile = profileDir && serverPid ? cpuProfiler(serverPid, `${scenario.name}-${op.name}`) : {};
      const timed = await timeOperation({
        repeat: op.repeat,
        warmup: op.warmup ?? 1,
        appPid: serverPid,
        baselinePid: baseline.pid,
        ...dbSampling,
        sendApp: (i) => {
          const { url, ...init } = appRequest(base, sessionCookie(op.session), op.app(opState, i));
          return timedRequest(url, { ...init, timeoutMs: OPERATION_TIMEOUT_MS });
        },
        sendBaseline: (i) => {
          const { url, ...init } = baselineRequest(baselineBase, scenario.name, op.name, op.baseline(opState, i));
          return timedRequest(url, { ...init, timeoutMs: OPERATION_TIMEOUT_MS });
        },
        check: (appData, baseData, i) => {
          const problem = op.check?.(appData, baseData, opState, i);
          return problem ? `${scenario.name}/${op.name}: ${problem}` : null;
        },
        ...profile,
      });
      if (profile.saved) log(`CPU profile: ${await profile.saved}`);
      for (const [target, m] of [
        ["app", timed.app],
        ["baseline", timed.baseline],
      ]) {
        if (m.failures) {
          failed = true;
          console.error(
            `[bench] ${scenario.name}/${op.name} (${target}): ${m.failures} of ${m.runs} runs failed; first: ${m.firstError}`,
          );
        }
      }
      const row = withOperationRatios({
        name: op.name,
        description: op.description ?? null,
        ...(op.targetMs ? { targetMs: op.targetMs } : {}),
        app: timed.app,
        baseline: timed.baseline,
      });
      const goal = operationGoal(row);
      log(
        `${scenario.name}/${op.name}: app median ${row.app.medianMs} ms, baseline ${row.baseline.medianMs} ms${goal ? ` — ${goal}` : ""}`,
      );
      opRows.push(row);
    }
    const result = {
      scenario: scenario.name,
      title: scenario.title,
      date: startedAt.toISOString(),
      command: `node scripts/bench.mjs${args.length ? ` ${args.join(" ")}` : ""}`,
      settings,
      machine,
      seed: states[scenario.name].counts ?? null,
      ok:
        rows.every((r) => [r.app, r.baseline].every((m) => !m.non2xx && !m.errors && !m.timeouts)) &&
        opRows.every((r) => !r.app.failures && !r.baseline.failures),
      endpoints: rows,
      ...(opRows.length ? { operations: opRows } : {}),
    };
    results.push(result);
    console.log(formatScenario(result));
    log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
  }

  if (!isRunning(app)) throw new Error(`the app exited during the run:\n${app.output.slice(-4000)}`);
  if (/\[trpc\] internal error|Unhandled|ECONNREFUSED/.test(app.output)) {
    console.error(`[bench] warning: the app logged errors during the run:\n${app.output.slice(-2000)}`);
  }
  return !failed;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[bench] FAILED: ${err.stack ?? err.message}`);
}
budget(60_000, "clean-up");
await cleanUp();
clearTimeout(watchdog);
if (ok)
  log(`done: machine ${os.cpus().length} cores, ${settings.connections} connections, ${settings.duration}s per target`);
else console.error("[bench] FAILED (see above)");
// A full run (no scenario named) ends with the in-process benchmarks.
if (args.length === 0) {
  for (const b of followUps) {
    log(`${b.title}: node --import tsx ${b.file}`);
    const run = await runProcess(process.execPath, ["--import", "tsx", b.file], {
      cwd: root,
      env: process.env,
      name: b.name,
      verbose: true,
    });
    if (run.code !== 0) {
      console.error(`[bench] ${b.name} benchmark FAILED (see above)`);
      ok = false;
    }
  }
}
process.exit(ok ? 0 : 1);
