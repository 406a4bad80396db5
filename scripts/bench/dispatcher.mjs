#!/usr/bin/env node
/**
 * `npm run bench:dispatcher`: throughput of the outbox dispatcher in its
 * in-process (embedded) mode, against PostgreSQL, compared with bare loops
 * over the same OutboxEvent table.
 *
 *   1. Creates a throwaway database specline_bench_dispatcher_<timestamp>,
 *      migrates it, points DATA_DIR at a temporary folder (emails are
 *      written there as .eml files, the embedded default) and imports the
 *      real dispatcher (`dispatchOnce`, default options: batches of 20).
 *   2. Seeds with SQL two projects: "watched" (members, project watchers,
 *      item watchers, one explicit unwatch, notification preferences) and
 *      "quiet" (the same items, nobody watching, one actor), with issues,
 *      requirements and trace links.
 *   3. Runs, each over N events (BENCH_DISPATCHER_EVENTS, default 5,000),
 *      the outbox emptied in between:
 *        insert+mark      raw pg: INSERT one event, then mark it dispatched
 *        claim+mark       raw pg: the dispatcher's lease SQL (batches of 20,
 *                         FOR UPDATE SKIP LOCKED), then the same per-row mark
 *        dispatcher-noop  dispatchOnce with a handler that does nothing
 *        dispatcher-quiet dispatchOnce, real handlers, events of the quiet project
 *        dispatcher       dispatchOnce, real handlers, events of the watched project
 *      The events of the last three are realistic, mixed types (issue.created,
 *      issue.commented with mentions, requirement.updated, traceLink.suspected,
 *      and non-notifying ones), inserted before the clock starts.
 *   4. Checks exactly-once: no event left undispatched, each dispatched in one
 *      attempt, and the Notification rows, email deliveries and .eml files
 *      equal the counts a model of the notification rules predicts for the
 *      same event sequence.
 *   5. Prints a table, writes bench-results/dispatcher.json, drops the database.
 *
 * Run with tsx (the dispatcher is TypeScript): node --import tsx scripts/bench/dispatcher.mjs
 * Env: BENCH_DISPATCHER_EVENTS (5000), BENCH_PG_ADMIN_URL or PG_ADMIN_URL,
 *      BENCH_RESULTS_DIR (bench-results). Exits 1 when a check fails.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { migrate } from "../run.mjs";
import { UNREACHED_BUDGETS } from "./lib/app.mjs";
import {
  backendCpu,
  backendCpuDelta,
  createDatabase,
  DEFAULT_ADMIN_URL,
  databaseUrl,
  dropDatabase,
  serverVersion,
} from "./lib/db.mjs";
import { cpuTimeMs, runProcess } from "./lib/process.mjs";
import { writeResult } from "./lib/report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const log = (msg) => console.log(`[bench:dispatcher] ${msg}`);

const N = Number(process.env.BENCH_DISPATCHER_EVENTS || 5000);
if (!Number.isInteger(N) || N < 100 || N > 1_000_000) {
  console.error("[bench:dispatcher] BENCH_DISPATCHER_EVENTS must be an integer between 100 and 1000000");
  process.exit(2);
}
const BATCH = 20;
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR || "bench-results");

/* ------------------------------------------------------------------ seed */

/** Deterministic pseudo-random numbers (mulberry32), so every run replays the same events. */
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

const REQUIREMENTS = 300;
const LINKS = 300;

/**
 * Members of each project. Watchers (project subscription) m0–m5: m3 gets
 * no email, m4 muted requirement.updated, m5 is a REPORTER (sees
 * requirements and only the issues they reported). m6–m11 act.
 */
