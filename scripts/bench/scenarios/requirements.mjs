/**
 * Scenario "requirements": one project with 10,000 live requirements (plus
 * 300 deprecated ones) of 10 versions each, in a tree of 400 parents, and
 * one requirement with 1,000 versions. All seeded with set-based SQL
 * (generate_series, temp tables), one transaction.
 *
 * Load-tested (autocannon, like foundation), app vs one raw SQL query:
 *   requirement.list           status APPROVED + type FUNCTIONAL, by key, page of 50
 *   requirement.list-tag       tag "security", by key, page of 50
 *   requirement.list-updated   status APPROVED + type FUNCTIONAL, most recently updated first
 * Timed one-shot operations (lib/oneshot.mjs), app vs raw SQL doing the same work:
 *   baseline.create            freezes the 10,000 live requirements
 *   baseline.compare           baseline A → baseline B with 1,000 requirements changed in between
 *   requirement.history        first page (50) of the requirement with 1,000 versions
 *   requirement.diff           v1 → v1000 of that requirement
 */
import { randomBytes } from "node:crypto";

const LIVE = 10_000;
const DEPRECATED = 300;
const TOTAL = LIVE + DEPRECATED;
const VERSIONS = 10;
const DEEP_VERSIONS = 1_000;
const ROOTS = 40;
const MIDS = 360; // second-level parents: 400 parents in all
const CHANGED = 1_000;
const PAGE = 50;
const LIST_FILTER = { status: ["APPROVED"], type: ["FUNCTIONAL"] };
const LIST_TAG = "security";

/* -------------------------------------------------------------- text pools */

const ACTIONS = [
  "Export",
  "Import",
  "Validate",
  "Archive",
  "Notify owners of",
  "Approve",
  "Reject",
  "Search",
  "Filter",
  "Audit",
  "Encrypt",
  "Synchronise",
  "Schedule",
  "Assign",
  "Escalate",
  "Report on",
  "Lock",
  "Restore",
  "Tag",
  "Link",
];
const OBJECTS = [
  "invoices",
  "purchase orders",
  "user accounts",
  "audit logs",
  "sensor readings",
  "test results",
  "change requests",
  "customer records",
  "payment batches",
  "shipment manifests",
  "maintenance tickets",
  "firmware images",
  "access tokens",
  "requirement baselines",
  "safety incidents",
  "supplier contracts",
];
const QUALIFIERS = [
  "in bulk",
  "on a schedule",
  "per project",
  "for external auditors",
  "within the retention window",
  "across regions",
  "on mobile devices",
  "through the public API",
  "after approval",
  "during maintenance windows",
];
const TRIGGERS = [
  "a user with the Maintainer role requests it",
  "the nightly batch job runs",
  "an upstream system publishes a change",
  "the record reaches the Approved state",
  "a threshold configured by an administrator is exceeded",
  "the customer confirms the order in the portal",
  "a field technician uploads a report",
  "the retention period of the record ends",
];
const CONSTRAINTS = [
  "Every change shall be recorded in the audit trail with the acting user, the time and the previous value.",
  "The operation shall be idempotent: repeating a request with the same identifier shall not create duplicates.",
  "Only members of the owning project shall see the result; other users shall receive a not-found response.",
  "Data in transit shall be protected with TLS 1.2 or later and data at rest with AES-256 encryption.",
  "Partial failures shall be reported per item, and items that succeeded shall not be rolled back.",
  "The feature shall be usable with a keyboard alone and shall meet WCAG 2.1 level AA.",
  "Personal data shall be pseudonymised before it leaves the production environment.",
  "The result shall be available in English, German and French, using the user's locale for dates.",
  "A failed attempt shall be retried three times with exponential back-off before an operator is alerted.",
  "The operation shall not block other users working in the same project.",
  "Amounts shall be stored as integers in the smallest currency unit and never as floating point.",
  "All timestamps shall be stored in UTC and displayed in the time zone of the viewer.",
];
const ACCEPTANCE = [
  "Acceptance: verified by an automated integration test in the release pipeline.",
  "Acceptance: demonstrated to the product owner during the sprint review.",
  "Acceptance: confirmed by the load test report attached to the release.",
  "Acceptance: checked by the security team during the quarterly review.",
  "Acceptance: covered by an end-to-end test running against the staging system.",
  "Acceptance: signed off by the customer's quality manager.",
  "Acceptance: traced to test case TC-" + "{n} in the verification plan.",
  "Acceptance: reviewed by two maintainers before the baseline is frozen.",
];
const RATIONALES = [
  "Requested by the compliance team after the last external audit found gaps in traceability.",
  "Customers asked for this in the annual survey; it removes a manual step from their month-end routine.",
  "Needed to meet the contractual service levels agreed with the largest customers.",
  "Reduces support tickets: a third of last quarter's tickets were about this workflow.",
  "Required by the regulator's guidance on record keeping for safety-relevant systems.",
  "Prerequisite for the partner integration planned for the next release.",
  "Lowers operating cost by replacing a nightly manual export.",
  "Keeps the product consistent with the behaviour users know from the web interface.",
];
const TAGS = [
  "security",
  "performance",
  "usability",
  "compliance",
  "gdpr",
  "audit",
  "api",
  "mobile",
  "reporting",
  "billing",
  "integration",
  "accessibility",
  "availability",
  "release:2.0",
  "release:2.1",
  "customer:acme",
  "safety",
  "localisation",
  "data-retention",
  "onboarding",
];
// Workflow order; a requirement's versions walk along it towards its final status.
const PATH = ["DRAFT", "IN_REVIEW", "APPROVED", "IMPLEMENTED", "VERIFIED"];

