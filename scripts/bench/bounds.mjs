#!/usr/bin/env node
/**
 * `npm run bench:bounds`: the bounded walks on both databases, each next to
 * one raw statement doing the same database work in the same run.
 *
 *   impact-dense          traceLink.impact from the head of a 16-requirement chain with all four
 *                         requirement link types between neighbours (4^15 paths, 15 requirements)
 *   impact-lattice        traceLink.impact from the top of a 50 × 100 lattice (5,000 requirements,
 *                         9,950 links) with the default caps: 2,000 requirements, `limited: true`
 *   impact-lattice-whole  the impact service on the same lattice with the requirement cap raised to
 *                         5,000, so it walks all 100 layers (no procedure asks for this; shows the scaling)
 *   requirement.tree      requirement.tree of a 10,000-level chain (parentId)
 *
 * For each database — PostgreSQL (a throwaway database on the server at
 * BENCH_PG_ADMIN_URL / PG_ADMIN_URL) and the embedded PGlite (a temporary
 * data folder, served by scripts/bench/pglite-server.mjs in its own process
 * as `npm start` serves it) — it migrates, seeds the graphs with SQL,
 * `ANALYZE`s (unless BENCH_BOUNDS_ANALYZE=0), then times each operation: warm-up pairs, then timed pairs,
 * the app call and the raw statement alternating so that both see the same
 * machine load. App calls go through the tRPC server-side caller
 * (`createCaller`, the HTTP path minus transport and serialisation) as a
 * project maintainer; the raw statements go through a plain `pg` pool on
 * the same database:
 *
 *   impact      one `WITH RECURSIVE … UNION` over requirement-to-requirement links with a depth cap,
 *               then the keys of what it reached; the cap is the depth the app's answer reaches
 *               (40 at the default requirement cap, 100 for the whole lattice)
 *   tree        `SELECT <the columns the service reads> FROM "Requirement" WHERE "projectId" = $1`
 *
 * Every pair is checked (same requirements at the same depths; the whole tree
 * in order). Prints per database median, p95, min–max, the first call, CPU
 * per run and app/raw; impact has a goal of median < 500 ms (reported as
 * met / MISSED, like the HTTP benchmark's goals). Writes
 * bench-results/bounds.json, drops its database and data folder. Exits 1 on
 * an error or a failed check, not on a missed goal.
 *
 * Run with tsx (the services are TypeScript): node --import tsx scripts/bench/bounds.mjs [postgres] [pglite]
 * Env: BENCH_BOUNDS_RUNS (15), BENCH_BOUNDS_WARMUP (2), BENCH_BOUNDS_ANALYZE (1; 0 leaves the tables
 *      without statistics), BENCH_PG_ADMIN_URL or PG_ADMIN_URL,
 *      BENCH_RESULTS_DIR (bench-results).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { poolConfig } from "../../lib/database-url.mjs";
import { migrate } from "../run.mjs";
import { UNREACHED_BUDGETS } from "./lib/app.mjs";
import {
  backendCpu,
  backendCpuDelta,
  createDatabase,
  DEFAULT_ADMIN_URL,
  databaseUrl,
  dropDatabase,
} from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";
import { round } from "./lib/load.mjs";
import { cpuTimeMs, isRunning, killAll, runProcess, sleep, startProcess, stopProcess } from "./lib/process.mjs";
import { operationGoal, writeResult } from "./lib/report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (msg) => console.log(`[bench:bounds] ${msg}`);

const RUNS = intEnv("BENCH_BOUNDS_RUNS", 15, 1, 1000);
const WARMUP = intEnv("BENCH_BOUNDS_WARMUP", 2, 0, 100);
// 0 skips the ANALYZE after seeding: the embedded database has no autovacuum to gather statistics.
const ANALYZE = intEnv("BENCH_BOUNDS_ANALYZE", 1, 0, 1) === 1;
const TARGET_MS = 500;
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");

const DATABASES = ["postgres", "pglite"];
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log("Usage: node --import tsx scripts/bench/bounds.mjs [postgres] [pglite]   (default: both)");
  process.exit(0);
}
for (const a of args) {
  if (!DATABASES.includes(a)) {
    console.error(`[bench:bounds] unknown database ${a} (known: ${DATABASES.join(", ")})`);
    process.exit(2);
  }
}
const databases = args.length ? DATABASES.filter((d) => args.includes(d)) : DATABASES;

/* ----------------------------------------------------------------- graphs */