const MEMBERS = [
  { role: "ADMIN", watchesProject: true },
  { role: "MAINTAINER", watchesProject: true },
  { role: "MAINTAINER", watchesProject: true },
  { role: "MAINTAINER", watchesProject: true, pref: { email: false } },
  { role: "MAINTAINER", watchesProject: true, pref: { mutedTypes: ["requirement.updated"] } },
  { role: "REPORTER", watchesProject: true },
  { role: "MAINTAINER" },
  { role: "MAINTAINER" },
  { role: "MAINTAINER" },
  { role: "MAINTAINER" },
  { role: "REPORTER" },
  { role: "REPORTER" },
];
const ACTORS = [5, 6, 7, 8, 9, 10, 11];

async function seedUsers(client, runId) {
  const users = MEMBERS.map((m, i) => ({
    ...m,
    id: `bdu${runId}${i}`,
    email: `member${i}-${runId}@example.com`,
    name: `Member ${i}`,
  }));
  for (const u of users) {
    await client.query(
      `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "createdAt", "updatedAt") VALUES ($1, $2, $3, 'USER', now(), now(), now())`,
      [u.id, u.email, u.name],
    );
    if (u.pref) {
      await client.query(
        `INSERT INTO "NotificationPreference" ("userId", "inApp", email, "mutedTypes", "updatedAt") VALUES ($1, true, $2, $3, now())`,
        [u.id, u.pref.email ?? true, u.pref.mutedTypes ?? []],
      );
    }
  }
  return users;
}

/**
 * One project with its items. `watched` adds the project watchers, a manual
 * watcher on every 10th requirement (m6) and an explicit unwatch (m1 on
 * requirement 5). Issues are seeded up front (their issue.created events
 * come later in the sequence); reporters rotate over `reporters`.
 */
async function seedProject(client, { key, users, watched, issueCount, reporters }) {
  const projectId = `bdp${key.toLowerCase()}`;
  await client.query(
    `INSERT INTO "Project" (id, key, name, "createdAt", "updatedAt") VALUES ($1, $2, $3, now(), now())`,
    [projectId, key, `Dispatcher ${key}`],
  );
  for (const [i, u] of users.entries()) {
    await client.query(
      `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, now(), now())`,
      [`${projectId}m${i}`, projectId, u.id, u.role],
    );
  }
  const requirements = [];
  for (let n = 1; n <= REQUIREMENTS; n++) requirements.push({ id: `${projectId}r${n}`, key: `${key}-${n}`, number: n });
  await client.query(
    `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority, status, tags, position, "createdAt", "updatedAt")
     SELECT $1 || 'r' || n, $1, n, $2 || '-' || n, 3, 'Requirement ' || n,
            'The system shall handle case ' || n || ' within the agreed time.', 'Needed by the customer.',
            'FUNCTIONAL', 'SHOULD', 'APPROVED', ARRAY[]::text[], n, now(), now()
     FROM generate_series(1, $3::int) AS n`,
    [projectId, key, REQUIREMENTS],
  );
  const issues = [];
  for (let n = 1; n <= issueCount; n++)
    issues.push({
      id: `${projectId}i${n}`,
      key: `${key}-I-${n}`,
      reporterId: users[reporters[(n - 1) % reporters.length]].id,
    });
  await client.query(
    `INSERT INTO "Issue" (id, "projectId", number, key, title, description, severity, status, labels, "reporterId", "createdAt", "updatedAt")
     SELECT i.id, $1, i.n, i.key, 'Issue ' || i.n, 'Steps to reproduce case ' || i.n || '.', 'MEDIUM', 'OPEN', ARRAY[]::text[], i.reporter, now(), now()
     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS i(id, key, reporter, n)`,
    [projectId, issues.map((i) => i.id), issues.map((i) => i.key), issues.map((i) => i.reporterId)],
  );
  await client.query(`UPDATE "Project" SET "requirementCounter" = $2, "issueCounter" = $3 WHERE id = $1`, [
    projectId,
    REQUIREMENTS,
    issueCount,
  ]);
  // Links: half from an issue (IMPLEMENTS), half from another requirement (REFINES).
  const links = [];
  for (let n = 1; n <= LINKS; n++) {
    const target = requirements[(n * 7) % REQUIREMENTS];
    const fromIssue = n % 2 === 0 && issues.length > 0;
    const source = fromIssue ? issues[(n * 13) % issues.length] : requirements[(n * 11 + 1) % REQUIREMENTS];
    const link = {
      id: `${projectId}l${n}`,
      source: fromIssue ? { kind: "issue", id: source.id } : { kind: "requirement", id: source.id },
      target,
    };
    if (!fromIssue && source.id === target.id) continue;
    links.push(link);
    await client.query(
      `INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "sourceIssueId", "targetRequirementId", "linkedVersion", suspect, "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, 3, true, now())`,
      [
        link.id,
        projectId,
        fromIssue ? "IMPLEMENTS" : "REFINES",
        fromIssue ? `I:${source.id}` : `R:${source.id}`,
        fromIssue ? null : source.id,
        fromIssue ? source.id : null,
        target.id,
      ],
    );
  }
  const subscriptions = [];
  if (watched) {
    for (const u of users.filter((x) => x.watchesProject))
      subscriptions.push({ userId: u.id, entityType: "project", entityId: projectId, reason: "manual", active: true });
    for (const r of requirements.filter((x) => x.number % 10 === 0))
      subscriptions.push({
        userId: users[6].id,
        entityType: "requirement",
        entityId: r.id,
        reason: "manual",
        active: true,
      });
    subscriptions.push({
      userId: users[1].id,
      entityType: "requirement",
      entityId: requirements[4].id,
      reason: "manual",
      active: false,
    });
    for (const s of subscriptions) {
      await client.query(
        `INSERT INTO "Subscription" (id, "userId", "projectId", "entityType", "entityId", reason, active, "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())`,
        [randomUUID(), s.userId, projectId, s.entityType, s.entityId, s.reason, s.active],
      );
    }
  }
  return { projectId, key, users, requirements, issues, links, subscriptions };
}

