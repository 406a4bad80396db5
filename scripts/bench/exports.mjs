#!/usr/bin/env node
/**
 * `npm run bench:exports`: the streamed exports on 10,000 requirements, next to the raw reads they must do.
 *
 *   reqif   GET …/export?format=reqif of HEAD: skeleton, tree order, full versions 500 at a time, Markdown to
 *           XHTML for every statement, written as chunks
 *   csv     the same rows as CSV
 *   links   the trace links (10,000, each requirement refining the next), one CSV row each
 *
 * Each is timed in-process through the export service (the route minus HTTP) as a project maintainer and
 * drained like a client reading as fast as it can; the baseline is one raw `pg` statement reading the same
 * rows (every column the export writes) into memory, in the same run. Prints median time, app/raw, the
 * bytes written and the growth of the process's resident memory while exporting (sampled every 20 ms).
 * Goals from the issue: ReqIF of 10,000 requirements under 5 s with RSS growth under 100 MB; the links
 * export within 3× its raw query. Drops its database when done.
 *
 *   node --import tsx scripts/bench/exports.mjs
 * Env: BENCH_EXPORTS_RUNS (3), BENCH_PG_ADMIN_URL or PG_ADMIN_URL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import pg from "pg";

import { migrate } from "../run.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";

const COUNT = 10_000;
const RUNS = intEnv("BENCH_EXPORTS_RUNS", 3, 1, 50);
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const log = (msg) => console.log(`[bench:exports] ${msg}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const STATEMENT = [
  "The payment service **shall** refund a partial capture within one business day of the request,",
  "and shall record the refund against the original capture.",
  "",
  "- The refund amount must not exceed the captured amount.",
  "- A refund of a disputed capture waits for the dispute to close.",
].join("\n");

async function seed(pool, projectId, userId) {
  await pool.query(
    `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "updatedAt")
     VALUES ($1, $2, 'Bench Maintainer', 'USER', now(), now())`,
    [userId, `bench-${userId}@example.test`],
  );
  await pool.query(
    `INSERT INTO "Project" (id, key, name, description, settings, "requirementCounter", "updatedAt")
     VALUES ($1, 'EXP', 'Exports', '', '{}', $2, now())`,
    [projectId, COUNT],
  );
  await pool.query(
    `INSERT INTO "Membership" (id, "projectId", "userId", role, "updatedAt") VALUES ($1, $2, $3, 'MAINTAINER', now())`,
    [randomUUID(), projectId, userId],
  );
  // Every 10th requirement is top-level, the nine after it its children.
  await pool.query(
    `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                               status, tags, "parentId", position, "createdById", "updatedById")
     SELECT 'r' || g, $1, g, 'EXP-' || g, 1, 'Refund partial captures, part ' || g, $2, 'Customers ask for it.',
            'FUNCTIONAL', 'MUST', 'APPROVED', '{payments,refunds}',
            CASE WHEN g % 10 = 1 THEN NULL ELSE 'r' || (g - (g - 1) % 10) END, g, $3, $3
     FROM generate_series(1, ${COUNT}) g`,
    [projectId, STATEMENT, userId],
  );
  await pool.query(
    `INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale, type,
                                      priority, status, tags, "parentId", position, "changeKind", "authorId")
     SELECT r.id || '-v1', r.id, r."projectId", 1, r.title, r.statement, r.rationale, r.type, r.priority, r.status,
            r.tags, r."parentId", r.position, 'created', r."createdById"
     FROM "Requirement" r WHERE r."projectId" = $1`,
    [projectId],
  );
  await pool.query(
    `INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId", "linkedVersion")
     SELECT 'l' || g, $1, 'REFINES', 'R:r' || g, 'r' || g, 'r' || (g % ${COUNT} + 1), 1
     FROM generate_series(1, ${COUNT}) g`,
    [projectId],
  );
  await pool.query("ANALYZE");
}

const RAW_REQUIREMENTS = `
  SELECT r.id, r.key, r.number, v.version, v.id AS "versionId", v.title, v.statement, v.rationale, v.type::text,
         v.priority::text, v.status::text, v.tags, v.attributes, v."parentId", v.position, p.key AS "parentKey"
  FROM "Requirement" r
  JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = r.version
  LEFT JOIN "Requirement" p ON p.id = v."parentId"
  WHERE r."projectId" = $1 AND r.status <> 'DEPRECATED'`;

const RAW_LINKS = `
  SELECT l.id, r.number, r.key, r.title, r.status::text, r.version, l.type::text, sr.key AS "fromKey",
         sr.title AS "fromTitle", sr.status::text AS "fromStatus", l.suspect, l."suspectSince", l."linkedVersion"
  FROM "TraceLink" l
  JOIN "Requirement" r ON r.id = l."targetRequirementId"
  LEFT JOIN "Requirement" sr ON sr.id = l."sourceRequirementId"
  WHERE l."projectId" = $1
  ORDER BY r.number, l.id`;

/** Drains an export, sampling RSS; its time, bytes and the RSS growth over the start. */
async function drain(open) {
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  const file = await open();
  let bytes = 0;
  for await (const chunk of file.chunks) {
    bytes += Buffer.byteLength(chunk);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, bytes, rssGrowthMb: (peak - startRss) / 1024 / 1024 };
}