const DENSE_LENGTH = 16;
const REQUIREMENT_LINK_TYPES = ["PARENT_OF", "DERIVES_FROM", "REFINES", "CONFLICTS_WITH"];
const WIDTH = 50;
const LAYERS = 100;
const TREE_DEPTH = 10_000;
const PROJECTS = { dense: "BNDDENSE", lattice: "BNDLATT", tree: "BNDTREE" };

/** Requirements 1…count of a project (id `<projectId>-<n>`, key `<KEY>-<n>`); with `chain`, n's parent is n − 1. */
async function insertRequirements(client, project, count, { chain = false } = {}) {
  await client.query(
    `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                                status, tags, "parentId", position, "createdAt", "updatedAt")
     SELECT $1 || '-' || n, $1, n, $2 || '-' || n, 1, 'Requirement ' || n, 'The system shall hold case ' || n || '.', '',
            'FUNCTIONAL', 'SHOULD', 'DRAFT', '{}', CASE WHEN $4::boolean AND n > 1 THEN $1 || '-' || (n - 1) END, 1,
            now(), now()
     FROM generate_series(1, $3::int) AS n`,
    [project.id, project.key, count, chain],
  );
  await client.query(`UPDATE "Project" SET "requirementCounter" = $2 WHERE id = $1`, [project.id, count]);
}

/** Links from requirement number s to t (s derives from t: s is downstream of t), one row per (s, t, type). */
function linkSql(edges) {
  return `INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId",
                                   "linkedVersion", "createdAt")
          SELECT $1 || '-l' || e.s || '-' || e.t || '-' || e.type, $1, e.type::"TraceLinkType", 'R:' || $1 || '-' || e.s,
                 $1 || '-' || e.s, $1 || '-' || e.t, 1, now()
          FROM (${edges}) AS e(s, t, type)`;
}

/**
 * One maintainer and three projects:
 * - dense: requirement n links to n − 1 with each of the four requirement link types, so
 *   impact from requirement 1 has 4^15 paths to 15 requirements;
 * - lattice: requirement 1 is the top; layer k (0…99) holds requirements 2 + 50k … 51 + 50k; layer 0
 *   derives from the top, and node (k, i) from (k − 1, i) and (k − 1, i − 1 mod 50), so every node of
 *   layer k lies at depth k + 1, reachable through many paths (tests/integration/impact-bounds.test.ts);
 * - tree: requirement n is the only child of n − 1, 10,000 levels (tests/integration/deep-tree.test.ts).
 */
async function seed(pool) {
  const userId = "bnd-maintainer";
  const projects = {};
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "createdAt", "updatedAt")
       VALUES ($1, 'bounds-maintainer@example.com', 'Bounds Maintainer', 'USER', now(), now(), now())`,
      [userId],
    );
    for (const [name, key] of Object.entries(PROJECTS)) {
      const id = `bnd-${name}`;
      await client.query(
        `INSERT INTO "Project" (id, key, name, "createdAt", "updatedAt") VALUES ($1, $2, $3, now(), now())`,
        [id, key, `Bounds ${name}`],
      );
      await client.query(
        `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
         VALUES ($1, $2, $3, 'MAINTAINER', now(), now())`,
        [`${id}-m`, id, userId],
      );
      projects[name] = { id, key, top: `${key}-1` };
    }

    await insertRequirements(client, projects.dense, DENSE_LENGTH);
    await client.query(
      linkSql(`SELECT n, n - 1, type FROM generate_series(2, $2::int) AS n, unnest($3::text[]) AS type`),
      [projects.dense.id, DENSE_LENGTH, REQUIREMENT_LINK_TYPES],
    );

    await insertRequirements(client, projects.lattice, 1 + WIDTH * LAYERS);
    await client.query(
      linkSql(`
        SELECT 2 + i, 1, 'DERIVES_FROM' FROM generate_series(0, $2::int - 1) AS i
        UNION ALL
        SELECT 2 + k * $2::int + i, 2 + (k - 1) * $2::int + i, 'DERIVES_FROM'
        FROM generate_series(1, $3::int - 1) AS k, generate_series(0, $2::int - 1) AS i
        UNION ALL
        SELECT 2 + k * $2::int + i, 2 + (k - 1) * $2::int + (i + $2::int - 1) % $2::int, 'DERIVES_FROM'
        FROM generate_series(1, $3::int - 1) AS k, generate_series(0, $2::int - 1) AS i`),
      [projects.lattice.id, WIDTH, LAYERS],
    );

    await insertRequirements(client, projects.tree, TREE_DEPTH, { chain: true });
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
  if (ANALYZE) await pool.query(`ANALYZE "User", "Project", "Membership", "Requirement", "TraceLink"`);
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM "Requirement")::int AS requirements, (SELECT count(*) FROM "TraceLink")::int AS links`,
  );
  return { userId, projects, counts: rows[0] };
}

