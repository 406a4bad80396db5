/**
 * Scenario "traceability": one project with 200,000 issues, 10,000
 * requirements and 50,000 trace links, all seeded with set-based SQL
 * (generate_series, temp tables), one transaction. 50 members report the
 * issues; one of them, a REPORTER signed in as a second session, sees only
 * the issues they reported or are assigned to.
 *
 * Load-tested (autocannon, like foundation), app vs one raw SQL statement:
 *   search.query          "export timeout" in the project, first page of 20 (the search palette's call)
 *   search.query-broad    "sync" across all of the caller's projects, first page of 20
 *   issue.list            as the reporter: open/triaged/in-progress, HIGH/CRITICAL, most recently updated first, page of 50
 * Timed one-shot operations (lib/oneshot.mjs), as a maintainer:
 *   traceLink.matrix      the suspect-links matrix: exactly 1,000 requirements
 *   traceLink.matrix-all  the whole matrix (every issue link of the project; the procedure has no paging)
 *   traceLink.matrix-csv  the suspect-links matrix as CSV (1,000 rows × every issue column)
 *   traceLink.coverage    coverage numbers and orphan lists
 *   traceLink.impact      everything downstream of the head of a 25-requirement DERIVES_FROM chain with fan-out
 */
import { randomBytes } from "node:crypto";

const REQUIREMENTS = 10_000;
const ISSUES = 200_000;
const ISSUE_LINKS = 40_000;
const REQUIREMENT_LINKS = 10_000;
const MEMBERS = 50; // issue reporters: owner, bench user, the reporter and 47 seeded users
const SEEDED_MAINTAINERS = 10;
// Requirements 9,901–9,925 form the chain (9,901 is its head), 9,926–10,000 its fan-out (3 per level);
// the random requirement-to-requirement links stay among 1–9,900, so impact on the head is bounded.
const CHAIN_START = 9_901;
const CHAIN_LENGTH = 25;
const FAN_OUT = 3;
const FAN_START = CHAIN_START + CHAIN_LENGTH;
const DIAMOND_EVERY = 5; // level k+1 also derives from level k's first fan-out requirement when k ≡ 2 (mod 5)
// Requirements with n ≡ 3 (mod 10) were revised after they were linked: their links are suspect.
const REVISED = REQUIREMENTS / 10;
const SEARCH_PAGE = 20;
const LIST_PAGE = 50;
const SEARCH_QUERY = "export timeout";
const SEARCH_BROAD = "sync";
const LIST_FILTER = { status: ["OPEN", "TRIAGED", "IN_PROGRESS"], severity: ["HIGH", "CRITICAL"] };

/* -------------------------------------------------------------- text pools */

const COMPONENTS = [
  "Invoice export",
  "Login page",
  "Payment batch job",
  "Search",
  "Audit log viewer",
  "Mobile app",
  "Public API",
  "Report builder",
  "Notification service",
  "Sync agent",
  "Admin console",
  "Dashboard",
  "Import wizard",
  "Scheduler",
  "File uploads",
  "Approval workflow",
  "Customer portal",
  "Webhook dispatcher",
  "Billing",
  "User settings",
  "Shipment tracking",
  "Firmware updater",
  "Access tokens",
  "Data retention job",
];
const SYMPTOMS = [
  "the request times out",
  "the page crashes",
  "wrong totals are shown",
  "duplicate records are created",
  "an internal server error is returned",
  "nothing happens",
  "the spinner never stops",
  "dates are shown in the wrong time zone",
  "memory usage keeps growing",
  "the session expires too early",
  "the layout breaks on small screens",
  "the downloaded CSV file is empty",
  "permissions are ignored",
  "the audit entry is missing",
  "notification emails are sent twice",
  "the sort order is wrong",
  "the progress bar jumps back",
  "accented characters are garbled",
  "the retry loop never stops",
  "stale data is shown",
];
const ISSUE_ACTIONS = [
  "exporting",
  "importing",
  "filtering",
  "approving",
  "archiving",
  "syncing",
  "searching",
  "uploading",
  "deleting",
  "scheduling",
  "assigning",
  "restoring",
];
const OBJECTS = [
  "invoices",
  "purchase orders",
  "user accounts",
  "audit logs",
  "sensor readings",
  "payment batches",
  "shipment manifests",
  "maintenance tickets",
  "firmware images",
  "customer records",
  "change requests",
  "test results",
];
const ISSUE_QUALIFIERS = [
  "in bulk",
  "with more than 1,000 rows",
  "on a slow connection",
  "right after signing in",
  "in Safari",
  "with a German locale",
  "through the public API",
  "during the nightly batch",
  "on a tablet",
  "after a password reset",
];
const EXPECTED = [
  "the operation completes within a few seconds and the result matches the source data.",
  "a confirmation is shown and the list refreshes.",
  "the records appear once, with the totals of the source system.",
  "a clear error message explains what to fix.",
  "the job finishes before the morning shift starts.",
  "other users can keep working in the same project.",
];
const LOGS = [
  "The server log shows a database timeout after 30 seconds.",
  "The browser console shows an uncaught TypeError.",
  "Nothing is logged on the server.",
  "The job log reports a deadlock, then a retry.",
  "The gateway answers 502 Bad Gateway.",
  "The customer attached screenshots to the support ticket.",
  "It started after the last release; the previous build works.",
  "It happens about one time in five.",
];
const ENVIRONMENTS = [
  "Chrome 131 on Windows 11",
  "Safari 18 on macOS 15",
  "Firefox 133 on Ubuntu 24.04",
  "the Android app 4.2",
  "the iOS app 4.2",
  "Edge 131 on Windows 10",
  "the staging system",
  "production (EU region)",
  "production (US region)",
];
const ISSUE_LABELS = [
  "regression",
  "ui",
  "backend",
  "api",
  "mobile",
  "performance",
  "security",
  "customer-reported",
  "flaky",
  "data-loss",
  "accessibility",
  "i18n",
  "billing",
  "sync",
  "reporting",
  "needs-info",
  "good-first-issue",
  "release:2.0",
  "release:2.1",
  "hotfix",
];

const REQ_ACTIONS = [
  "Export",
  "Import",
  "Validate",
  "Archive",
  "Approve",
  "Search",
  "Filter",
  "Audit",
  "Encrypt",
  "Synchronise",
  "Schedule",
  "Assign",
  "Escalate",
  "Report on",
  "Restore",
  "Link",
];
const REQ_QUALIFIERS = [
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
  "A failed attempt shall be retried three times with exponential back-off before an operator is alerted.",
  "All timestamps shall be stored in UTC and displayed in the time zone of the viewer.",
];
const RATIONALES = [
  "Requested by the compliance team after the last external audit found gaps in traceability.",
  "Customers asked for this in the annual survey; it removes a manual step from their month-end routine.",
  "Needed to meet the contractual service levels agreed with the largest customers.",
  "Reduces support tickets: a third of last quarter's tickets were about this workflow.",
  "Required by the regulator's guidance on record keeping for safety-relevant systems.",
  "Prerequisite for the partner integration planned for the next release.",
];
const REQ_TAGS = [
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
  "safety",
  "sync",
];