/* ---------------------------------------------------------------- events */

/**
 * N realistic outbox rows for one project, in order (createdAt one
 * millisecond apart, so the dispatcher's order is the array's order).
 * About 20 % issue.created, 25 % issue.commented (0–2 mentions in the
 * watched project), 25 % requirement.updated, 15 % traceLink.suspected,
 * 15 % not notifying (baseline.created, project.updated).
 */
function makeEvents(project, { count, actors, mentions, seed, start }) {
  const rnd = prng(seed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const events = [];
  let nextIssue = 0;
  for (let i = 0; i < count; i++) {
    const x = rnd();
    const createdAt = new Date(start + i);
    const base = { id: randomUUID(), projectId: project.projectId, createdAt };
    const requestId = `bench-${i}`;
    if (x < 0.2 && nextIssue < project.issues.length) {
      const issue = project.issues[nextIssue++];
      const actorId = issue.reporterId;
      events.push({
        ...base,
        type: "issue.created",
        actorId,
        subject: { kind: "issue", id: issue.id },
        payload: {
          actorId,
          requestId,
          entityType: "Issue",
          entityId: issue.id,
          projectId: project.projectId,
          before: null,
          after: {
            key: issue.key,
            title: `Issue ${issue.key}`,
            description: "Steps to reproduce: open the page, press save.",
            status: "OPEN",
          },
          key: issue.key,
        },
      });
    } else if (x < 0.45 && nextIssue > 0) {
      const issue = project.issues[Math.floor(rnd() * nextIssue)];
      const actorId = project.users[pick(actors)].id;
      const mentioned = mentions
        ? [...new Set(Array.from({ length: Math.floor(rnd() * 3) }, () => pick(project.users).id))]
        : [];
      events.push({
        ...base,
        type: "issue.commented",
        actorId,
        subject: { kind: "issue", id: issue.id },
        mentions: mentioned,
        payload: {
          actorId,
          requestId,
          entityType: "Comment",
          entityId: randomUUID(),
          projectId: project.projectId,
          before: null,
          after: {
            body: `Looked into this again; ${mentioned.length ? "please check" : "it still happens"} on the staging build.`,
            mentions: mentioned,
          },
          issueKey: issue.key,
          mentions: mentioned,
        },
      });
    } else if (x < 0.7) {
      const r = pick(project.requirements);
      const actorId = project.users[pick(actors)].id;
      events.push({
        ...base,
        type: "requirement.updated",
        actorId,
        subject: { kind: "requirement", id: r.id },
        payload: {
          actorId,
          requestId,
          entityType: "Requirement",
          entityId: r.id,
          projectId: project.projectId,
          before: { version: 3 },
          after: { version: 4, title: `Requirement ${r.number}` },
          version: 4,
        },
      });
    } else if (x < 0.85) {
      const link = pick(project.links);
      const actorId = project.users[pick(actors)].id;
      events.push({
        ...base,
        type: "traceLink.suspected",
        actorId,
        subject: link.source,
        payload: {
          actorId,
          requestId,
          entityType: "TraceLink",
          entityId: link.id,
          projectId: project.projectId,
          before: null,
          after: null,
          requirementKey: link.target.key,
          version: 4,
        },
      });
    } else {
      const type = rnd() < 0.5 ? "baseline.created" : "project.updated";
      const actorId = project.users[pick(actors)].id;
      events.push({
        ...base,
        type,
        actorId,
        subject: null,
        payload: {
          actorId,
          requestId,
          entityType: type === "baseline.created" ? "Baseline" : "Project",
          entityId: randomUUID(),
          projectId: project.projectId,
          before: null,
          after: { name: "R1" },
        },
      });
    }
  }
  return events;
}

/**
 * What the notification rules (server/services/notifications/fan-out.ts)
 * should produce for `events` processed in order: watchers of the item and
 * of the project plus mentioned users, minus the actor and explicit
 * unwatchers, limited to members who may see the item, minus muted types;
 * creators and visible mentioned users start watching the issue.
 */
function expectedDeliveries(project, events) {
  const byId = new Map(project.users.map((u) => [u.id, u]));
  const issueById = new Map(project.issues.map((i) => [i.id, i]));
  const subs = new Map(); // `${kind}:${id}` → Map(userId → active)
  const subsOf = (k) => subs.get(k) ?? subs.set(k, new Map()).get(k);
  for (const s of project.subscriptions) subsOf(`${s.entityType}:${s.entityId}`).set(s.userId, s.active);
  const watch = (k, userId) => {
    const m = subsOf(k);
    if (!m.has(userId)) m.set(userId, true);
  };
  const canSee = (subject, user) => {
    if (subject.kind === "requirement" || user.role !== "REPORTER") return true;
    return issueById.get(subject.id)?.reporterId === user.id;
  };
  let notifications = 0;
  let emails = 0;
  for (const e of events) {
    if (!e.subject) continue;
    const itemKey = `${e.subject.kind}:${e.subject.id}`;
    if (e.type === "issue.created") watch(itemKey, e.actorId);
    const mentioned = new Set(e.type === "issue.commented" ? e.mentions : []);
    if (e.type === "issue.commented")
      for (const id of mentioned) if (canSee(e.subject, byId.get(id))) watch(itemKey, id);
    const item = subsOf(itemKey);
    const unwatched = new Set([...item].filter(([, active]) => !active).map(([id]) => id));
    const watchers = [...item, ...subsOf(`project:${project.projectId}`)]
      .filter(([id, active]) => active && !unwatched.has(id))
      .map(([id]) => id);
    for (const id of new Set([...watchers, ...mentioned])) {
      if (id === e.actorId) continue;
      const user = byId.get(id);
      if (!canSee(e.subject, user)) continue;
      const type = mentioned.has(id) ? "mention" : e.type;
      if (user.pref?.mutedTypes?.includes(type)) continue;
      notifications++;
      if (user.pref?.email !== false) emails++;
    }
  }
  return { notifications, emails };
}

async function insertEvents(client, events) {
  for (let i = 0; i < events.length; i += 1000) {
    const chunk = events.slice(i, i + 1000);
    await client.query(
      `INSERT INTO "OutboxEvent" (id, type, payload, "projectId", "createdAt", "availableAt")
       SELECT id::uuid, type, payload::jsonb, "projectId", "createdAt", "createdAt"
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[]) AS e(id, type, payload, "projectId", "createdAt")`,
      [
        chunk.map((e) => e.id),
        chunk.map((e) => e.type),
        chunk.map((e) => JSON.stringify(e.payload)),
        chunk.map((e) => e.projectId),
        chunk.map((e) => e.createdAt),
      ],
    );
  }
}

/* ---------------------------------------------------------------- timing */

async function timed(label, sampler, fn) {
  const cpu0 = process.cpuUsage();
  const db0 = await backendCpu(sampler, cpuTimeMs);
  const t0 = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const db1 = await backendCpu(sampler, cpuTimeMs);
  const dbMs = backendCpuDelta(db0, db1);
  const events = out.events;
  const row = {
    run: label,
    events,
    seconds: Math.round(ms) / 1000,
    eventsPerSecond: Math.round((events / ms) * 1000 * 10) / 10,
    nodeCpuMsPerEvent: Math.round(((cpu.user + cpu.system) / 1000 / events) * 100) / 100,
    dbCpuMsPerEvent: dbMs === null ? null : Math.round((dbMs / events) * 100) / 100,
    ...out.extra,
  };
  log(
    `${label}: ${events} events in ${row.seconds}s = ${row.eventsPerSecond} events/s (node ${row.nodeCpuMsPerEvent} ms, db ${row.dbCpuMsPerEvent ?? "?"} ms CPU per event)`,
  );
  return row;
}

/** The dispatcher's lease SQL (server/jobs/dispatcher.ts claimBatch), through plain pg. */
const CLAIM_SQL = `
  UPDATE "OutboxEvent" SET "leaseUntil" = $1
  WHERE id IN (
    SELECT id FROM "OutboxEvent"
    WHERE "dispatchedAt" IS NULL AND "failedAt" IS NULL AND "availableAt" <= $2
      AND ("leaseUntil" IS NULL OR "leaseUntil" < $2)
    ORDER BY "createdAt", id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
  )
  RETURNING id, type, payload, "projectId", "createdAt", attempts`;
/** The dispatcher's markDispatched, through plain pg. */
const MARK_SQL = `UPDATE "OutboxEvent" SET "dispatchedAt" = now(), "leaseUntil" = NULL, "lastError" = NULL, attempts = attempts + 1 WHERE id = $1 AND "dispatchedAt" IS NULL`;

/** Drains the outbox with the real dispatchOnce; returns per-tick progress for the throughput curve. */
async function drain(dispatchOnce, overrides) {
  let total = 0;
  let failed = 0;
  const progress = [];
  const t0 = Date.now();
  for (;;) {
    const tick = await dispatchOnce({ batchSize: BATCH, ...overrides });
    if (tick.claimed === 0) break;
    total += tick.dispatched;
    failed += tick.failed;
    progress.push([total, Date.now() - t0]);
  }
  return { total, failed, progress };
}

/** Events per second over the first and the last fifth of a drain (does the rate hold as data grows?). */
function segments(progress, total) {
  const at = (n) => progress.find(([count]) => count >= n) ?? progress[progress.length - 1];
  const fifth = Math.floor(total / 5);
  const [n1, t1] = at(fifth);
  const [n4, t4] = at(total - fifth);
  const [nEnd, tEnd] = progress[progress.length - 1];
  return {
    firstFifthPerSecond: Math.round((n1 / t1) * 1000 * 10) / 10,
    lastFifthPerSecond: Math.round(((nEnd - n4) / (tEnd - t4)) * 1000 * 10) / 10,
  };
}

/* ------------------------------------------------------------------ main */

async function main() {
  const startedAt = new Date();
  // Other work on the machine skews the figures; recorded to judge a run.
  const loadAverageBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const runId = randomBytes(3).toString("hex");
  const name = `specline_bench_dispatcher_${startedAt.toISOString().replace(/\D/g, "").slice(0, 14)}_${runId}`;
  const cleanups = [];
  const cleanUp = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((err) => console.error(`[bench:dispatcher] cleanup: ${err.message}`));
  };
  try {
    await createDatabase(adminUrl, name);
    cleanups.push(async () => {
      await dropDatabase(adminUrl, name);
      log(`dropped database ${name}`);
    });
    const dbUrl = databaseUrl(adminUrl, name);
    log(`created database ${name}; migrating`);
    await migrate(dbUrl);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "specline-bench-dispatcher-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    // The embedded mode: no Inngest, no SMTP (mail goes to DATA_DIR/mail), no Redis.
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
      DATABASE_URL: dbUrl,
      DATA_DIR: dataDir,
      APP_URL: "https://specline.example.com",
      NODE_ENV: "production",
      // Mention emails spend their author's hourly `create` budget; the bench's few authors would spend it at once.
      RATE_LIMITS: "on",
      ...UNREACHED_BUDGETS,
    });
    const { dispatchOnce } = await import("../../server/jobs/dispatcher.ts");
    const { db } = await import("../../server/db.ts");
    cleanups.push(() => db.$disconnect());

    const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
    cleanups.push(() => pool.end());
    const sampler = new pg.Client({ connectionString: dbUrl });
    await sampler.connect();
    cleanups.push(() => sampler.end());

    // Seed.
    const issueCount = Math.ceil(N * 0.22);
    const client = await pool.connect();
    let watched;
    let quiet;
    try {
      await client.query("BEGIN");
      const users = await seedUsers(client, runId);
      watched = await seedProject(client, { key: "DSPW", users, watched: true, issueCount, reporters: ACTORS });
      quiet = await seedProject(client, { key: "DSPQ", users, watched: false, issueCount, reporters: [6] });
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK");
      throw err;
    } finally {
      client.release();
    }
    const start = Date.UTC(2026, 0, 1);
    const watchedEvents = makeEvents(watched, { count: N, actors: ACTORS, mentions: true, seed: 42, start });
    const quietEvents = makeEvents(quiet, { count: N, actors: [6], mentions: false, seed: 43, start });
    const expected = expectedDeliveries(watched, watchedEvents);
    const expectedQuiet = expectedDeliveries(quiet, quietEvents);
    const mix = {};
    for (const e of watchedEvents) mix[e.type] = (mix[e.type] ?? 0) + 1;
    const mentionCount = watchedEvents.reduce((n, e) => n + (e.mentions?.length ?? 0), 0);
    log(
      `seeded 2 projects × (${MEMBERS.length} members, ${REQUIREMENTS} requirements, ${issueCount} issues, ${watched.links.length} links); watched: ${watched.subscriptions.length} subscriptions`,
    );
    log(
      `event mix ${JSON.stringify(mix)}, ${mentionCount} mentions; expected ${expected.notifications} notifications and ${expected.emails} emails (quiet project: ${expectedQuiet.notifications})`,
    );

    const problems = [];
    const resetOutbox = async () => {
      await pool.query(`DELETE FROM "OutboxEvent"`);
      await pool.query(`VACUUM ANALYZE "OutboxEvent"`);
    };
    const checkOutbox = async (label) => {
      const { rows } = await pool.query(
        `SELECT count(*) FILTER (WHERE "dispatchedAt" IS NULL)::int AS pending, count(*) FILTER (WHERE attempts <> 1)::int AS retried, count(*)::int AS total FROM "OutboxEvent"`,
      );
      const r = rows[0];
      if (r.total !== N || r.pending !== 0 || r.retried !== 0)
        problems.push(
          `${label}: ${r.total} rows, ${r.pending} undispatched, ${r.retried} not dispatched in exactly one attempt`,
        );
      return r;
    };
    const rows = [];

    // 1. insert+mark: the floor — one INSERT and one UPDATE per event, plain pg.
    await resetOutbox();
    rows.push(
      await timed("insert+mark (pg)", sampler, async () => {
        const c = await pool.connect();
        try {
          for (let i = 0; i < N; i++) {
            const e = watchedEvents[i];
            const { rows: ins } = await c.query(
              `INSERT INTO "OutboxEvent" (id, type, payload, "projectId") VALUES ($1, $2, $3, $4) RETURNING id`,
              [randomUUID(), e.type, JSON.stringify(e.payload), e.projectId],
            );
            await c.query(MARK_SQL, [ins[0].id]);
          }
        } finally {
          c.release();
        }
        return { events: N };
      }),
    );
    await checkOutbox("insert+mark");

    // 2. claim+mark: the dispatcher's lease SQL and per-row mark, plain pg, no handlers.
    await resetOutbox();
    await insertEvents(pool, watchedEvents);
    rows.push(
      await timed("claim+mark (pg)", sampler, async () => {
        const c = await pool.connect();
        let done = 0;
        try {
          for (;;) {
            const now = new Date();
            const { rows: claimed } = await c.query(CLAIM_SQL, [new Date(now.getTime() + 120_000), now, BATCH]);
            if (claimed.length === 0) break;
            for (const r of claimed) {
              await c.query(MARK_SQL, [r.id]);
              done++;
            }
          }
        } finally {
          c.release();
        }
        return { events: done };
      }),
    );
    await checkOutbox("claim+mark");

    // 3. The real dispatcher with a handler that does nothing: claim and mark through Prisma.
    await resetOutbox();
    await insertEvents(pool, watchedEvents);
    rows.push(
      await timed("dispatcher, no-op handler", sampler, async () => {
        const d = await drain(dispatchOnce, { handle: async () => undefined });
        return { events: d.total, extra: { failed: d.failed } };
      }),
    );
    await checkOutbox("dispatcher, no-op handler");

    const counts = async () => {
      const { rows: r } = await pool.query(
        `SELECT (SELECT count(*) FROM "Notification")::int AS notifications,
                (SELECT count(*) FROM "ChannelDelivery" WHERE channel = 'EMAIL' AND status = 'SENT')::int AS emails,
                (SELECT count(*) FROM "ChannelDelivery" WHERE status <> 'SENT')::int AS unsent`,
      );
      const files = (await readdir(path.join(dataDir, "mail")).catch(() => [])).filter((f) =>
        f.endsWith(".eml"),
      ).length;
      return { ...r[0], files };
    };

    // 4. Real handlers, the quiet project (nobody to notify): claim + watch/recipient look-ups only.
    await resetOutbox();
    await insertEvents(pool, quietEvents);
    const before4 = await counts();
    rows.push(
      await timed("dispatcher, no watchers", sampler, async () => {
        const d = await drain(dispatchOnce, {});
        const after = await counts();
        return {
          events: d.total,
          extra: {
            failed: d.failed,
            notifications: after.notifications - before4.notifications,
            emails: after.files - before4.files,
            ...segments(d.progress, d.total),
          },
        };
      }),
    );
    await checkOutbox("dispatcher, no watchers");
    const quietRow = rows[rows.length - 1];
    if (quietRow.notifications !== expectedQuiet.notifications || quietRow.emails !== expectedQuiet.emails) {
      problems.push(
        `no watchers: ${quietRow.notifications} notifications / ${quietRow.emails} emails, expected ${expectedQuiet.notifications} / ${expectedQuiet.emails}`,
      );
    }

    // 5. Real handlers, the watched project: subscriptions, in-app notifications, one email per recipient.
    await resetOutbox();
    await insertEvents(pool, watchedEvents);
    const before5 = await counts();
    rows.push(
      await timed("dispatcher, watched project", sampler, async () => {
        const d = await drain(dispatchOnce, {});
        const after = await counts();
        return {
          events: d.total,
          extra: {
            failed: d.failed,
            notifications: after.notifications - before5.notifications,
            emails: after.files - before5.files,
            emailDeliveries: after.emails - before5.emails,
            unsentDeliveries: after.unsent,
            ...segments(d.progress, d.total),
          },
        };
      }),
    );
    await checkOutbox("dispatcher, watched project");
    const watchedRow = rows[rows.length - 1];
    if (watchedRow.notifications !== expected.notifications)
      problems.push(`watched: ${watchedRow.notifications} notifications written, expected ${expected.notifications}`);
    if (watchedRow.emails !== expected.emails || watchedRow.emailDeliveries !== expected.emails) {
      problems.push(
        `watched: ${watchedRow.emails} .eml files and ${watchedRow.emailDeliveries} sent email deliveries, expected ${expected.emails}`,
      );
    }
    if (watchedRow.unsentDeliveries)
      problems.push(`watched: ${watchedRow.unsentDeliveries} channel deliveries not SENT`);
    const { rows: subRows } = await pool.query(`SELECT count(*)::int AS n FROM "Subscription" WHERE "projectId" = $1`, [
      watched.projectId,
    ]);

    const floor = rows[0].eventsPerSecond;
    const claimMark = rows[1].eventsPerSecond;
    const ratios = rows.map((r) => ({
      run: r.run,
      vsInsertMark: Math.round((r.eventsPerSecond / floor) * 1000) / 1000,
      vsClaimMark: Math.round((r.eventsPerSecond / claimMark) * 1000) / 1000,
    }));

    const rev = await runProcess("git", ["rev-parse", "--short", "HEAD"], {
      cwd: root,
      env: process.env,
      name: "git",
    }).catch(() => null);
    const result = {
      scenario: "dispatcher",
      title: "Outbox dispatcher throughput (in-process handlers)",
      date: startedAt.toISOString(),
      command: "node --import tsx scripts/bench/dispatcher.mjs",
      settings: { events: N, batchSize: BATCH },
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        loadAverageBefore,
        loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
        node: process.version,
        postgres: await serverVersion(dbUrl).catch(() => null),
        commit: rev?.code === 0 ? rev.output.trim() : null,
      },
      seed: {
        members: MEMBERS.length,
        requirements: REQUIREMENTS,
        issues: issueCount,
        links: watched.links.length,
        mix,
        mentions: mentionCount,
        subscriptionsAfter: subRows[0].n,
      },
      expected,
      runs: rows,
      ratios,
      ok: problems.length === 0,
      problems,
    };

    console.log("");
    console.log("| run | events | s | events/s | node cpu ms/event | db cpu ms/event | notifications | emails |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const r of rows) {
      console.log(
        `| ${r.run} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond} | ${r.nodeCpuMsPerEvent} | ${r.dbCpuMsPerEvent ?? ""} | ${r.notifications ?? ""} | ${r.emails ?? ""} |`,
      );
    }
    console.log("");
    console.log("| run | ÷ insert+mark | ÷ claim+mark |");
    console.log("| --- | --- | --- |");
    for (const r of ratios) console.log(`| ${r.run} | ${r.vsInsertMark} | ${r.vsClaimMark} |`);
    for (const r of rows.filter((x) => x.firstFifthPerSecond))
      log(`${r.run}: first fifth ${r.firstFifthPerSecond} events/s, last fifth ${r.lastFifthPerSecond} events/s`);
    log(`wrote ${path.relative(root, writeResult(resultsDir, result))}`);
    if (problems.length) for (const p of problems) console.error(`[bench:dispatcher] CHECK FAILED: ${p}`);
    else
      log(
        `exactly once: ${expected.notifications} notifications and ${expected.emails} emails as expected; every event dispatched in one attempt`,
      );
    return problems.length === 0;
  } finally {
    await cleanUp();
  }
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`[bench:dispatcher] FAILED: ${err.stack ?? err.message}`);
}
process.exit(ok ? 0 : 1);