/* ------------------------------------------------------------ raw baselines */

/**
 * Impact's walk as one statement. UNION (not UNION ALL) drops a row already
 * produced, so the parallel links of the dense chain and the lattice's
 * diamonds yield each (requirement, depth) once; in these graphs every
 * requirement lies at one depth, so each is visited once. (On a graph with
 * cycles it would come back at every depth up to the cap, where the app's
 * visited set stops.)
 */
const RAW_IMPACT_SQL = `
  WITH RECURSIVE down(id, depth) AS (
    SELECT id, 0 FROM "Requirement" WHERE "projectId" = $1 AND key = $2
    UNION
    SELECT l."sourceRequirementId", d.depth + 1
    FROM down d JOIN "TraceLink" l ON l."targetRequirementId" = d.id
    WHERE l."sourceRequirementId" IS NOT NULL AND d.depth < $3
  )
  SELECT r.key, r.title, r.status::text AS status, d.depth
  FROM down d JOIN "Requirement" r ON r.id = d.id
  WHERE d.depth > 0`;

/** The rows requirementTree reads, and nothing else (no order, no tree walk). */
const RAW_TREE_SQL = `
  SELECT id, key, number, title, status::text AS status, type::text AS type, priority::text AS priority, "parentId",
         position, version
  FROM "Requirement" WHERE "projectId" = $1`;

/* ------------------------------------------------------------------ checks */

const byDepth = (rows) =>
  rows
    .map((r) => `${r.key}@${r.depth}`)
    .sort()
    .join(",");

function checkImpact({ requirements, limited }) {
  return (app, raw) => {
    if (app.requirements.length !== requirements) return `app answered ${app.requirements.length} requirements`;
    if (app.limited !== limited) return `app answered limited: ${app.limited}`;
    if (byDepth(app.requirements) !== byDepth(raw))
      return `app and raw statement differ (${app.requirements.length} / ${raw.length} requirements)`;
    return null;
  };
}

function checkTree(project) {
  return (app, raw) => {
    const { nodes } = app;
    if (nodes.length !== TREE_DEPTH || raw.length !== TREE_DEPTH) return `${nodes.length} nodes, ${raw.length} rows`;
    for (let i = 0; i < TREE_DEPTH; i++) {
      const n = nodes[i];
      if (n.key !== `${project.key}-${i + 1}` || n.depth !== i) return `node ${i} is ${n.key} at depth ${n.depth}`;
    }
    return null;
  };
}

/* ------------------------------------------------------------------ timing */

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(runs, warm) {
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const mean = (xs) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : null);
  return {
    runs: runs.length,
    medianMs: round(median(ms), 1),
    p95Ms: round(percentile(ms, 95), 1),
    minMs: round(ms[0], 1),
    maxMs: round(ms[ms.length - 1], 1),
    // The first warm-up call: plans and caches still cold for this statement shape.
    firstMs: warm.length ? round(warm[0].ms, 1) : null,
    nodeCpuMsPerRun: mean(runs.map((r) => r.nodeCpuMs)),
    // PostgreSQL: its backends for this database (lib/db.mjs backendCpu); PGlite: its process. 10 ms ticks.
    dbCpuMsPerRun: mean(runs.map((r) => r.dbCpuMs).filter((c) => c !== null)),
    samplesMs: runs.map((r) => round(r.ms, 1)),
  };
}

async function runOnce(fn, dbCpu) {
  const dbBefore = await dbCpu.sample();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const data = await fn();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpuMs = dbCpu.delta(dbBefore, await dbCpu.sample());
  return { ms, nodeCpuMs: (cpu.user + cpu.system) / 1000, dbCpuMs, data };
}