function randomLetters(count) {
  return [...randomBytes(count)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
}

/* ---------------------------------------------------------------- seed SQL */

// h(expr, salt): a stable non-negative pseudo-random integer.
const h = (expr, salt) => `(hashtext((${expr})::text || ':${salt}')::bigint & 2147483647)`;
const pick = (pool, hash) => `p.${pool}[1 + ${hash} % cardinality(p.${pool})]`;
// Timestamps are TIMESTAMP(3) in UTC: parameters are ISO strings.
const utc = (param) => `(${param}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * One row per requirement: status, type, priority, tags, text of version 1
 * (and of version 2 for the revised tenth), creation and revision times.
 * $1 actions, $2 objects, $3 qualifiers, $4 triggers, $5 constraints,
 * $6 rationales, $7 tags (text[]), $8 base time, $9 now (ISO).
 */
const SEED_REQ_SQL = `
  CREATE TEMP TABLE seed_req ON COMMIT DROP AS
  WITH p AS (
    SELECT $1::text[] AS act, $2::text[] AS obj, $3::text[] AS qual, $4::text[] AS trig, $5::text[] AS cons,
           $6::text[] AS rat, $7::text[] AS tags
  ), r AS (
    SELECT n,
           (ARRAY['DRAFT','DRAFT','IN_REVIEW','IN_REVIEW','APPROVED','APPROVED','APPROVED','APPROVED','APPROVED','APPROVED',
                  'IMPLEMENTED','IMPLEMENTED','IMPLEMENTED','IMPLEMENTED','IMPLEMENTED','VERIFIED','VERIFIED','VERIFIED','VERIFIED','DEPRECATED'])[1 + ${h("n", "status")} % 20] AS status,
           (ARRAY['FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','FUNCTIONAL','NON_FUNCTIONAL','NON_FUNCTIONAL','NON_FUNCTIONAL','CONSTRAINT','INTERFACE'])[1 + ${h("n", "type")} % 10] AS type,
           (ARRAY['MUST','MUST','MUST','SHOULD','SHOULD','SHOULD','SHOULD','COULD','COULD','WONT'])[1 + ${h("n", "priority")} % 10] AS priority,
           ARRAY(SELECT DISTINCT ${pick("tags", h("n || ':' || k", "tag"))} FROM generate_series(1, ${h("n", "ntags")} % 4) k ORDER BY 1) AS tags,
           ${pick("act", h("n", "act"))} || ' ' || ${pick("obj", h("n", "obj"))} || ' ' || ${pick("qual", h("n", "qual"))} AS title,
           'The system shall ' || lower(${pick("act", h("n", "act"))}) || ' ' || ${pick("obj", h("n", "obj"))} || ' ' || ${pick("qual", h("n", "qual"))}
             || ' when ' || ${pick("trig", h("n", "trig"))} || '. ' || ${pick("cons", h("n", "cons"))} AS head,
           (100 + ${h("n", "ms")} % 19 * 50) AS ms,
           ${pick("rat", h("n", "rat"))} AS rationale,
           ${utc("$8")} + n * interval '25 minutes' AS created_at,
           CASE WHEN n % 10 = 3 THEN ${utc("$9")} - (1 + ${h("n", "rev")} % 60) * interval '1 day' END AS revised_at
    FROM generate_series(1, ${REQUIREMENTS}) n CROSS JOIN p
  )
  SELECT n, status, type, priority, tags, title, rationale, created_at, revised_at,
         CASE WHEN revised_at IS NULL THEN 1 ELSE 2 END AS version,
         head || ' Under a load of 200 concurrent users, the 95th percentile response time shall not exceed ' || ms || ' ms.' AS statement_v1,
         CASE WHEN revised_at IS NOT NULL THEN
           head || ' Under a load of 400 concurrent users, the 99th percentile response time shall not exceed ' || (ms / 2) || ' ms,'
                || ' measured on the reference hardware described in the test plan.' END AS statement_v2
  FROM r`;

/**
 * The issues, straight into "Issue". $1 project id, $2 id prefix, $3 project
 * key, $4 components, $5 symptoms, $6 actions, $7 objects, $8 qualifiers,
 * $9 expectations, $10 log lines, $11 environments, $12 labels (text[]),
 * $13 the 50 member ids (reporters; the reporter session is the third),
 * $14 the assignees, $15 base time, $16 now (ISO).
 */
const SEED_ISSUE_SQL = `
  INSERT INTO "Issue" (id, "projectId", number, key, version, title, description, severity, status, labels,
    "reporterId", "assigneeId", "closedAt", "createdAt", "updatedAt")
  WITH p AS (
    SELECT $4::text[] AS comp, $5::text[] AS sym, $6::text[] AS act, $7::text[] AS obj, $8::text[] AS qual,
           $9::text[] AS exp, $10::text[] AS logs, $11::text[] AS env, $12::text[] AS labels,
           $13::text[] AS members, $14::text[] AS assignees
  ), s AS (
    SELECT n,
           (ARRAY['OPEN','OPEN','OPEN','TRIAGED','TRIAGED','IN_PROGRESS','IN_PROGRESS','IN_PROGRESS','DONE','DONE',
                  'DONE','DONE','DONE','DONE','DONE','DONE','DONE','DONE','WONT_FIX','WONT_FIX'])[1 + ${h("n", "status")} % 20] AS status,
           (ARRAY['LOW','LOW','LOW','LOW','LOW','MEDIUM','MEDIUM','MEDIUM','MEDIUM','MEDIUM','MEDIUM','MEDIUM','MEDIUM','MEDIUM',
                  'HIGH','HIGH','HIGH','HIGH','CRITICAL','CRITICAL'])[1 + ${h("n", "severity")} % 20] AS severity,
           ${utc("$15")} + n * interval '5 minutes' AS created_at,
           ${h("n", "age")} % 43200 AS minutes_open
    FROM generate_series(1, ${ISSUES}) n
  ), t AS (
    SELECT s.*, least(s.created_at + s.minutes_open * interval '1 minute', ${utc("$16")}) AS updated_at
    FROM s
  )
  SELECT $2 || '_i' || t.n, $1, t.n, $3 || '-I-' || t.n,
         CASE t.status WHEN 'OPEN' THEN 1 WHEN 'TRIAGED' THEN 2 WHEN 'IN_PROGRESS' THEN 3 ELSE 4 END + ${h("t.n", "edits")} % 3,
         ${pick("comp", h("t.n", "comp"))} || ': ' || ${pick("sym", h("t.n", "sym"))} || ' when ' || ${pick("act", h("t.n", "act"))} || ' ' || ${pick("obj", h("t.n", "obj"))},
         'Steps to reproduce: open ' || ${pick("comp", h("t.n", "comp"))} || ' and start ' || ${pick("act", h("t.n", "act"))} || ' '
           || ${pick("obj", h("t.n", "obj"))} || ' ' || ${pick("qual", h("t.n", "qual"))} || '. '
           || 'Expected: ' || ${pick("exp", h("t.n", "exp"))} || ' '
           || 'Actual: ' || ${pick("sym", h("t.n", "sym"))} || '. ' || ${pick("logs", h("t.n", "logs"))} || ' '
           || 'Seen on ' || ${pick("env", h("t.n", "env"))} || ', build ' || (4000 + ${h("t.n", "build")} % 900) || '.',
         t.severity::"IssueSeverity", t.status::"IssueStatus",
         ARRAY(SELECT DISTINCT ${pick("labels", h("t.n || ':' || k", "label"))} FROM generate_series(1, ${h("t.n", "nlabels")} % 4) k ORDER BY 1),
         ${pick("members", h("t.n", "reporter"))},
         CASE WHEN t.n % 661 = 5 THEN p.members[3]
              WHEN t.status = 'OPEN' AND ${h("t.n", "unassigned")} % 3 <> 0 THEN NULL
              ELSE ${pick("assignees", h("t.n", "assignee"))} END,
         CASE WHEN t.status IN ('DONE', 'WONT_FIX') THEN t.updated_at END,
         t.created_at, t.updated_at
  FROM t CROSS JOIN p`;

/**
 * Issue → requirement links: the first 1,000 point at the 1,000 revised
 * requirements (one each, from issues older than the revision, so they are
 * suspect); the rest at random requirements. Candidates are de-duplicated on
 * the unique (source, target, type) and cut to exactly ISSUE_LINKS.
 */
const SEED_ISSUE_LINK_SQL = `
  CREATE TEMP TABLE seed_ilink ON COMMIT DROP AS
  WITH c AS (
    SELECT k,
           CASE WHEN k <= ${REVISED} THEN 1 + ${h("k", "issue")} % ${ISSUES / 2} ELSE 1 + ${h("k", "issue")} % ${ISSUES} END AS issue_n,
           CASE WHEN k <= ${REVISED} THEN 10 * (k - 1) + 3 ELSE 1 + ${h("k", "req")} % ${REQUIREMENTS} END AS req_n,
           (ARRAY['IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS','IMPLEMENTS',
                  'VERIFIES','VERIFIES','VERIFIES','VERIFIES','VERIFIES','VERIFIES','VERIFIES','RELATES_TO','RELATES_TO','RELATES_TO'])[1 + ${h("k", "type")} % 20] AS type
    FROM generate_series(1, ${ISSUE_LINKS + 2_000}) k
  ), d AS (
    SELECT DISTINCT ON (issue_n, req_n, type) * FROM c ORDER BY issue_n, req_n, type, k
  )
  SELECT * FROM d ORDER BY k LIMIT ${ISSUE_LINKS}`;

/**
 * Requirement → requirement links: the chain (each level DERIVES_FROM the one
 * above), its fan-out (REFINES), a diamond every DIAMOND_EVERY levels, and
 * random DERIVES_FROM / REFINES links among requirements 1–9,900, always from
 * a higher number to a lower one (no cycles).
 */
const SEED_REQ_LINK_SQL = `
  CREATE TEMP TABLE seed_rlink ON COMMIT DROP AS
  WITH chain AS (
    SELECT 0 AS k, ${CHAIN_START} + i + 1 AS source_n, ${CHAIN_START} + i AS target_n, 'DERIVES_FROM' AS type
    FROM generate_series(0, ${CHAIN_LENGTH - 2}) i
    UNION ALL
    SELECT 0, ${FAN_START} + ${FAN_OUT} * i + j, ${CHAIN_START} + i, 'REFINES'
    FROM generate_series(0, ${CHAIN_LENGTH - 1}) i, generate_series(0, ${FAN_OUT - 1}) j
    UNION ALL
    SELECT 0, ${CHAIN_START} + i + 1, ${FAN_START} + ${FAN_OUT} * i, 'DERIVES_FROM'
    FROM generate_series(0, ${CHAIN_LENGTH - 2}) i WHERE i % ${DIAMOND_EVERY} = 2
  ), c AS (
    SELECT k, s AS source_n, 1 + ${h("k", "target")} % (s - 1) AS target_n,
           CASE WHEN ${h("k", "rtype")} % 5 < 3 THEN 'DERIVES_FROM' ELSE 'REFINES' END AS type
    FROM (SELECT k, 2 + ${h("k", "source")} % ${CHAIN_START - 2} AS s FROM generate_series(1, ${REQUIREMENT_LINKS + 1_000}) k) x
  ), d AS (
    SELECT DISTINCT ON (source_n, target_n, type) * FROM c ORDER BY source_n, target_n, type, k
  )
  SELECT * FROM chain
  UNION ALL
  (SELECT * FROM d ORDER BY k LIMIT ${REQUIREMENT_LINKS} - (SELECT count(*) FROM chain))`;

/** Fields of a Requirement that must mirror its latest RequirementVersion, and versions 1…n without gaps. */
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
         OR r.position <> v.position OR r."updatedAt" <> v."createdAt"
         OR (SELECT count(*) FROM "RequirementVersion" c WHERE c."requirementId" = r.id) <> r.version)`;

/** Checks the invariants the app relies on; throws when one does not hold. */
async function checkInvariants(db, projectId) {
  const { rows } = await db.query(
    `SELECT p."requirementCounter" AS req_counter, p."issueCounter" AS issue_counter,
            (SELECT max(number) FROM "Requirement" WHERE "projectId" = p.id) AS req_max,
            (SELECT max(number) FROM "Issue" WHERE "projectId" = p.id) AS issue_max,
            (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = p.id AND key <> p.key || '-' || number) AS bad_req_keys,
            (SELECT count(*)::int FROM "Issue" WHERE "projectId" = p.id AND key <> p.key || '-I-' || number) AS bad_issue_keys,
            (SELECT count(*)::int FROM "Issue" WHERE "projectId" = p.id
               AND ((status IN ('DONE', 'WONT_FIX')) <> ("closedAt" IS NOT NULL) OR "closedAt" > "updatedAt" OR "createdAt" > "updatedAt")) AS bad_issue_times,
            (SELECT count(*)::int FROM "Issue" i WHERE i."projectId" = p.id AND i."assigneeId" IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."projectId" = p.id AND m."userId" = i."assigneeId")) AS foreign_assignees,
            (SELECT count(*)::int FROM "TraceLink" l
               JOIN "Requirement" t ON t.id = l."targetRequirementId"
               LEFT JOIN "Requirement" sr ON sr.id = l."sourceRequirementId"
               LEFT JOIN "Issue" si ON si.id = l."sourceIssueId"
             WHERE l."projectId" = p.id
               AND (t."projectId" <> p.id OR coalesce(sr."projectId", si."projectId") <> p.id
                    OR l."sourceKey" <> CASE WHEN sr.id IS NOT NULL THEN 'R:' || sr.id ELSE 'I:' || si.id END
                    OR l."linkedVersion" > t.version OR l.suspect <> (l."linkedVersion" < t.version)
                    OR l.suspect <> (l."suspectSince" IS NOT NULL) OR l."createdAt" > coalesce(l."suspectSince", l."createdAt"))) AS bad_links
     FROM "Project" p WHERE p.id = $1`,
    [projectId],
  );
  const r = rows[0];
  if (r.req_counter !== r.req_max) throw new Error(`requirementCounter ${r.req_counter} ≠ highest number ${r.req_max}`);
  if (r.issue_counter !== r.issue_max)
    throw new Error(`issueCounter ${r.issue_counter} ≠ highest number ${r.issue_max}`);
  for (const k of ["bad_req_keys", "bad_issue_keys", "bad_issue_times", "foreign_assignees", "bad_links"]) {
    if (r[k]) throw new Error(`seed invariant broken: ${k} = ${r[k]}`);
  }
  const mismatch = (await db.query(MIRROR_MISMATCH_SQL, [projectId])).rows[0].bad;
  if (mismatch) throw new Error(`${mismatch} requirements do not mirror their latest version`);
}

/* ------------------------------------------------------- baseline queries */

/** searchWords / toPrefixQuery / toExactQuery (lib/schemas/search.ts): words only, AND-ed, each a prefix. */
function searchWords(q) {
  return (q.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12).map((w) => w.slice(0, 64).toLowerCase());
}
const toPrefixQuery = (q) =>
  searchWords(q)
    .map((w) => `${w}:*`)
    .join(" & ") || null;
const toExactQuery = (q) => searchWords(q).join(" & ") || null;

const cursor = (parts) => Buffer.from(JSON.stringify(parts)).toString("base64url");

/**
 * searchItems (server/services/search/search.ts) for a non-admin caller, as
 * the app runs it: the planner's estimate of the matches first (EXPLAIN),
 * then one statement that, per kind, ranks every match found through the
 * prefix index (up to SEARCH_RANKED_MAX), or, for a broader query, the
 * matches among each project's SEARCH_RECENT_WINDOW latest items, plus an
 * exact key match. $1 user id, $2 prefix query text, $3 exact-words query
 * text, $4 the exact-key bonus, $5 limit + 1, $6 broad requirements, $7 broad
 * issues, $8 project id (only with `inProject`). Both statements are
 * prepared, as the app's are.
 */
const SEARCH_RANKED_MAX = 1000; // RANKED_MAX in server/services/search/search.ts
const SEARCH_RECENT_WINDOW = 2000; // RECENT_WINDOW
const SEARCH_BROAD_ESTIMATE = 8 * SEARCH_RANKED_MAX; // BROAD_ESTIMATE
// The projects the user has a role in (server/auth/project-roles-sql.ts): memberships and open projects.
const scopeSql = (inProject, projectParam) => `
  SELECT p.id, p.key, COALESCE(m.role::text, 'REPORTER') AS role FROM "Project" p
  LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = $1
  WHERE p.id IN (
    SELECT mine."projectId" FROM "Membership" mine WHERE mine."userId" = $1
    UNION ALL
    SELECT o.id FROM "Project" o WHERE (o.settings -> 'openReporting') = 'true'::jsonb)
  ${inProject ? `AND p.id = ${projectParam}` : ""}`;

function estimateSql(inProject) {
  const count = (table) => `(SELECT count(*) FROM "${table}" t WHERE t."projectId" IN (SELECT id FROM scope)
                               AND specline_prefixes(t."searchVector") @@ to_tsquery('english', $2))`;
  return `EXPLAIN (FORMAT JSON) WITH scope AS (${scopeSql(inProject, "$3")})
          SELECT ${count("Requirement")} AS requirement, ${count("Issue")} AS issue`;
}

function searchSql(inProject) {
  const kind = (name, table, isIssue, broadParam) => {
    const columns = `'${name}' AS kind, t.id, t."projectId",
                     round(ts_rank(t."searchVector", (SELECT prefix FROM words))::numeric, 6) + CASE WHEN t.key = $4 THEN 10 ELSE 0 END AS rank`;
    const inScope = `t."projectId" = ANY(ARRAY(SELECT id FROM scope))`;
    const visibleInScope = isIssue
      ? `AND (t."projectId" = ANY(ARRAY(SELECT id FROM scope WHERE role IN ('MAINTAINER', 'ADMIN'))) OR t."reporterId" = $1 OR t."assigneeId" = $1)`
      : "";
    const visibleInProject = isIssue
      ? `AND (s.role IN ('MAINTAINER', 'ADMIN') OR t."reporterId" = $1 OR t."assigneeId" = $1)`
      : "";
    return {
      ctes: `
         m_${name} AS MATERIALIZED (
           SELECT ${columns} FROM "${table}" t
           WHERE ${broadParam}::boolean IS NOT TRUE AND specline_prefixes(t."searchVector") @@ (SELECT exact FROM words)
             AND ${inScope} ${visibleInScope}
           LIMIT ${SEARCH_RANKED_MAX + 1}
         ),
         b_${name} AS MATERIALIZED (SELECT ${broadParam}::boolean OR (SELECT count(*) FROM m_${name}) > ${SEARCH_RANKED_MAX} AS broad),
         r_${name} AS MATERIALIZED (
           SELECT c.* FROM scope s CROSS JOIN LATERAL (
             SELECT ${columns}
             FROM (SELECT * FROM "${table}" t WHERE t."projectId" = s.id ORDER BY t."updatedAt" DESC, t.id DESC LIMIT ${SEARCH_RECENT_WINDOW}) t
             WHERE t."searchVector" @@ (SELECT prefix FROM words) ${visibleInProject}
           ) c
           WHERE (SELECT broad FROM b_${name})
         )`,
      hits: `
         SELECT * FROM m_${name} WHERE NOT (SELECT broad FROM b_${name})
         UNION ALL SELECT * FROM r_${name}
         UNION ALL SELECT ${columns} FROM "${table}" t WHERE t.key = $4 AND ${inScope} ${visibleInScope}
           AND NOT EXISTS (SELECT 1 FROM m_${name} WHERE m_${name}.id = t.id AND NOT (SELECT broad FROM b_${name}))
           AND NOT EXISTS (SELECT 1 FROM r_${name} WHERE r_${name}.id = t.id)`,
      broad: `(SELECT broad FROM b_${name})`,
    };
  };
  const parts = [kind("requirement", "Requirement", false, "$6"), kind("issue", "Issue", true, "$7")];
  return `
    WITH scope AS (${scopeSql(inProject, "$8")}),
         words AS (SELECT to_tsquery('english', $2) AS prefix, to_tsquery('english', $3) AS exact),
         ${parts.map((p) => p.ctes).join(",")},
         hits AS (${parts.map((p) => p.hits).join(" UNION ALL ")}),
         page AS (
           SELECT hits.* FROM hits
           ORDER BY hits.rank DESC, hits.id ASC
           LIMIT $5
         )
    SELECT page.kind, page.id, coalesce(r.key, i.key) AS key, p.key AS "projectKey", coalesce(r.title, i.title) AS title,
           coalesce(r.status::text, i.status::text) AS status, page.rank,
           ts_headline('english', coalesce(r.title, i.title) || ' — ' || left(coalesce(r.statement, i.description, ''), 5000), (SELECT prefix FROM words),
                       'StartSel=<<, StopSel=>>, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS headline,
           ${parts.map((p) => p.broad).join(" OR ")} AS limited
    FROM page
    JOIN "Project" p ON p.id = page."projectId"
    LEFT JOIN "Requirement" r ON page.kind = 'requirement' AND r.id = page.id
    LEFT JOIN "Issue" i ON page.kind = 'issue' AND i.id = page.id
    ORDER BY page.rank DESC, page.id ASC`;
}

async function baselineSearch(pool, state, text, inProject) {
  const prefix = toPrefixQuery(text);
  const exact = toExactQuery(text);
  const est = await pool.query({
    name: `bench-search-estimate-${inProject}`,
    text: estimateSql(inProject),
    values: [state.benchUserId, exact, ...(inProject ? [state.projectId] : [])],
  });
  const rowsOf = { Requirement: 0, Issue: 0 };
  const visit = (n) => {
    if (n["Relation Name"] in rowsOf) rowsOf[n["Relation Name"]] = Math.max(rowsOf[n["Relation Name"]], n["Plan Rows"]);
    (n.Plans ?? []).forEach(visit);
  };
  visit(est.rows[0]["QUERY PLAN"][0].Plan);
  const params = [
    state.benchUserId,
    prefix,
    exact,
    text.trim().toUpperCase().slice(0, 30),
    SEARCH_PAGE + 1,
    rowsOf.Requirement > SEARCH_BROAD_ESTIMATE,
    rowsOf.Issue > SEARCH_BROAD_ESTIMATE,
  ];
  if (inProject) params.push(state.projectId);
  const { rows } = await pool.query({ name: `bench-search-${inProject}`, text: searchSql(inProject), values: params });
  const page = rows.slice(0, SEARCH_PAGE);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      kind: r.kind,
      key: r.key,
      projectKey: r.projectKey,
      title: r.title,
      status: r.status,
      rank: Number(r.rank),
      headline: r.headline,
    })),
    nextCursor: rows.length > SEARCH_PAGE && last ? cursor([Number(last.rank), last.id]) : null,
    limited: rows[0]?.limited ?? false,
  };
}