function randomLetters(count) {
  return [...randomBytes(count)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
}

/* ---------------------------------------------------------------- seed SQL */

// h(n, salt): a stable non-negative pseudo-random integer per requirement.
const h = (expr, salt) => `(hashtext((${expr})::text || ':${salt}')::bigint & 2147483647)`;

/**
 * One row per requirement: tree position, final status/type/priority, tags,
 * timestamps and number of versions. $1 the tag pool (text[]), $2 the base
 * time (ISO, UTC), $3 the number of the requirement with 1,000 versions.
 * Numbers 1–40 are roots, 41–400 their children (9 each), 401+ leaves under
 * the 360 second-level parents (about 27 each). Exactly 300 requirements are
 * DEPRECATED (n ≡ 17 mod 34 for n ≤ 10,200).
 */
const SEED_REQ_SQL = `
  CREATE TEMP TABLE seed_req ON COMMIT DROP AS
  SELECT n,
         CASE WHEN n <= ${ROOTS} THEN NULL
              WHEN n <= ${ROOTS + MIDS} THEN 1 + (n - ${ROOTS + 1}) % ${ROOTS}
              ELSE ${ROOTS + 1} + (n - ${ROOTS + MIDS + 1}) % ${MIDS} END AS parent_n,
         CASE WHEN n <= ${ROOTS} THEN n
              WHEN n <= ${ROOTS + MIDS} THEN 1 + (n - ${ROOTS + 1}) / ${ROOTS}
              ELSE 1 + (n - ${ROOTS + MIDS + 1}) / ${MIDS} END::float8 AS position,
         CASE WHEN n % 34 = 17 AND n <= 10200 THEN 'DEPRECATED'
              WHEN n = $3::int THEN 'APPROVED'
              ELSE (ARRAY['DRAFT','IN_REVIEW','IN_REVIEW','APPROVED','APPROVED','APPROVED','IMPLEMENTED','IMPLEMENTED','VERIFIED','VERIFIED'])[1 + ${h("n", "status")} % 10] END AS status,
         -- the status a DEPRECATED requirement had before: an index into PATH
         CASE WHEN n % 34 = 17 AND n <= 10200 THEN ${h("n", "prev")} % 5 END AS prev_idx,
         (ARRAY['FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','NON_FUNCTIONAL','NON_FUNCTIONAL','NON_FUNCTIONAL','CONSTRAINT','INTERFACE'])[1 + ${h("n", "type")} % 10] AS type,
         (ARRAY['MUST','MUST','MUST','SHOULD','SHOULD','SHOULD','SHOULD','COULD','COULD','WONT'])[1 + ${h("n", "priority")} % 10] AS priority,
         ARRAY(SELECT DISTINCT ($1::text[])[1 + ${h("n || ':' || k", "tag")} % cardinality($1::text[])]
               FROM generate_series(1, ${h("n", "ntags")} % 4) k ORDER BY 1) AS tags,
         ($2::timestamptz AT TIME ZONE 'UTC') + n * interval '30 minutes' AS created_at,
         CASE WHEN n = $3::int THEN ${DEEP_VERSIONS} ELSE ${VERSIONS} END AS versions
  FROM generate_series(1, ${TOTAL}) n`;

/**
 * One row per version. $1 actions, $2 objects, $3 qualifiers, $4 triggers,
 * $5 constraints, $6 acceptance, $7 rationales (text[]), $8 the two author
 * ids. The statement is four sentences (≈ 350–450 characters); the last two
 * change from version to version, the status walks along the workflow.
 */
const pick = (pool, hash) => `p.${pool}[1 + ${hash} % cardinality(p.${pool})]`;
const SEED_VER_SQL = `
  CREATE TEMP TABLE seed_ver ON COMMIT DROP AS
  WITH p AS (
    SELECT $1::text[] AS act, $2::text[] AS obj, $3::text[] AS qual, $4::text[] AS trig,
           $5::text[] AS cons, $6::text[] AS acc, $7::text[] AS rat, $8::text[] AS authors,
           ARRAY['${PATH.join("','")}'] AS path
  ), v AS (
    SELECT r.n, r.versions, v,
           CASE WHEN v = r.versions THEN r.status
                ELSE p.path[1 + least(coalesce(r.prev_idx, array_position(p.path, r.status) - 1),
                                      ((v - 1) * (coalesce(r.prev_idx, array_position(p.path, r.status) - 1) + 1)) / r.versions)]
           END AS status,
           r.created_at + (v - 1) * CASE WHEN r.versions > ${VERSIONS} THEN interval '1 hour' ELSE interval '1 day' END
                        + (${h("r.n", "minute")} % 600) * interval '1 second' * (v > 1)::int AS created_at
    FROM seed_req r CROSS JOIN p, generate_series(1, r.versions) v
  )
  SELECT n, v AS version, status,
         CASE WHEN v = 1 THEN 'created'
              WHEN status IS DISTINCT FROM lag(status) OVER (PARTITION BY n ORDER BY v) THEN 'transitioned'
              ELSE 'updated' END AS change_kind,
         created_at,
         p.authors[1 + (n + v) % 2] AS author_id,
         ${pick("act", h("n", "act"))} || ' ' || ${pick("obj", h("n", "obj"))} || ' ' || ${pick("qual", h("n", "qual"))} AS title,
         'The system shall ' || lower(${pick("act", h("n", "act"))}) || ' ' || ${pick("obj", h("n", "obj"))} || ' '
           || ${pick("qual", h("n", "qual"))} || ' when ' || ${pick("trig", h("n", "trig"))} || '. '
           || ${pick("cons", h("n", "cons"))} || ' '
           || 'Under a load of ' || (50 + ${h("n || ':' || v", "users")} % 20 * 50) || ' concurrent users, the '
           || (ARRAY['90th','95th','99th'])[1 + ${h("n || ':' || v", "pct")} % 3] || ' percentile response time shall not exceed '
           || (100 + ${h("n || ':' || v", "ms")} % 19 * 50) || ' ms. '
           || replace(${pick("acc", h("n || ':' || v", "acc"))}, '{n}', (n * 10 + v)::text) AS statement,
         ${pick("rat", h("n", "rat"))} AS rationale
  FROM v CROSS JOIN p`;

/** Fields of a Requirement that must mirror its latest RequirementVersion. */
const MIRROR_MISMATCH_SQL = `
  SELECT count(*)::int AS bad
  FROM "Requirement" r
  LEFT JOIN LATERAL (
    SELECT * FROM "RequirementVersion" v WHERE v."requirementId" = r.id ORDER BY v.version DESC LIMIT 1
  ) v ON true
  WHERE r."projectId" = $1
    AND (v.id IS NULL OR r.version <> v.version OR r.title <> v.title OR r.statement <> v.statement
         OR r.rationale <> v.rationale OR r.type <> v.type OR r.priority <> v.priority OR r.status <> v.status
         OR r.tags <> v.tags OR r.attributes <> v.attributes OR r."parentId" IS DISTINCT FROM v."parentId"
         OR r.position <> v.position
         OR (SELECT count(*) FROM "RequirementVersion" c WHERE c."requirementId" = r.id) <> r.version)`;

/** Checks the invariants the app relies on; throws when one does not hold. */
async function checkInvariants(db, projectId) {
  const { rows } = await db.query(
    `SELECT p."requirementCounter" AS counter, (SELECT max(number) FROM "Requirement" WHERE "projectId" = p.id) AS max,
            (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = p.id AND key <> p.key || '-' || number) AS bad_keys
     FROM "Project" p WHERE p.id = $1`,
    [projectId],
  );
  const { counter, max, bad_keys: badKeys } = rows[0];
  if (counter !== max) throw new Error(`requirementCounter ${counter} ≠ highest number ${max}`);
  if (badKeys) throw new Error(`${badKeys} requirement keys do not match <PROJECTKEY>-<number>`);
  const mismatch = (await db.query(MIRROR_MISMATCH_SQL, [projectId])).rows[0].bad;
  if (mismatch) throw new Error(`${mismatch} requirements do not mirror their latest version`);
}

/* ------------------------------------------------------- baseline queries */

/** Mirrors listRequirements (server/services/requirements/read-requirements.ts) in one statement. */
function listSql(sort) {
  const order = sort === "updated" ? `r."updatedAt" DESC, r.id DESC` : `r.number ASC`;
  return `
    SELECT r.id, r.number, r.key, r.version, r.title, r.type, r.priority, r.status, r.tags, r.position,
           r."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
           p.key AS "parentKey",
           (SELECT count(*) FROM "Requirement" c WHERE c."projectId" = r."projectId" AND c."parentId" = r.id)::int AS "childCount"
    FROM "Requirement" r
    LEFT JOIN "Requirement" p ON p.id = r."parentId"
    WHERE r."projectId" = $1
      AND ($2::"RequirementStatus"[] IS NULL OR r.status = ANY($2))
      AND ($3::"RequirementType"[] IS NULL OR r.type = ANY($3))
      AND ($4::text IS NULL OR r.tags @> ARRAY[$4::text])
    ORDER BY ${order}
    LIMIT $5`;
}

const cursor = (parts) => Buffer.from(JSON.stringify(parts)).toString("base64url");

async function baselineList(pool, state, { sort = "key", status = null, type = null, tag = null }) {
  const { rows } = await pool.query(listSql(sort), [state.projectId, status, type, tag, PAGE + 1]);
  const hasMore = rows.length > PAGE;
  const items = hasMore ? rows.slice(0, PAGE) : rows;
  const last = items[items.length - 1];
  const nextCursor = !hasMore
    ? null
    : sort === "updated"
      ? cursor([last.updatedAt.toISOString(), last.id])
      : cursor([last.number]);
  return { items, nextCursor };
}

/** frozenRequirements (server/services/baselines/baselines.ts) for a baseline id. */
const FROZEN_SQL = `
  SELECT r.id AS "requirementId", r.key, r.number, v.version, v.id AS "versionId",
         v.title, v.statement, v.rationale, v.type::text AS type, v.priority::text AS priority,
         v.status::text AS status, v.tags, v.attributes, v."parentId", v.position, p.key AS "parentKey"
  FROM "BaselineItem" i
  JOIN "RequirementVersion" v ON v.id = i."versionId"
  JOIN "Requirement" r ON r.id = i."requirementId"
  LEFT JOIN "Requirement" p ON p.id = v."parentId"
  WHERE i."baselineId" = $1
  ORDER BY r.number`;

const HISTORY_SQL = `
  SELECT v.version, v.title, v.status, v.type, v.priority, v.tags, v."changeKind", v."changeNote",
         v."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
         CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS author
  FROM "RequirementVersion" v
  LEFT JOIN "User" u ON u.id = v."authorId"
  -- a scalar subquery, so the planner walks the (requirementId, version) index backwards
  WHERE v."requirementId" = (SELECT id FROM "Requirement" WHERE key = $1 AND "projectId" = $2)
  ORDER BY v.version DESC
  LIMIT $3`;

const DIFF_SQL = `
  SELECT v.*, v."createdAt" AT TIME ZONE 'UTC' AS "createdAt", p.key AS "parentKey",
         CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name) END AS author
  FROM "Requirement" r
  JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = ANY($3::int[])
  LEFT JOIN "Requirement" p ON p.id = v."parentId"
  LEFT JOIN "User" u ON u.id = v."authorId"
  WHERE r.key = $1 AND r."projectId" = $2`;

/** createBaseline's database work: name check, count, Baseline row, INSERT … SELECT of the items. */
async function rawCreateBaseline(pool, state, name) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    const taken = await client.query(`SELECT id FROM "Baseline" WHERE "projectId" = $1 AND name = $2`, [
      state.projectId,
      name,
    ]);
    if (taken.rowCount) throw new Error(`baseline ${name} exists`);
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM "Requirement" WHERE "projectId" = $1 AND status <> 'DEPRECATED'`,
      [state.projectId],
    );
    const id = `bench_raw_${randomBytes(8).toString("hex")}`;
    await client.query(
      `INSERT INTO "Baseline" (id, "projectId", name, note, "requirementCount", "authorId", "createdAt")
       VALUES ($1, $2, $3, '', $4, $5, now())`,
      [id, state.projectId, name, rows[0].n, state.benchUserId],
    );
    const items = await client.query(
      `INSERT INTO "BaselineItem" ("baselineId", "requirementId", "versionId")
       SELECT $1, r.id, v.id
       FROM "Requirement" r
       JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = r.version
       WHERE r."projectId" = $2 AND r.status <> 'DEPRECATED'`,
      [id, state.projectId],
    );
    await client.query("COMMIT");
    return { id, name, requirementCount: rows[0].n, items: items.rowCount };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Writes a new version for CHANGED live requirements (not the 1,000-version
 * one): one sentence of the statement is reworded and one appended; the
 * Requirement row follows, so the mirror invariant holds.
 */
async function changeRequirements(pool, state, runId) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rowCount } = await client.query(
      `WITH chosen AS (
         SELECT r.*,
                regexp_replace(r.statement, 'shall not exceed \\d+ ms', 'shall not exceed ' || (80 + r.number % 7 * 10) || ' ms')
                  || ' Measured on the reference hardware described in the test plan, with caches cold.' AS new_statement,
                now() AT TIME ZONE 'UTC' AS at
         FROM "Requirement" r
         WHERE r."projectId" = $1 AND r.status <> 'DEPRECATED' AND r.id <> $2
         ORDER BY hashtext(r.id || $3)
         LIMIT ${CHANGED}
       ), versions AS (
         INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale, type,
           priority, status, tags, attributes, "parentId", position, "changeKind", "changeNote", "authorId", "createdAt")
         SELECT 'bench_' || $3 || '_c' || c.number, c.id, c."projectId", c.version + 1, c.title, c.new_statement, c.rationale,
                c.type, c.priority, c.status, c.tags, c.attributes, c."parentId", c.position, 'updated',
                'Tightened the response-time limit after the load test review', $4, c.at
         FROM chosen c
       )
       UPDATE "Requirement" r
       SET version = c.version + 1, statement = c.new_statement, "updatedAt" = c.at
       FROM chosen c
       WHERE r.id = c.id`,
      [state.projectId, state.deepId, runId, state.benchUserId],
    );
    await client.query("COMMIT");
    return rowCount;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/* ---------------------------------------------------------------- scenario */

const summary = (page) =>
  (page?.items ?? []).map((r) => `${r.key}:v${r.version}:${r.status}:${r.parentKey}:${r.childCount}`).join(",");

function checkList(app, baseline, { expectFull = true } = {}) {
  if (!Array.isArray(app?.items) || (expectFull && (app.items.length !== PAGE || !app.nextCursor))) {
    return `requirement.list should return ${PAGE} items and a cursor, got ${JSON.stringify(app).slice(0, 300)}`;
  }
  if (summary(app) !== summary(baseline) || app.nextCursor !== baseline.nextCursor) {
    return `baseline page differs from the app's:\n  app:      ${summary(app).slice(0, 300)} ${app.nextCursor}\n  baseline: ${summary(baseline).slice(0, 300)} ${baseline.nextCursor}`;
  }
  if (!app.items.some((r) => r.childCount > 0) && !app.items.some((r) => r.parentKey))
    return "page has no tree information";
  return null;
}