async function main() {
  const name = `specline_bench_exports_${Date.now()}`;
  const url = databaseUrl(adminUrl, name);
  await createDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await migrate(url);
    const projectId = randomUUID();
    const userId = randomUUID();
    let t = performance.now();
    await seed(pool, projectId, userId);
    log(`seeded ${COUNT} requirements, versions and links in ${Math.round(performance.now() - t)} ms`);

    Object.assign(process.env, { DATABASE_URL: url, AUTH_SECRET: randomBytes(32).toString("base64url") });
    const [{ openRequirementsExport }, { openTraceLinksExport }, scopeModule, dbModule] = await Promise.all([
      import("../../server/services/exports/requirements-export.ts"),
      import("../../server/services/exports/trace-links-export.ts"),
      import("../../server/auth/project-scope.ts"),
      import("../../server/db.ts"),
    ]);
    const project = await dbModule.db.project.findUniqueOrThrow({ where: { id: projectId } });
    const scope = scopeModule.projectScope({
      user: { id: userId },
      project,
      role: "MAINTAINER",
      requestId: randomUUID(),
    });

    const cases = [
      {
        name: "reqif",
        open: () => openRequirementsExport({ scope, ref: "HEAD", format: "reqif" }),
        raw: RAW_REQUIREMENTS,
        goal: { ms: 5_000, rssMb: 100 },
      },
      { name: "csv", open: () => openRequirementsExport({ scope, ref: "HEAD", format: "csv" }), raw: RAW_REQUIREMENTS },
      {
        name: "links",
        open: () => openTraceLinksExport({ scope, types: [], suspectOnly: false }),
        raw: RAW_LINKS,
        goal: { ratio: 3 },
      },
    ];
    const results = [];
    for (const c of cases) {
      const app = [];
      const raw = [];
      let last;
      for (let i = 0; i < RUNS + 1; i++) {
        last = await drain(c.open);
        t = performance.now();
        const { rows } = await pool.query(c.raw, [projectId]);
        const rawMs = performance.now() - t;
        if (rows.length !== COUNT) throw new Error(`${c.name}: raw read ${rows.length} rows`);
        if (i === 0) continue; // warm-up
        app.push(last.ms);
        raw.push(rawMs);
      }
      const appMs = median(app);
      const rawMs = median(raw);
      const ratio = appMs / rawMs;
      const goals = [];
      if (c.goal?.ms) goals.push(`< ${c.goal.ms} ms ${appMs < c.goal.ms ? "met" : "MISSED"}`);
      if (c.goal?.rssMb) goals.push(`RSS < ${c.goal.rssMb} MB ${last.rssGrowthMb < c.goal.rssMb ? "met" : "MISSED"}`);
      if (c.goal?.ratio) goals.push(`≤ ${c.goal.ratio}× raw ${ratio <= c.goal.ratio ? "met" : "MISSED"}`);
      const line =
        `${c.name}: ${Math.round(appMs)} ms for ${(last.bytes / 1024 / 1024).toFixed(1)} MB, raw read ${Math.round(rawMs)} ms` +
        ` — ${ratio.toFixed(1)}× raw; RSS growth ${last.rssGrowthMb.toFixed(1)} MB${goals.length ? `; ${goals.join(", ")}` : ""}`;
      log(line);
      results.push(line);
    }
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