/** listIssues (server/services/issues/issues.ts) for a reporter, sorted by update, in one statement. */
const ISSUE_LIST_SQL = `
  SELECT i.id, i.number, i.key, i.version, i.title, i.description, i.severity, i.status, i.labels,
         i."closedAt" AT TIME ZONE 'UTC' AS "closedAt", i."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
         i."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
         CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'name', r.name, 'email', r.email) END AS reporter,
         CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'name', a.name, 'email', a.email) END AS assignee
  FROM "Issue" i
  LEFT JOIN "User" r ON r.id = i."reporterId"
  LEFT JOIN "User" a ON a.id = i."assigneeId"
  WHERE i."projectId" = $1
    AND (i."reporterId" = $2 OR i."assigneeId" = $2)
    AND i.status = ANY($3::"IssueStatus"[])
    AND i.severity = ANY($4::"IssueSeverity"[])
  ORDER BY i."updatedAt" DESC, i.id DESC
  LIMIT $5`;

/**
 * coverage (server/services/trace-links/analysis.ts) for a maintainer, as
 * six statements sent in parallel (like the app's): the approved /
 * implemented / verified counts in one pass over the project's links to
 * done issues, the suspect links, and the orphan requirements and issues
 * (count and first page each). $1 project id, $2 orphan list size.
 */
