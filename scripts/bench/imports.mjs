#!/usr/bin/env node
/**
 * `npm run bench:imports`: a CSV of 10,000 requirements imported through the real importer, next to the raw
 * inserts of the rows it must write.
 *
 *   file    columns ID, Parent, Title, Statement, Priority, Tags and one custom attribute (Safety Level); a
 *           three-level tree (100 top-level requirements, nine children each, ten grandchildren under each
 *           child), statements of about 200 characters
 *   import  into a fresh project each time, as its admin (so the new attribute is defined): the upload stored
 *           as a queued job (`createImportJob`, what POST …/import does after reading the form), then
 *           `runImportJob` — the lease, the authorization, the CSV read, matching, validation, the tree, the
 *           writes 500 rows per transaction with their versions, job items and audit rows, the progress and
 *           the one summary event. The whole path minus HTTP.
 *   raw     into a fresh project too: one transaction of multi-row INSERTs over raw `pg`, 1,000 rows each, of
 *           the same 10,000 Requirement rows, their 10,000 RequirementVersion rows and 10,000 AuditEvent rows
 *           (each holding the requirement as JSON, as the import's do)
 *
 * Import and raw alternate, one warm-up of each first; median of BENCH_IMPORTS_RUNS (3). Every run is checked:
 * the job succeeded with 10,000 created, and both wrote 10,000 requirements (100 at the top, 900 under them),
 * 10,000 versions and 10,000 audit rows. Prints the import and raw times, the ratio and rows per second.
 * Goal from the issue: under 30 s. Drops its database when done.
 *
 *   node --import tsx scripts/bench/imports.mjs
 * Env: BENCH_IMPORTS_RUNS (3), BENCH_PG_ADMIN_URL or PG_ADMIN_URL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { stringify } from "csv-stringify/sync";
import pg from "pg";

import { migrate } from "../run.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";

// The bench prints its own figures; the app's info lines (one per import) would bury them.
process.env.LOG_LEVEL ??= "warn";

const TOP = 100;
const CHILDREN = 9;
const GRANDCHILDREN = 10;
const COUNT = TOP * (1 + CHILDREN * (1 + GRANDCHILDREN));
const INSERT_BATCH = 1_000;
const GOAL_MS = 30_000;
const RUNS = intEnv("BENCH_IMPORTS_RUNS", 3, 1, 20);
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const log = (msg) => console.log(`[bench:imports] ${msg}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/* ------------------------------------------------------------------ the file */

/** Deterministic pseudo-random numbers (mulberry32), so every run imports the same file. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = ["The brake controller", "The payment service", "The operator console", "The telemetry unit"];
const VERBS = ["shall report", "shall reject", "shall record", "shall limit", "shall confirm"];
const OBJECTS = [
  "every change of the wheel speed sensor state",
  "a refund that exceeds the captured amount",
  "the time and the operator of each acknowledged alarm",
  "the torque request to the configured maximum",
  "the receipt of a command within 200 ms",
];
const CLAUSES = [
  "while the vehicle is in motion",
  "unless the dispute is still open",
  "and keep the record for at least 90 days",
  "including the identifier of the source",
  "as defined in the interface control document",
  "without interrupting the service",
];
const PRIORITIES = ["MUST", "SHOULD", "COULD", "MUST", "SHOULD"];
const TAGS = ["safety", "braking", "payments", "audit", "telemetry", "ui", "performance", "security"];
const SAFETY = ["SIL 0", "SIL 1", "SIL 2", "SIL 3", "SIL 4"];

/** The file's rows in tree order (each parent right before its subtree), the header first. */
function buildRows() {
  const random = prng(20261206);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const statement = () => {
    let text = `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}`;
    while (text.length < 190) text += `, ${pick(CLAUSES)}`;
    return `${text}.`;
  };
  const rows = [["ID", "Parent", "Title", "Statement", "Priority", "Tags", "Safety Level"]];
  let n = 0;
  const add = (parent, depth) => {
    n++;
    const id = `SRS-${n}`;
    const tags = [...new Set([pick(TAGS), pick(TAGS)])].join(", ");
    rows.push([id, parent, `Requirement ${n} (level ${depth})`, statement(), pick(PRIORITIES), tags, pick(SAFETY)]);
    return id;
  };
  for (let i = 0; i < TOP; i++) {
    const top = add("", 1);
    for (let j = 0; j < CHILDREN; j++) {
      const child = add(top, 2);
      for (let k = 0; k < GRANDCHILDREN; k++) add(child, 3);
    }
  }
  return rows;
}

/* ------------------------------------------------------------------ raw baseline */