/** WARMUP untimed pairs, then RUNS timed pairs, app first in each; every pair checked. */
async function timeOperation(op, dbCpu) {
  const app = [];
  const raw = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const a = await runOnce(op.app, dbCpu);
    const b = await runOnce(op.raw, dbCpu);
    const problem = op.check(a.data, b.data);
    if (problem) throw new Error(`${op.name}: ${problem}`);
    app.push(a);
    raw.push(b);
  }
  const row = {
    name: op.name,
    description: op.description,
    ...(op.targetMs ? { targetMs: op.targetMs } : {}),
    app: summarize(app.slice(WARMUP), app.slice(0, WARMUP)),
    raw: summarize(raw.slice(WARMUP), raw.slice(0, WARMUP)),
  };
  row.ratio = { median: round(row.app.medianMs / row.raw.medianMs, 2) };
  // operationGoal reads the app's median and max.
  row.goal = operationGoal(row);
  return row;
}

/* --------------------------------------------------------------- databases */

/** A fresh, migrated database of each kind: its URL, a CPU sampler and a stop function. */
async function openDatabase(kind, cleanups, stamp) {
  if (kind === "postgres") {
    const name = `specline_bench_bounds_${stamp}`;
    await createDatabase(adminUrl, name);
    cleanups.push(async () => {
      await dropDatabase(adminUrl, name);
      log(`dropped database ${name}`);
    });
    const url = databaseUrl(adminUrl, name);
    log(`postgres: created database ${name}; migrating`);
    await migrate(url);
    const sampler = new pg.Client({ connectionString: url });
    await sampler.connect();
    cleanups.push(() => sampler.end());
    return { url, dbCpu: { sample: () => backendCpu(sampler, cpuTimeMs), delta: backendCpuDelta } };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "specline-bench-bounds-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const server = startProcess(process.execPath, [path.join(root, "scripts/bench/pglite-server.mjs"), dir], {
    cwd: root,
    env: { PATH: process.env.PATH },
    name: "pglite",
  });
  cleanups.push(async () => {
    await stopProcess(server);
    log("pglite: stopped");
  });
  const deadline = Date.now() + 60_000;
  let url = null;
  while (!url) {
    const line = server.output.split("\n").find((l) => l.startsWith('{"url"'));
    if (line) url = JSON.parse(line).url;
    else if (!isRunning(server)) throw new Error(`pglite server exited:\n${server.output.slice(-4000)}`);
    else if (Date.now() > deadline) throw new Error("pglite server did not start within 60 s");
    else await sleep(100);
  }
  log(`pglite: serving ${dir} (pid ${server.pid}); migrating`);
  await migrate(url);
  const cpu = () => cpuTimeMs(server.pid);
  return { url, dbCpu: { sample: async () => cpu(), delta: (a, b) => (a === null || b === null ? null : b - a) } };
}

let watchdog;
function budget(ms, phase, cleanUp) {
  clearTimeout(watchdog);
  watchdog = setTimeout(async () => {
    console.error(`[bench:bounds] FAILED: ${phase} took longer than ${Math.round(ms / 1000)} s; stopping`);
    killAll();
    await Promise.race([cleanUp(), sleep(15_000)]);
    process.exit(1);
  }, ms);
  watchdog.unref();
}