const COVERAGE_COUNTS_SQL = `
  SELECT count(*)::int AS approved,
         count(*) FILTER (WHERE d.implemented)::int AS implemented,
         count(*) FILTER (WHERE d.verified)::int AS verified
  FROM "Requirement" r
  LEFT JOIN (
    SELECT l."targetRequirementId" AS id, bool_or(l.type = 'IMPLEMENTS') AS implemented, bool_or(l.type = 'VERIFIES') AS verified
    FROM "TraceLink" l JOIN "Issue" i ON i.id = l."sourceIssueId"
    WHERE l."projectId" = $1 AND i."projectId" = $1 AND l.type IN ('IMPLEMENTS', 'VERIFIES') AND i.status = 'DONE'
    GROUP BY 1
  ) d ON d.id = r.id
  WHERE r."projectId" = $1 AND r.status IN ('APPROVED', 'IMPLEMENTED', 'VERIFIED')`;

const COVERAGE_SUSPECT_SQL = `SELECT count(*)::int AS suspect FROM "TraceLink" WHERE "projectId" = $1 AND suspect`;

// Orphans by NOT EXISTS; the count and the first page are separate statements (a CTE used for both
// would be materialised, reading the title of every orphan issue).
const ORPHAN_REQUIREMENTS_WHERE = `
  r."projectId" = $1 AND r.status <> 'DEPRECATED'
  AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."targetRequirementId" = r.id)
  AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."sourceRequirementId" = r.id)`;