const REQUIREMENT_COLUMNS = [
  "id",
  "projectId",
  "number",
  "key",
  "version",
  "title",
  "statement",
  "rationale",
  "type",
  "priority",
  "status",
  "tags",
  "attributes",
  "parentId",
  "position",
  "sourceRef",
  "createdById",
  "updatedById",
  "createdAt",
  "updatedAt",
];
const VERSION_COLUMNS = [
  "id",
  "requirementId",
  "projectId",
  "version",
  "title",
  "statement",
  "rationale",
  "type",
  "priority",
  "status",
  "tags",
  "attributes",
  "parentId",
  "position",
  "changeKind",
  "changeNote",
  "authorId",
  "createdAt",
];
const AUDIT_COLUMNS = ["actorId", "action", "entityType", "entityId", "projectId", "before", "after", "requestId"];

/** `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` (arrays in column order), in one statement. */
function multiRowInsert(table, columns, rows) {
  const values = [];
  const params = [];
  for (const row of rows) {
    const slots = row.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    values.push(`(${slots.join(", ")})`);
  }
  return {
    text: `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${values.join(", ")}`,
    values: params,
  };
}

/** The rows the import writes for `file` into project (`projectId`, `key`), inserted raw in one transaction. */
async function rawImport(pool, { projectId, key, userId, file }) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const now = new Date();
    const note = "Imported from requirements.csv";
    const idByRef = new Map();
    const positions = new Map();
    const requirements = [];
    for (const [i, [ref, parentRef, title, statement, priority, tags, safety]] of file.slice(1).entries()) {
      const id = randomUUID();
      idByRef.set(ref, id);
      const parentId = parentRef ? idByRef.get(parentRef) : null;
      const position = (positions.get(parentId) ?? 0) + 1;
      positions.set(parentId, position);
      const number = i + 1;
      requirements.push({
        id,
        number,
        key: `${key}-${number}`,
        title,
        statement,
        priority,
        tags: [...new Set(tags.split(",").map((t) => t.trim()))],
        attributes: { safetyLevel: safety },
        parentId,
        position,
        sourceRef: ref,
      });
    }
    const keyById = new Map(requirements.map((r) => [r.id, r.key]));
    for (let i = 0; i < requirements.length; i += INSERT_BATCH) {
      const batch = requirements.slice(i, i + INSERT_BATCH);
      await client.query(
        multiRowInsert(
          "Requirement",
          REQUIREMENT_COLUMNS,
          batch.map((r) => [
            r.id,
            projectId,
            r.number,
            r.key,
            1,
            r.title,
            r.statement,
            "",
            "FUNCTIONAL",
            r.priority,
            "DRAFT",
            r.tags,
            JSON.stringify(r.attributes),
            r.parentId,
            r.position,
            r.sourceRef,
            userId,
            userId,
            now,
            now,
          ]),
        ),
      );
    }
    for (let i = 0; i < requirements.length; i += INSERT_BATCH) {
      const batch = requirements.slice(i, i + INSERT_BATCH);
      await client.query(
        multiRowInsert(
          "RequirementVersion",
          VERSION_COLUMNS,
          batch.map((r) => [
            randomUUID(),
            r.id,
            projectId,
            1,
            r.title,
            r.statement,
            "",
            "FUNCTIONAL",
            r.priority,
            "DRAFT",
            r.tags,
            JSON.stringify(r.attributes),
            r.parentId,
            r.position,
            "created",
            note,
            userId,
            now,
          ]),
        ),
      );
    }
    const requestId = randomUUID();
    for (let i = 0; i < requirements.length; i += INSERT_BATCH) {
      const batch = requirements.slice(i, i + INSERT_BATCH);
      await client.query(
        multiRowInsert(
          "AuditEvent",
          AUDIT_COLUMNS,
          batch.map((r) => [
            userId,
            "requirement.created",
            "Requirement",
            r.id,
            projectId,
            null,
            JSON.stringify({
              id: r.id,
              number: r.number,
              key: r.key,
              version: 1,
              title: r.title,
              statement: r.statement,
              rationale: "",
              type: "FUNCTIONAL",
              priority: r.priority,
              status: "DRAFT",
              tags: r.tags,
              attributes: r.attributes,
              parentId: r.parentId,
              position: r.position,
              createdById: userId,
              createdAt: now,
              updatedAt: now,
              updatedById: userId,
              parentKey: r.parentId ? keyById.get(r.parentId) : null,
            }),
            requestId,
          ]),
        ),
      );
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/* ------------------------------------------------------------------ checks */

async function checkWritten(pool, projectId, what) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM "Requirement" WHERE "projectId" = $1)::int AS requirements,
            (SELECT count(*) FROM "Requirement" WHERE "projectId" = $1 AND "parentId" IS NULL)::int AS top,
            (SELECT count(*) FROM "Requirement" c JOIN "Requirement" p ON p.id = c."parentId"
              WHERE c."projectId" = $1 AND p."parentId" IS NULL)::int AS second,
            (SELECT count(*) FROM "RequirementVersion" WHERE "projectId" = $1)::int AS versions,
            (SELECT count(*) FROM "AuditEvent" WHERE "projectId" = $1 AND action = 'requirement.created')::int AS audit`,
    [projectId],
  );
  const got = rows[0];
  const want = { requirements: COUNT, top: TOP, second: TOP * CHILDREN, versions: COUNT, audit: COUNT };
  for (const [k, v] of Object.entries(want)) {
    if (got[k] !== v) throw new Error(`${what}: ${k} ${got[k]}, expected ${v}`);
  }
}

/* ------------------------------------------------------------------ main */

async function main() {
  const name = `specline_bench_imports_${Date.now()}`;
  const url = databaseUrl(adminUrl, name);
  await createDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrate(url);
    Object.assign(process.env, {
      DATABASE_URL: url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      BACKGROUND_JOBS: "off",
    });
    delete process.env.REDIS_URL;
    const userId = randomUUID();
    await pool.query(
      `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "updatedAt")
       VALUES ($1, $2, 'Bench Importer', 'USER', now(), now())`,
      [userId, `bench-${userId}@example.test`],
    );

    const rows = buildRows();
    if (rows.length !== COUNT + 1) throw new Error(`built ${rows.length - 1} rows`);
    const bytes = new TextEncoder().encode(stringify(rows, { escape_formulas: true }));
    const meanStatement = rows.slice(1).reduce((n, r) => n + r[3].length, 0) / COUNT;
    log(
      `file: ${COUNT} rows, ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB, statements ${Math.round(meanStatement)} characters on average`,
    );

    const [{ createProject }, { createImportJob, runImportJob }, dbModule] = await Promise.all([
      import("../../server/services/projects/create-project.ts"),
      import("../../server/services/imports/import-jobs.ts"),
      import("../../server/db.ts"),
    ]);
    const { projectScope } = await import("../../server/auth/project-scope.ts");

    let projects = 0;
    /** A fresh project the user administers, created as the app does. */
    async function freshProject() {
      const key = `IMP${String.fromCharCode(65 + Math.floor(projects / 26))}${String.fromCharCode(65 + (projects % 26))}`;
      projects++;
      const project = await createProject({
        actor: { userId, requestId: randomUUID() },
        user: { id: userId, role: "USER" },
        input: { key, name: `Imports ${key}`, description: "" },
      });
      return { id: project.id, key };
    }

    async function importOnce() {
      const project = await freshProject();
      const scope = projectScope({ user: { id: userId }, project, role: "ADMIN", requestId: randomUUID() });
      const started = performance.now();
      const { jobId } = await createImportJob({
        scope,
        form: { projectKey: project.key, kind: "requirements", dryRun: false, atomic: false, mapping: { columns: {} } },
        filename: "requirements.csv",
        bytes,
      });
      const stored = performance.now();
      await runImportJob(jobId);
      const ms = performance.now() - started;
      const job = await dbModule.db.importJob.findUniqueOrThrow({
        where: { id: jobId },
        select: { status: true, created: true, failed: true, message: true, errors: true },
      });
      if (job.status !== "SUCCEEDED" || job.created !== COUNT || job.failed !== 0) {
        throw new Error(`import: ${JSON.stringify(job).slice(0, 2000)}`);
      }
      await checkWritten(pool, project.id, "import");
      return { ms, storeMs: stored - started };
    }

    async function rawOnce() {
      const project = await freshProject();
      const started = performance.now();
      await rawImport(pool, { projectId: project.id, key: project.key, userId, file: rows });
      const ms = performance.now() - started;
      await checkWritten(pool, project.id, "raw");
      return { ms };
    }

    const app = [];
    const store = [];
    const raw = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const a = await importOnce();
      const r = await rawOnce();
      log(
        `${i === 0 ? "warm-up" : `run ${i}`}: import ${Math.round(a.ms)} ms (upload stored in ${Math.round(a.storeMs)} ms), raw ${Math.round(r.ms)} ms`,
      );
      if (i === 0) continue;
      app.push(a.ms);
      store.push(a.storeMs);
      raw.push(r.ms);
    }
    const appMs = median(app);
    const rawMs = median(raw);
    log(
      `import: ${Math.round(appMs)} ms for ${COUNT} requirements (upload stored in ${Math.round(median(store))} ms), ` +
        `raw inserts ${Math.round(rawMs)} ms — ${(appMs / rawMs).toFixed(1)}× raw; ` +
        `${Math.round(COUNT / (appMs / 1000))} rows/s (raw ${Math.round(COUNT / (rawMs / 1000))}); ` +
        `< ${GOAL_MS / 1000} s ${appMs < GOAL_MS ? "met" : "MISSED"}`,
    );
    log(`runs (import / raw ms): ${app.map((a, i) => `${Math.round(a)} / ${Math.round(raw[i])}`).join(", ")}`);
    await dbModule.disconnectDb();
  } finally {
    await pool.end();
    await dropDatabase(adminUrl, name);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