async function benchDatabase(kind, app, cleanUp, stamp) {
  const cleanups = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((err) => console.error(`[bench:bounds] cleanup: ${err.message}`));
    cleanups.length = 0;
  };
  cleanUp.current = closeAll;
  try {
    budget(300_000, `${kind}: start and migrations`, closeAll);
    let started = Date.now();
    const { url, dbCpu } = await openDatabase(kind, cleanups, stamp);
    const migrateMs = Date.now() - started;

    const pool = new pg.Pool(poolConfig(url, 1));
    cleanups.push(() => pool.end());
    budget(300_000, `${kind}: seed`, closeAll);
    started = Date.now();
    const state = await seed(pool);
    const seedMs = Date.now() - started;
    log(`${kind}: seeded ${JSON.stringify(state.counts)} in ${seedMs} ms (migrations ${migrateMs} ms)`);

    // The app's client is created on first use from DATABASE_URL.
    process.env.DATABASE_URL = url;
    app.resetEnvCache();
    cleanups.push(() => app.disconnectDb());
    const [{ version }] = await app.db.$queryRaw`SELECT version()`;
    const { rows: rawVersion } = await pool.query("SELECT version()");
    if (version !== rawVersion[0].version) throw new Error(`the app is not connected to the ${kind} database`);

    const caller = app.createCaller(
      app.createContextInner({ userId: state.userId, requestId: randomUUID(), ip: "127.0.0.1" }),
    );
    const { dense, lattice, tree } = state.projects;
    const scope = app.projectScope({
      user: { id: state.userId },
      project: lattice,
      role: "MAINTAINER",
      requestId: randomUUID(),
    });
    const rawImpact = async (project, depth) =>
      (await pool.query(RAW_IMPACT_SQL, [project.id, project.top, depth])).rows;
    if (app.IMPACT_MAX_REQUIREMENTS % WIDTH !== 0) throw new Error("the lattice's width must divide the cap");
    const cappedDepth = app.IMPACT_MAX_REQUIREMENTS / WIDTH;
    const operations = [
      {
        name: "impact-dense",
        description: `traceLink.impact, head of a ${DENSE_LENGTH}-requirement chain, 4 link types between neighbours`,
        targetMs: TARGET_MS,
        app: () => caller.traceLink.impact({ key: dense.top }),
        raw: () => rawImpact(dense, app.IMPACT_MAX_DEPTH),
        check: checkImpact({ requirements: DENSE_LENGTH - 1, limited: false }),
      },
      {
        name: "impact-lattice",
        description: `traceLink.impact, top of a ${WIDTH} × ${LAYERS} lattice, default caps (${app.IMPACT_MAX_REQUIREMENTS} requirements, limited)`,
        targetMs: TARGET_MS,
        app: () => caller.traceLink.impact({ key: lattice.top }),
        raw: () => rawImpact(lattice, cappedDepth),
        check: checkImpact({ requirements: app.IMPACT_MAX_REQUIREMENTS, limited: true }),
      },
      {
        name: "impact-lattice-whole",
        description: `impact service, same lattice, requirement cap ${WIDTH * LAYERS} (all ${LAYERS} layers)`,
        app: () =>
          app.impact({
            scope,
            input: { key: lattice.top },
            limits: {
              requirements: WIDTH * LAYERS,
              depth: app.IMPACT_MAX_DEPTH,
              issues: app.IMPACT_MAX_ISSUES,
              links: app.IMPACT_MAX_LINKS,
            },
          }),
        raw: () => rawImpact(lattice, app.IMPACT_MAX_DEPTH),
        check: checkImpact({ requirements: WIDTH * LAYERS, limited: false }),
      },
      {
        name: "requirement.tree",
        description: `requirement.tree, a chain of ${TREE_DEPTH.toLocaleString("en")} levels`,
        app: () => caller.requirement.tree({ projectKey: tree.key }),
        raw: async () => (await pool.query(RAW_TREE_SQL, [tree.id])).rows,
        check: checkTree(tree),
      },
    ];
    const rows = [];
    for (const op of operations) {
      budget((WARMUP + RUNS) * 2 * 30_000 + 30_000, `${kind}: ${op.name}`, closeAll);
      log(`${kind}: ${op.name}: ${WARMUP} warm-up + ${RUNS} timed runs, app and raw statement alternating…`);
      const row = await timeOperation(op, dbCpu);
      log(
        `${kind}: ${op.name}: app median ${row.app.medianMs} ms, raw ${row.raw.medianMs} ms (×${row.ratio.median})${row.goal ? ` — ${row.goal}` : ""}`,
      );
      rows.push(row);
    }
    return { database: kind, version, migrateMs, seedMs, seed: state.counts, operations: rows };
  } finally {
    budget(60_000, `${kind}: clean-up`, async () => undefined);
    await closeAll();
    clearTimeout(watchdog);
  }
}

/* -------------------------------------------------------------------- main */