const ORPHAN_ISSUES_WHERE = `i."projectId" = $1 AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."sourceIssueId" = i.id)`;
const COVERAGE_ORPHAN_SQL = {
  requirementCount: `SELECT count(*)::int AS n FROM "Requirement" r WHERE ${ORPHAN_REQUIREMENTS_WHERE}`,
  requirements: `SELECT r.key, r.title, r.status::text AS status FROM "Requirement" r WHERE ${ORPHAN_REQUIREMENTS_WHERE} ORDER BY r.number LIMIT $2`,
  issueCount: `SELECT count(*)::int AS n FROM "Issue" i WHERE ${ORPHAN_ISSUES_WHERE}`,
  issues: `SELECT i.key, i.title, i.status::text AS status FROM "Issue" i WHERE ${ORPHAN_ISSUES_WHERE} ORDER BY i.number LIMIT $2`,
};

/**
 * impact (analysis.ts) for a maintainer in one statement: the former recursive walk over paths, then the
 * requirements and issues reached. Same answer on this chain (no cap is reached); the app walks level by level.
 */
const IMPACT_SQL = `
  WITH RECURSIVE root AS (
    SELECT id, key, title FROM "Requirement" WHERE "projectId" = $1 AND key = $2
  ), down(id, depth, path) AS (
    SELECT id, 0, ARRAY[id] FROM root
    UNION ALL
    SELECT l."sourceRequirementId", d.depth + 1, d.path || l."sourceRequirementId"
    FROM down d
    JOIN "TraceLink" l ON l."targetRequirementId" = d.id
    WHERE l."sourceRequirementId" IS NOT NULL
      AND NOT (l."sourceRequirementId" = ANY(d.path))
      AND d.depth < 100
  ), reached AS (
    SELECT id, min(depth)::int AS depth FROM down GROUP BY id
  )
  SELECT 'requirement' AS kind, r.key, r.title, r.status::text AS status, x.depth, NULL::text[] AS via
  FROM reached x JOIN "Requirement" r ON r.id = x.id
  WHERE x.id <> (SELECT id FROM root)
  UNION ALL
  SELECT 'issue', i.key, i.title, i.status::text, min(x.depth)::int + 1, array_agg(DISTINCT l.type::text)
  FROM reached x
  JOIN "TraceLink" l ON l."targetRequirementId" = x.id
  JOIN "Issue" i ON i.id = l."sourceIssueId"
  GROUP BY i.id
  ORDER BY kind DESC, depth`;

/** traceMatrix (analysis.ts) for a maintainer: the issue links with both ends, shaped in JavaScript. */
const MATRIX_SQL = `
  SELECT l.type::text AS type, l.suspect,
         t.key AS "rKey", t.number AS "rNumber", t.title AS "rTitle", t.status::text AS "rStatus",
         i.key AS "iKey", i.number AS "iNumber", i.title AS "iTitle", i.status::text AS "iStatus"
  FROM "TraceLink" l
  JOIN "Requirement" t ON t.id = l."targetRequirementId"
  JOIN "Issue" i ON i.id = l."sourceIssueId"
  WHERE l."projectId" = $1 AND ($2::boolean = false OR l.suspect)`;

async function baselineMatrix(pool, state, suspectOnly) {
  const { rows } = await pool.query(MATRIX_SQL, [state.projectId, suspectOnly]);
  const requirements = new Map();
  const issues = new Map();
  for (const r of rows) {
    requirements.set(r.rKey, { key: r.rKey, number: r.rNumber, title: r.rTitle, status: r.rStatus });
    issues.set(r.iKey, { key: r.iKey, number: r.iNumber, title: r.iTitle, status: r.iStatus });
  }
  const byNumber = (a, b) => a.number - b.number;
  return {
    requirements: [...requirements.values()].sort(byNumber).map(({ number: _n, ...r }) => r),
    issues: [...issues.values()].sort(byNumber).map(({ number: _n, ...i }) => i),
    cells: rows.map((r) => ({ requirementKey: r.rKey, issueKey: r.iKey, type: r.type, suspect: r.suspect })),
  };
}

/* ------------------------------------------------------------------ checks */

function checkSearch(app, baseline) {
  if (!Array.isArray(app?.items) || app.items.length !== SEARCH_PAGE || !app.nextCursor) {
    return `search.query should return a full page of ${SEARCH_PAGE} and a cursor, got ${JSON.stringify(app).slice(0, 300)}`;
  }
  const summary = (page) => (page?.items ?? []).map((h) => `${h.kind}:${h.key}:${h.rank}`).join(",");
  if (summary(app) !== summary(baseline) || app.nextCursor !== baseline.nextCursor) {
    return `baseline search differs from the app's:\n  app:      ${summary(app).slice(0, 300)}\n  baseline: ${summary(baseline).slice(0, 300)}`;
  }
  if (app.limited !== baseline.limited) return `app says limited=${app.limited}, baseline ${baseline.limited}`;
  if (!app.items.every((h) => h.snippet.some((s) => s.highlight))) return "a hit has no highlighted snippet";
  const highlighted = (h) => h.snippet.map((s) => (s.highlight ? `<<${s.text}>>` : s.text)).join("");
  if (app.items.some((h, i) => highlighted(h) !== baseline.items[i].headline))
    return "app and baseline snippets differ";
  return null;
}