export default {
  name: "requirements",
  title: `requirements and baselines: ${LIVE.toLocaleString("en")} live requirements × ${VERSIONS} versions, baselines, history of ${DEEP_VERSIONS.toLocaleString("en")} versions`,
  seedBudgetMs: 300_000,

  async seed({ pool, runId, users }) {
    const projectKey = `R${randomLetters(4)}`;
    const projectId = `bench_${runId}_rq`;
    const deepNumber = 5_000; // a leaf, APPROVED, with 1,000 versions
    const base = new Date(Date.now() - 420 * 86_400_000).toISOString();
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO "Project" (id, key, name, description, settings, version, "createdAt", "updatedAt", "requirementCounter")
         VALUES ($1, $2, $3, $4, '{}', 1, $5, $5, 0)`,
        [
          projectId,
          projectKey,
          `Bench requirements ${projectKey}`,
          "Flight-operations portal: requirements seeded for the requirements benchmark.",
          base,
        ],
      );
      await client.query(
        `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
         VALUES ($1 || '_m1', $1, $2, 'ADMIN', $4, $4), ($1 || '_m2', $1, $3, 'MAINTAINER', $4, $4)`,
        [projectId, users.owner.id, users.bench.id, base],
      );
      await client.query(SEED_REQ_SQL, [TAGS, base, deepNumber]);
      await client.query(SEED_VER_SQL, [
        ACTIONS,
        OBJECTS,
        QUALIFIERS,
        TRIGGERS,
        CONSTRAINTS,
        ACCEPTANCE,
        RATIONALES,
        [users.owner.id, users.bench.id],
      ]);
      // The Requirement row is a copy of the latest version; parents reference rows of the same statement.
      await client.query(
        `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority, status,
           tags, attributes, "parentId", position, "createdById", "createdAt", "updatedAt")
         SELECT $1 || '_r' || r.n, $2, r.n, $3 || '-' || r.n, v.version, v.title, v.statement, v.rationale,
                r.type::"RequirementType", r.priority::"RequirementPriority", v.status::"RequirementStatus", r.tags, '{}',
                CASE WHEN r.parent_n IS NULL THEN NULL ELSE $1 || '_r' || r.parent_n END, r.position, $4, r.created_at, v.created_at
         FROM seed_req r JOIN seed_ver v ON v.n = r.n AND v.version = r.versions`,
        [`bench_${runId}`, projectId, projectKey, users.owner.id],
      );
      await client.query(
        `INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale, type, priority,
           status, tags, attributes, "parentId", position, "changeKind", "changeNote", "authorId", "createdAt")
         SELECT $1 || '_v' || r.n || '_' || v.version, $1 || '_r' || r.n, $2, v.version, v.title, v.statement, v.rationale,
                r.type::"RequirementType", r.priority::"RequirementPriority", v.status::"RequirementStatus", r.tags, '{}',
                CASE WHEN r.parent_n IS NULL THEN NULL ELSE $1 || '_r' || r.parent_n END, r.position, v.change_kind,
                CASE v.change_kind WHEN 'created' THEN '' WHEN 'transitioned' THEN 'Moved on in the workflow' ELSE 'Reworded after review' END,
                v.author_id, v.created_at
         FROM seed_req r JOIN seed_ver v ON v.n = r.n`,
        [`bench_${runId}`, projectId],
      );
      await client.query(`UPDATE "Project" SET "requirementCounter" = $2 WHERE id = $1`, [projectId, TOTAL]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    await pool.query(
      `ANALYZE "Project", "Membership", "Requirement", "RequirementVersion", "Baseline", "BaselineItem"`,
    );
    await checkInvariants(pool, projectId);

    const { rows } = await pool.query(
      `SELECT count(*)::int AS requirements,
              count(*) FILTER (WHERE status <> 'DEPRECATED')::int AS live,
              count(*) FILTER (WHERE "parentId" IS NULL)::int AS roots,
              count(DISTINCT "parentId")::int AS parents,
              count(*) FILTER (WHERE status = 'APPROVED' AND type = 'FUNCTIONAL')::int AS "approvedFunctional",
              count(*) FILTER (WHERE tags @> ARRAY[$2::text])::int AS "taggedSecurity",
              round(avg(length(statement)))::int AS "avgStatementChars",
              (SELECT count(*)::int FROM "RequirementVersion" WHERE "projectId" = $1) AS versions
       FROM "Requirement" WHERE "projectId" = $1`,
      [projectId, LIST_TAG],
    );
    const counts = rows[0];
    if (counts.live !== LIVE || counts.requirements !== TOTAL) throw new Error(`seeded ${JSON.stringify(counts)}`);
    return {
      projectId,
      projectKey,
      runId,
      benchUserId: users.bench.id,
      deepKey: `${projectKey}-${deepNumber}`,
      deepId: `bench_${runId}_r${deepNumber}`,
      counts: { ...counts, deepVersions: DEEP_VERSIONS },
    };
  },

  async cleanup({ pool, state }) {
    // BaselineItem → RequirementVersion is ON DELETE RESTRICT: baselines go first.
    await pool.query(`DELETE FROM "Baseline" WHERE "projectId" = $1`, [state.projectId]);
    await pool.query(`DELETE FROM "Project" WHERE id = $1`, [state.projectId]);
  },

  baseline: {
    "requirement.list": (pool, state) => baselineList(pool, state, LIST_FILTER),
    "requirement.list-tag": (pool, state) => baselineList(pool, state, { tag: LIST_TAG }),
    "requirement.list-updated": (pool, state) => baselineList(pool, state, { ...LIST_FILTER, sort: "updated" }),

    "baseline.create": (pool, state, params) => rawCreateBaseline(pool, state, params.name),
    async "baseline.compare"(pool, _state, params) {
      const [left, right] = await Promise.all([
        pool.query(FROZEN_SQL, [params.from]),
        pool.query(FROZEN_SQL, [params.to]),
      ]);
      const leftById = new Map(left.rows.map((r) => [r.requirementId, r]));
      const changed = right.rows.filter(
        (r) => leftById.has(r.requirementId) && leftById.get(r.requirementId).versionId !== r.versionId,
      );
      return { from: left.rowCount, to: right.rowCount, changed: changed.map((r) => r.key) };
    },
    async "requirement.history"(pool, state) {
      const { rows } = await pool.query(HISTORY_SQL, [state.deepKey, state.projectId, PAGE + 1]);
      const hasMore = rows.length > PAGE;
      const items = hasMore ? rows.slice(0, PAGE) : rows;
      return { items, nextCursor: hasMore ? String(items[items.length - 1].version) : null };
    },
    async "requirement.diff"(pool, state) {
      const { rows } = await pool.query(DIFF_SQL, [state.deepKey, state.projectId, [1, DEEP_VERSIONS]]);
      const at = (n) => rows.find((r) => r.version === n);
      return { key: state.deepKey, from: at(1), to: at(DEEP_VERSIONS) };
    },
  },

  endpoints(state) {
    const input = { projectKey: state.projectKey, limit: PAGE };
    return [
      {
        name: "requirement.list",
        appPath: `/api/trpc/requirement.list?input=${encodeURIComponent(JSON.stringify({ json: { ...input, ...LIST_FILTER } }))}`,
        targetP99Ms: 50,
        check: (app, baseline) => checkList(app, baseline),
      },
      {
        name: "requirement.list-tag",
        appPath: `/api/trpc/requirement.list?input=${encodeURIComponent(JSON.stringify({ json: { ...input, tag: LIST_TAG } }))}`,
        targetP99Ms: 50,
        check: (app, baseline) => checkList(app, baseline),
      },
      {
        name: "requirement.list-updated",
        appPath: `/api/trpc/requirement.list?input=${encodeURIComponent(JSON.stringify({ json: { ...input, ...LIST_FILTER, sort: "updated" } }))}`,
        targetP99Ms: 50,
        check: (app, baseline) => checkList(app, baseline),
      },
    ];
  },

  /** Timed one-shot operations (see lib/oneshot.mjs), run after the load-tested endpoints. */
  operations(state) {
    const projectKey = state.projectKey;
    return [
      {
        name: "baseline.create",
        description: `freeze ${LIVE.toLocaleString("en")} live requirements`,
        repeat: 10,
        targetMs: 1000,
        app: (_op, i) => ({
          type: "mutation",
          procedure: "baseline.create",
          input: { projectKey, name: `bench-create-${i}` },
        }),
        baseline: (_op, i) => ({ name: `raw-create-${i}` }),
        check(app, baseline) {
          if (app?.requirementCount !== LIVE)
            return `baseline.create froze ${app?.requirementCount} requirements, expected ${LIVE}`;
          if (baseline?.items !== LIVE) return `the raw baseline inserted ${baseline?.items} items, expected ${LIVE}`;
          return null;
        },
      },
      {
        name: "baseline.compare",
        description: `two ${LIVE.toLocaleString("en")}-requirement baselines, ${CHANGED.toLocaleString("en")} changed`,
        repeat: 10,
        targetMs: 1000,
        async setup({ call, pool, log }) {
          const from = await call("mutation", "baseline.create", { projectKey, name: "compare-from" });
          const changed = await changeRequirements(pool, state, state.runId);
          if (changed !== CHANGED) throw new Error(`changed ${changed} requirements, expected ${CHANGED}`);
          await checkInvariants(pool, state.projectId);
          await pool.query(`ANALYZE "Requirement", "RequirementVersion", "BaselineItem"`);
          const to = await call("mutation", "baseline.create", { projectKey, name: "compare-to" });
          log(
            `baseline ${from.id} (${from.requirementCount}) → ${to.id} (${to.requirementCount}), ${changed} requirements changed in between`,
          );
          return { from: from.id, to: to.id };
        },
        app: (op) => ({
          type: "query",
          procedure: "baseline.compare",
          input: { projectKey, from: op.from, to: op.to },
        }),
        baseline: (op) => ({ from: op.from, to: op.to }),
        check(app, baseline) {
          const s = app?.summary;
          if (!s || s.changed !== CHANGED || s.added !== 0 || s.removed !== 0 || s.unchanged !== LIVE - CHANGED) {
            return `baseline.compare summary ${JSON.stringify(s)}, expected ${CHANGED} changed of ${LIVE}, none added or removed`;
          }
          if (baseline?.from !== LIVE || baseline?.to !== LIVE)
            return `the raw baseline read ${baseline?.from} → ${baseline?.to} rows`;
          const appKeys = app.changed
            .map((c) => c.key)
            .sort()
            .join(",");
          if (appKeys !== [...baseline.changed].sort().join(","))
            return "app and raw baseline disagree on which requirements changed";
          if (!app.changed.every((c) => c.changes.some((f) => f.field === "statement")))
            return "a changed entry has no statement diff";
          return null;
        },
      },
      {
        name: "requirement.history",
        description: `first page (${PAGE}) of ${DEEP_VERSIONS.toLocaleString("en")} versions`,
        repeat: 20,
        app: () => ({ type: "query", procedure: "requirement.history", input: { key: state.deepKey, limit: PAGE } }),
        baseline: () => ({}),
        check(app, baseline) {
          const versions = (page) =>
            (page?.items ?? []).map((v) => `${v.version}:${v.status}:${v.changeKind}:${v.author?.id}`).join(",");
          if (
            app?.items?.length !== PAGE ||
            app.items[0].version !== DEEP_VERSIONS ||
            app.nextCursor !== String(DEEP_VERSIONS - PAGE + 1)
          ) {
            return `requirement.history returned ${JSON.stringify(app).slice(0, 300)}`;
          }
          if (versions(app) !== versions(baseline) || app.nextCursor !== baseline.nextCursor)
            return "app and raw baseline history differ";
          return null;
        },
      },
      {
        name: "requirement.diff",
        description: `v1 → v${DEEP_VERSIONS} of one requirement`,
        repeat: 20,
        app: () => ({
          type: "query",
          procedure: "requirement.diff",
          input: { key: state.deepKey, from: 1, to: DEEP_VERSIONS },
        }),
        baseline: () => ({}),
        check(app, baseline) {
          if (app?.from?.version !== 1 || app?.to?.version !== DEEP_VERSIONS || !app.changes?.length) {
            return `requirement.diff returned ${JSON.stringify(app).slice(0, 300)}`;
          }
          if (
            app.from.snapshot.statement !== baseline?.from?.statement ||
            app.to.snapshot.statement !== baseline?.to?.statement
          ) {
            return "app and raw baseline read different versions";
          }
          return null;
        },
      },
    ];
  },
};