function formatTable(results) {
  const header = [
    "database",
    "operation",
    "app median",
    "p95",
    "min–max",
    "first",
    "raw median",
    "raw p95",
    "app/raw",
    "node cpu app/raw",
    "db cpu app/raw",
    "goal",
  ];
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const r of results) {
    for (const op of r.operations) {
      lines.push(
        `| ${[
          r.database,
          op.name,
          op.app.medianMs,
          op.app.p95Ms,
          `${op.app.minMs}–${op.app.maxMs}`,
          op.app.firstMs ?? "",
          op.raw.medianMs,
          op.raw.p95Ms,
          op.ratio.median,
          `${op.app.nodeCpuMsPerRun} / ${op.raw.nodeCpuMsPerRun}`,
          `${op.app.dbCpuMsPerRun ?? "?"} / ${op.raw.dbCpuMsPerRun ?? "?"}`,
          op.goal ?? "",
        ].join(" | ")} |`,
      );
    }
  }
  return lines.join("\n");
}

async function main() {
  const startedAt = new Date();
  const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const stamp = `${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${randomBytes(2).toString("hex")}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-bench-bounds-data-"));

  // The embedded defaults for everything but the database: no Redis, no Inngest, no SMTP.
  for (const k of [
    "INNGEST_EVENT_KEY",
    "INNGEST_SIGNING_KEY",
    "INNGEST_DEV",
    "INNGEST_BASE_URL",
    "SMTP_URL",
    "REDIS_URL",
  ])
    delete process.env[k];
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    APP_URL: "https://specline.example.com",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    // traceLink.impact counts against the `expensive` budget (60 a minute); the runs would spend it.
    RATE_LIMITS: "on",
    ...UNREACHED_BUDGETS,
  });
  const [rootRouter, trpc, scopeModule, dbModule, envModule, analysis] = await Promise.all([
    import("../../server/api/root.ts"),
    import("../../server/api/trpc.ts"),
    import("../../server/auth/project-scope.ts"),
    import("../../server/db.ts"),
    import("../../lib/env.mjs"),
    import("../../server/services/trace-links/analysis.ts"),
  ]);
  const app = {
    createCaller: rootRouter.createCaller,
    createContextInner: trpc.createContextInner,
    projectScope: scopeModule.projectScope,
    db: dbModule.db,
    disconnectDb: dbModule.disconnectDb,
    resetEnvCache: envModule.resetEnvCache,
    impact: analysis.impact,
    IMPACT_MAX_REQUIREMENTS: analysis.IMPACT_MAX_REQUIREMENTS,
    IMPACT_MAX_DEPTH: analysis.IMPACT_MAX_DEPTH,
    IMPACT_MAX_ISSUES: analysis.IMPACT_MAX_ISSUES,
    IMPACT_MAX_LINKS: analysis.IMPACT_MAX_LINKS,
  };

  const cleanUp = { current: async () => undefined };
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, async () => {
      console.error(`[bench:bounds] ${sig}: stopping`);
      killAll();
      await Promise.race([cleanUp.current(), sleep(20_000)]);
      await rm(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  }

  const results = [];
  try {
    for (const kind of databases) results.push(await benchDatabase(kind, app, cleanUp, stamp));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const rev = await runProcess("git", ["rev-parse", "--short", "HEAD"], {
    cwd: root,
    env: process.env,
    name: "git",
  }).catch(() => null);
  const result = {
    scenario: "bounds",
    title: "Bounded walks: impact on the dense chain and the lattice, the 10,000-level tree read",
    date: startedAt.toISOString(),
    command: `node --import tsx scripts/bench/bounds.mjs${args.length ? ` ${args.join(" ")}` : ""}`,
    settings: { runs: RUNS, warmup: WARMUP, analyze: ANALYZE, targetMs: TARGET_MS },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      node: process.version,
      commit: rev?.code === 0 ? rev.output.trim() : null,
    },
    ok: true,
    databases: results,
  };
  console.log("");
  for (const r of results) log(`${r.database}: ${r.version}`);
  console.log(
    `\nms; ${RUNS} timed runs after ${WARMUP} warm-up (first = first warm-up call); cpu in ms per run${ANALYZE ? "" : "; no ANALYZE"}\n`,
  );
  console.log(formatTable(results));
  console.log("");
  log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
  log(`load average ${loadAverageBefore.join(" ")} → ${result.machine.loadAverageAfter.join(" ")}`);
  return true;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[bench:bounds] FAILED: ${err.stack ?? err.message}`);
}
process.exit(ok ? 0 : 1);