function checkIssueList(app, baseline, reporterId) {
  if (!Array.isArray(app?.items) || app.items.length !== LIST_PAGE || !app.nextCursor) {
    return `issue.list should return ${LIST_PAGE} items and a cursor, got ${JSON.stringify(app).slice(0, 300)}`;
  }
  const invisible = app.items.find((i) => i.reporter?.id !== reporterId && i.assignee?.id !== reporterId);
  if (invisible) return `the reporter was shown ${invisible.key}, which they neither reported nor are assigned to`;
  const off = app.items.find(
    (i) => !LIST_FILTER.status.includes(i.status) || !LIST_FILTER.severity.includes(i.severity),
  );
  if (off) return `${off.key} (${off.status}, ${off.severity}) does not match the filter`;
  const summary = (page) =>
    (page?.items ?? [])
      .map((i) => `${i.key}:${i.status}:${i.severity}:${i.reporter?.id}:${i.assignee?.id}:${i.labels.join("|")}`)
      .join(",");
  if (summary(app) !== summary(baseline) || app.nextCursor !== baseline.nextCursor) {
    return `baseline page differs from the app's:\n  app:      ${summary(app).slice(0, 300)} ${app.nextCursor}\n  baseline: ${summary(baseline).slice(0, 300)} ${baseline.nextCursor}`;
  }
  return null;
}

function checkMatrix(app, baseline, expectedRequirements) {
  if (!Array.isArray(app?.requirements) || !Array.isArray(app.cells))
    return `traceLink.matrix returned ${JSON.stringify(app).slice(0, 300)}`;
  if (expectedRequirements !== undefined && app.requirements.length !== expectedRequirements) {
    return `the matrix has ${app.requirements.length} requirements, expected ${expectedRequirements}`;
  }
  const keys = (xs) => xs.map((x) => x.key).join(",");
  if (keys(app.requirements) !== keys(baseline?.requirements ?? []))
    return "app and baseline matrices have different requirement rows";
  if (keys(app.issues) !== keys(baseline.issues)) return "app and baseline matrices have different issue columns";
  const cells = (xs) =>
    xs
      .map((c) => `${c.requirementKey}>${c.issueKey}:${c.type}:${c.suspect}`)
      .sort()
      .join(",");
  if (app.cells.length !== baseline.cells.length || cells(app.cells) !== cells(baseline.cells)) {
    return `app and baseline matrices have different cells (${app.cells.length} vs ${baseline.cells.length})`;
  }
  return null;
}

/* ---------------------------------------------------------------- scenario */

export default {
  name: "traceability",
  title: `issues, search and traceability: ${ISSUES.toLocaleString("en")} issues, ${REQUIREMENTS.toLocaleString("en")} requirements, ${(ISSUE_LINKS + REQUIREMENT_LINKS).toLocaleString("en")} links`,
  seedBudgetMs: 900_000,

  async seed({ pool, runId, users, addUser }) {
    // A second session: a REPORTER of the project who reported about 4,000 of the issues.
    const reporter = await addUser("reporter");
    const projectKey = `T${randomLetters(4)}`;
    const projectId = `bench_${runId}_tr`;
    const prefix = `bench_${runId}_t`;
    const now = new Date(Date.now() - 3_600_000);
    const base = new Date(now.getTime() - 700 * 86_400_000).toISOString();
    const seededUsers = Array.from({ length: MEMBERS - 3 }, (_, i) => `${prefix}_u${i}`);
    // Reporters of the issues: the owner, the bench user (maintainer), the reporter session, 47 more.
    const members = [users.owner.id, users.bench.id, reporter.id, ...seededUsers];
    const assignees = [users.owner.id, users.bench.id, ...seededUsers.slice(0, SEEDED_MAINTAINERS)];
    const roles = members.map((_id, i) =>
      i === 0
        ? "ADMIN"
        : i === 1
          ? "MAINTAINER"
          : i === 2
            ? "REPORTER"
            : i - 3 < SEEDED_MAINTAINERS
              ? "MAINTAINER"
              : "REPORTER",
    );
    const client = await pool.connect();
    const timings = {};
    const step = async (name, sql, params) => {
      const t0 = Date.now();
      const res = await client.query(sql, params);
      timings[name] = Date.now() - t0;
      return res;
    };
    try {
      await client.query("BEGIN");
      await step(
        "users",
        `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "createdAt", "updatedAt")
         SELECT id, 'bench-' || id || '@example.com', 'Team member ' || ord, 'USER', ${utc("$2")}, ${utc("$2")}, ${utc("$2")}
         FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
        [seededUsers, base],
      );
      await step(
        "project",
        `INSERT INTO "Project" (id, key, name, description, settings, version, "createdAt", "updatedAt", "requirementCounter", "issueCounter")
         VALUES ($1, $2, $3, $4, '{}', 1, ${utc("$5")}, ${utc("$5")}, 0, 0)`,
        [
          projectId,
          projectKey,
          `Bench traceability ${projectKey}`,
          "Field-service platform: issues, requirements and trace links seeded for the traceability benchmark.",
          base,
        ],
      );
      await step(
        "memberships",
        `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
         SELECT $1 || '_m' || ord, $1, "userId", role::"ProjectRole", ${utc("$4")}, ${utc("$4")}
         FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t("userId", role, ord)`,
        [projectId, members, roles, base],
      );
      await step("seed_req", SEED_REQ_SQL, [
        REQ_ACTIONS,
        OBJECTS,
        REQ_QUALIFIERS,
        TRIGGERS,
        CONSTRAINTS,
        RATIONALES,
        REQ_TAGS,
        base,
        now.toISOString(),
      ]);
      await step(
        "requirements",
        `INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority, status,
           tags, attributes, "parentId", position, "createdById", "createdAt", "updatedAt")
         SELECT $1 || '_r' || r.n, $2, r.n, $3 || '-' || r.n, r.version, r.title, coalesce(r.statement_v2, r.statement_v1), r.rationale,
                r.type::"RequirementType", r.priority::"RequirementPriority", r.status::"RequirementStatus", r.tags, '{}',
                NULL, r.n, $4, r.created_at, coalesce(r.revised_at, r.created_at)
         FROM seed_req r`,
        [prefix, projectId, projectKey, users.owner.id],
      );
      await step(
        "requirementVersions",
        `INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale, type, priority,
           status, tags, attributes, "parentId", position, "changeKind", "changeNote", "authorId", "createdAt")
         SELECT $1 || '_v' || r.n || '_' || v.version, $1 || '_r' || r.n, $2, v.version, r.title,
                CASE v.version WHEN 1 THEN r.statement_v1 ELSE r.statement_v2 END, r.rationale,
                r.type::"RequirementType", r.priority::"RequirementPriority", r.status::"RequirementStatus", r.tags, '{}', NULL, r.n,
                CASE v.version WHEN 1 THEN 'created' ELSE 'updated' END,
                CASE v.version WHEN 1 THEN '' ELSE 'Raised the load and tightened the response-time limit after the capacity review' END,
                CASE v.version WHEN 1 THEN $3 ELSE $4 END,
                CASE v.version WHEN 1 THEN r.created_at ELSE r.revised_at END
         FROM seed_req r CROSS JOIN LATERAL generate_series(1, r.version) v(version)`,
        [prefix, projectId, users.owner.id, users.bench.id],
      );
      await step("issues", SEED_ISSUE_SQL, [
        projectId,
        prefix,
        projectKey,
        COMPONENTS,
        SYMPTOMS,
        ISSUE_ACTIONS,
        OBJECTS,
        ISSUE_QUALIFIERS,
        EXPECTED,
        LOGS,
        ENVIRONMENTS,
        ISSUE_LABELS,
        members,
        assignees,
        base,
        now.toISOString(),
      ]);
      await step("seed_ilink", SEED_ISSUE_LINK_SQL);
      await step("seed_rlink", SEED_REQ_LINK_SQL);
      // A link is made after both of its ends exist; one to a requirement revised since then is suspect
      // (linked against version 1, suspect since the revision).
      await step(
        "issueLinks",
        `INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceIssueId", "targetRequirementId", "linkedVersion",
           suspect, "suspectSince", "createdById", "createdAt")
         SELECT $1 || '_li' || k, $2, l.type::"TraceLinkType", 'I:' || i.id, i.id, r.id,
                CASE WHEN x.suspect THEN 1 ELSE r.version END, x.suspect, CASE WHEN x.suspect THEN s.revised_at END,
                i."assigneeId", x.created_at
         FROM seed_ilink l
         JOIN "Issue" i ON i.id = $1 || '_i' || l.issue_n
         JOIN "Requirement" r ON r.id = $1 || '_r' || l.req_n
         JOIN seed_req s ON s.n = l.req_n
         CROSS JOIN LATERAL (SELECT greatest(i."createdAt", r."createdAt") + interval '1 hour' AS created_at) c
         CROSS JOIN LATERAL (SELECT c.created_at AS created_at, s.revised_at IS NOT NULL AND c.created_at < s.revised_at AS suspect) x`,
        [prefix, projectId],
      );
      await step(
        "requirementLinks",
        `INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId", "linkedVersion",
           suspect, "suspectSince", "createdById", "createdAt")
         SELECT $1 || '_lr' || row_number() OVER (ORDER BY l.source_n, l.target_n, l.type), $2, l.type::"TraceLinkType",
                'R:' || $1 || '_r' || l.source_n, $1 || '_r' || l.source_n, $1 || '_r' || l.target_n,
                CASE WHEN x.suspect THEN 1 ELSE t.version END, x.suspect, CASE WHEN x.suspect THEN t.revised_at END, $3, x.created_at
         FROM seed_rlink l
         JOIN seed_req s ON s.n = l.source_n
         JOIN seed_req t ON t.n = l.target_n
         CROSS JOIN LATERAL (SELECT greatest(s.created_at, t.created_at) + interval '1 day' AS created_at) c
         CROSS JOIN LATERAL (SELECT c.created_at AS created_at, t.revised_at IS NOT NULL AND c.created_at < t.revised_at AS suspect) x`,
        [prefix, projectId, users.bench.id],
      );
      await step("counters", `UPDATE "Project" SET "requirementCounter" = $2, "issueCounter" = $3 WHERE id = $1`, [
        projectId,
        REQUIREMENTS,
        ISSUES,
      ]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    let t0 = Date.now();
    await pool.query(
      `VACUUM ANALYZE "User", "Project", "Membership", "Requirement", "RequirementVersion", "Issue", "TraceLink"`,
    );
    timings.vacuumAnalyze = Date.now() - t0;
    t0 = Date.now();
    await checkInvariants(pool, projectId);
    timings.invariants = Date.now() - t0;

    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = $1) AS requirements,
              (SELECT count(*)::int FROM "RequirementVersion" WHERE "projectId" = $1) AS "requirementVersions",
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1) AS issues,
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND "reporterId" = $2) AS "reportedByReporter",
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND ("reporterId" = $2 OR "assigneeId" = $2)) AS "visibleToReporter",
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND ("reporterId" = $2 OR "assigneeId" = $2)
                  AND status = ANY($3::"IssueStatus"[]) AND severity = ANY($4::"IssueSeverity"[])) AS "reporterFiltered",
              (SELECT count(*)::int FROM "TraceLink" WHERE "projectId" = $1) AS links,
              (SELECT count(*)::int FROM "TraceLink" WHERE "projectId" = $1 AND "sourceIssueId" IS NOT NULL) AS "issueLinks",
              (SELECT count(*)::int FROM "TraceLink" WHERE "projectId" = $1 AND suspect) AS "suspectLinks",
              (SELECT count(DISTINCT "targetRequirementId")::int FROM "TraceLink" WHERE "projectId" = $1 AND suspect AND "sourceIssueId" IS NOT NULL) AS "suspectMatrixRequirements",
              (SELECT count(DISTINCT "sourceIssueId")::int FROM "TraceLink" WHERE "projectId" = $1) AS "linkedIssues",
              (SELECT round(avg(length(description)))::int FROM "Issue" WHERE "projectId" = $1) AS "avgDescriptionChars",
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND "searchVector" @@ to_tsquery('english', $5)) AS "searchHits",
              (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = $1 AND "searchVector" @@ to_tsquery('english', $5)) AS "searchRequirementHits",
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND "searchVector" @@ to_tsquery('english', $6)) AS "broadHits",
              (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = $1 AND "searchVector" @@ to_tsquery('english', $6)) AS "broadRequirementHits"`,
      [
        projectId,
        reporter.id,
        LIST_FILTER.status,
        LIST_FILTER.severity,
        toPrefixQuery(SEARCH_QUERY),
        toPrefixQuery(SEARCH_BROAD),
      ],
    );
    const counts = rows[0];
    if (
      counts.requirements !== REQUIREMENTS ||
      counts.issues !== ISSUES ||
      counts.links !== ISSUE_LINKS + REQUIREMENT_LINKS ||
      counts.issueLinks !== ISSUE_LINKS
    ) {
      throw new Error(`seeded ${JSON.stringify(counts)}`);
    }
    if (counts.suspectMatrixRequirements !== REVISED)
      throw new Error(`${counts.suspectMatrixRequirements} requirements have suspect issue links, expected ${REVISED}`);
    if (counts.reporterFiltered <= LIST_PAGE)
      throw new Error(`the reporter's filtered list has only ${counts.reporterFiltered} issues`);
    const chainKeys = Array.from({ length: CHAIN_LENGTH }, (_, i) => `${projectKey}-${CHAIN_START + i}`);
    return {
      projectId,
      projectKey,
      runId,
      benchUserId: users.bench.id,
      reporterId: reporter.id,
      seededUserIds: seededUsers,
      chainHead: chainKeys[0],
      chainTail: chainKeys[CHAIN_LENGTH - 1],
      counts: { ...counts, members: MEMBERS, chainLength: CHAIN_LENGTH, seedStepsMs: timings },
    };
  },

  async cleanup({ pool, state }) {
    await pool.query(`DELETE FROM "Project" WHERE id = $1`, [state.projectId]);
    await pool.query(`DELETE FROM "User" WHERE id = ANY($1::text[])`, [state.seededUserIds]);
  },

  baseline: {
    "search.query": (pool, state) => baselineSearch(pool, state, SEARCH_QUERY, true),
    "search.query-broad": (pool, state) => baselineSearch(pool, state, SEARCH_BROAD, false),
    async "issue.list"(pool, state) {
      const { rows } = await pool.query(ISSUE_LIST_SQL, [
        state.projectId,
        state.reporterId,
        LIST_FILTER.status,
        LIST_FILTER.severity,
        LIST_PAGE + 1,
      ]);
      const hasMore = rows.length > LIST_PAGE;
      const items = hasMore ? rows.slice(0, LIST_PAGE) : rows;
      const last = items[items.length - 1];
      return { items, nextCursor: hasMore ? cursor([last.updatedAt.toISOString(), last.id]) : null };
    },

    "traceLink.matrix": (pool, state) => baselineMatrix(pool, state, true),
    "traceLink.matrix-all": (pool, state) => baselineMatrix(pool, state, false),
    "traceLink.matrix-csv": (pool, state) => baselineMatrix(pool, state, true),
    async "traceLink.coverage"(pool, state) {
      const [counts, suspect, reqCount, reqs, issueCount, issues] = await Promise.all([
        pool.query(COVERAGE_COUNTS_SQL, [state.projectId]),
        pool.query(COVERAGE_SUSPECT_SQL, [state.projectId]),
        pool.query(COVERAGE_ORPHAN_SQL.requirementCount, [state.projectId]),
        pool.query(COVERAGE_ORPHAN_SQL.requirements, [state.projectId, 50]),
        pool.query(COVERAGE_ORPHAN_SQL.issueCount, [state.projectId]),
        pool.query(COVERAGE_ORPHAN_SQL.issues, [state.projectId, 50]),
      ]);
      const c = counts.rows[0];
      return {
        approvedRequirements: c.approved,
        implemented: c.implemented,
        verified: c.verified,
        suspectLinks: suspect.rows[0].suspect,
        orphanRequirements: { count: reqCount.rows[0].n, items: reqs.rows },
        orphanIssues: { count: issueCount.rows[0].n, items: issues.rows },
      };
    },
    async "traceLink.impact"(pool, state) {
      const { rows } = await pool.query(IMPACT_SQL, [state.projectId, state.chainHead]);
      return {
        requirements: rows.filter((r) => r.kind === "requirement"),
        issues: rows.filter((r) => r.kind === "issue"),
      };
    },
  },

  endpoints(state) {
    return [
      {
        name: "search.query",
        appPath: `/api/trpc/search.query?input=${encodeURIComponent(JSON.stringify({ json: { q: SEARCH_QUERY, projectKey: state.projectKey, limit: SEARCH_PAGE } }))}`,
        targetP99Ms: 100,
        check: checkSearch,
      },
      {
        name: "search.query-broad",
        appPath: `/api/trpc/search.query?input=${encodeURIComponent(JSON.stringify({ json: { q: SEARCH_BROAD, limit: SEARCH_PAGE } }))}`,
        targetP99Ms: 100,
        check: checkSearch,
      },
      {
        name: "issue.list",
        session: "reporter",
        appPath: `/api/trpc/issue.list?input=${encodeURIComponent(JSON.stringify({ json: { projectKey: state.projectKey, limit: LIST_PAGE, ...LIST_FILTER, sort: "updated" } }))}`,
        targetP99Ms: 100,
        check: (app, baseline) => checkIssueList(app, baseline, state.reporterId),
      },
    ];
  },

  /** Timed one-shot operations (see lib/oneshot.mjs), as the bench user (a maintainer: every issue visible). */
  operations(state) {
    const projectKey = state.projectKey;
    return [
      {
        name: "traceLink.matrix",
        description: `suspect links only: ${REVISED.toLocaleString("en")} requirements`,
        repeat: 10,
        app: () => ({ type: "query", procedure: "traceLink.matrix", input: { projectKey, suspectOnly: true } }),
        baseline: () => ({}),
        check: (app, baseline) => checkMatrix(app, baseline, REVISED),
      },
      {
        name: "traceLink.matrix-all",
        description: `every issue link (${ISSUE_LINKS.toLocaleString("en")})`,
        repeat: 5,
        app: () => ({ type: "query", procedure: "traceLink.matrix", input: { projectKey } }),
        baseline: () => ({}),
        check(app, baseline) {
          if (app?.cells?.length !== ISSUE_LINKS)
            return `the whole matrix has ${app?.cells?.length} cells, expected ${ISSUE_LINKS}`;
          return checkMatrix(app, baseline);
        },
      },
      {
        name: "traceLink.matrix-csv",
        description: `suspect links only, as CSV: ${REVISED.toLocaleString("en")} rows`,
        repeat: 5,
        app: () => ({
          type: "query",
          procedure: "traceLink.matrix",
          input: { projectKey, suspectOnly: true, format: "csv" },
        }),
        baseline: () => ({}),
        check(app, baseline) {
          const problem = checkMatrix(app, baseline, REVISED);
          if (problem) return problem;
          const lines = (app.csv ?? "").trimEnd().split("\n");
          if (lines.length !== REVISED + 1) return `the CSV has ${lines.length} lines, expected ${REVISED + 1}`;
          if (lines[0] !== ["Requirement", "Title", ...baseline.issues.map((i) => i.key)].join(","))
            return "the CSV header does not list the matrix's issues";
          const filled = lines.slice(1).reduce((n, line) => n + line.split(",").slice(2).filter(Boolean).length, 0);
          const pairs = new Set(baseline.cells.map((c) => `${c.requirementKey} ${c.issueKey}`)).size;
          if (filled !== pairs) return `the CSV has ${filled} filled cells, expected ${pairs} linked pairs`;
          return null;
        },
      },
      {
        name: "traceLink.coverage",
        description: `${REQUIREMENTS.toLocaleString("en")} requirements, ${ISSUES.toLocaleString("en")} issues`,
        repeat: 20,
        targetMs: 200,
        app: () => ({ type: "query", procedure: "traceLink.coverage", input: { projectKey } }),
        baseline: () => ({}),
        check(app, b) {
          const a = app;
          if (
            !a ||
            a.approvedRequirements < 1000 ||
            a.implemented.count < 1 ||
            a.verified.count < 1 ||
            a.suspectLinks < REVISED
          ) {
            return `traceLink.coverage returned ${JSON.stringify(a).slice(0, 300)}`;
          }
          const got = [
            a.approvedRequirements,
            a.implemented.count,
            a.verified.count,
            a.suspectLinks,
            a.orphanRequirements.count,
            a.orphanIssues.count,
          ];
          const want = [
            b.approvedRequirements,
            b.implemented,
            b.verified,
            b.suspectLinks,
            b.orphanRequirements.count,
            b.orphanIssues.count,
          ];
          if (got.join() !== want.join()) return `coverage differs: app ${got.join("/")}, baseline ${want.join("/")}`;
          const keys = (xs) => xs.map((x) => `${x.key}:${x.status}`).join(",");
          if (
            keys(a.orphanRequirements.items) !== keys(b.orphanRequirements.items) ||
            keys(a.orphanIssues.items) !== keys(b.orphanIssues.items)
          ) {
            return "app and baseline list different orphans";
          }
          return null;
        },
      },
      {
        name: "traceLink.impact",
        description: `head of a ${CHAIN_LENGTH}-requirement chain with fan-out`,
        repeat: 20,
        app: () => ({ type: "query", procedure: "traceLink.impact", input: { key: state.chainHead } }),
        baseline: () => ({}),
        check(app, b) {
          const reqs = app?.requirements ?? [];
          const expected = CHAIN_LENGTH - 1 + CHAIN_LENGTH * FAN_OUT;
          if (
            reqs.length !== expected ||
            !reqs.some((r) => r.key === state.chainTail && r.depth === CHAIN_LENGTH - 1)
          ) {
            return `traceLink.impact reached ${reqs.length} requirements (expected ${expected}, the tail at depth ${CHAIN_LENGTH - 1})`;
          }
          const line = (xs, via) =>
            xs
              .map((x) => `${x.key}@${x.depth}${via ? `:${[...x.via].sort().join("|")}` : ""}`)
              .sort()
              .join(",");
          if (line(reqs) !== line(b.requirements)) return "app and baseline reached different requirements or depths";
          if (!app.issues.length || line(app.issues, true) !== line(b.issues, true))
            return "app and baseline reached different issues";
          return null;
        },
      },
    ];
  },
};
