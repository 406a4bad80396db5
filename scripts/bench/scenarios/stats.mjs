/**
 * Scenario "stats": one project with 200,000 issues created over 120 days
 * (about 70 % closed, a few days to three weeks after they were filed),
 * 2,000 requirements with 1–5 versions each walking the workflow, 1,500
 * IMPLEMENTS links (30 suspect), and a DailyStat row for each of the 120 days
 * and today. All seeded with set-based SQL (generate_series), one
 * transaction; the daily rows by the baseline's aggregation statement.
 *
 * Load-tested (autocannon, like foundation), app vs one raw SQL query over
 * the same DailyStat rows:
 *   stats.dashboard      the last 30 days
 *   stats.dashboard-90   the last 90 days
 * Timed one-shot operation (lib/oneshot.mjs), app vs the same aggregation
 * statement over plain pg:
 *   stats.aggregate-day  recompute one past day (stats.refresh with a day)
 */
import { randomBytes } from "node:crypto";

const ISSUES = 200_000;
const DAYS = 120;
const REQUIREMENTS = 2_000;
const LINKS = 1_500;
const AGGREGATED_DAY_OFFSET = 30; // the one-shot recomputes today − 30 days
const PATH = ["DRAFT", "IN_REVIEW", "APPROVED", "IMPLEMENTED", "VERIFIED"];
const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
const STATUSES = ["OPEN", "TRIAGED", "IN_PROGRESS", "DONE", "WONT_FIX"];
const REQUIREMENT_STATUSES = [...PATH, "DEPRECATED"];

function randomLetters(count) {
  return [...randomBytes(count)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
}

const dayString = (d) => d.toISOString().slice(0, 10);
const addDays = (day, n) => dayString(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));

// h(expr, salt): a stable non-negative pseudo-random integer.
const h = (expr, salt) => `(hashtext((${expr})::text || ':${salt}')::bigint & 2147483647)`;

/** $1 id prefix, $2 project id, $3 project key, $4 reporter id, $5 base time (ISO, UTC). */
const SEED_ISSUES_SQL = `
  INSERT INTO "Issue" (id, "projectId", number, key, version, title, description, severity, status, labels,
    "reporterId", "closedAt", "createdAt", "updatedAt")
  SELECT $1 || '_i' || n, $2, n, $3 || '-I-' || n, 1, 'Telemetry defect ' || n, '',
         severity::"IssueSeverity",
         (CASE WHEN closed_at IS NOT NULL THEN CASE WHEN ${h("n", "wf")} % 10 = 0 THEN 'WONT_FIX' ELSE 'DONE' END
               ELSE (ARRAY['OPEN','TRIAGED','IN_PROGRESS'])[1 + ${h("n", "st")} % 3] END)::"IssueStatus",
         '{}', $4, closed_at, created_at, coalesce(closed_at, created_at)
  FROM (
    SELECT n, created_at, severity,
           CASE WHEN closes AND created_at + close_after < now() AT TIME ZONE 'UTC' THEN created_at + close_after END AS closed_at
    FROM (
      SELECT n,
             ($5::timestamptz AT TIME ZONE 'UTC') + interval '${DAYS} days' * (n - 1) / ${ISSUES} + (${h("n", "jitter")} % 3600) * interval '1 second' AS created_at,
             (ARRAY['LOW','MEDIUM','MEDIUM','HIGH','HIGH','CRITICAL'])[1 + ${h("n", "sev")} % 6] AS severity,
             ${h("n", "closes")} % 10 < 7 AS closes,
             (3600 + ${h("n", "after")} % (21 * 86400)) * interval '1 second' AS close_after
      FROM generate_series(1, ${ISSUES}) n
    ) g
  ) s`;

/** $1 base time. */
const SEED_REQUIREMENTS_SQL = `
  CREATE TEMP TABLE seed_stats_req ON COMMIT DROP AS
  SELECT n, 1 + ${h("n", "versions")} % 5 AS versions,
         ($1::timestamptz AT TIME ZONE 'UTC') + interval '100 days' * (n - 1) / ${REQUIREMENTS} AS created_at
  FROM generate_series(1, ${REQUIREMENTS}) n`;
/** $1 id prefix, $2 project id, $3 author id. */
const SEED_VERSIONS_SQL = `
  INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale, type, priority,
    status, tags, attributes, "parentId", position, "changeKind", "changeNote", "authorId", "createdAt")
  SELECT $1 || '_v' || r.n || '_' || v, $1 || '_r' || r.n, $2, v, 'Telemetry requirement ' || r.n,
         'The system shall record telemetry channel ' || r.n || '.', '', 'FUNCTIONAL', 'SHOULD',
         (ARRAY['${PATH.join("','")}'])[v]::"RequirementStatus", '{}', '{}', NULL, r.n,
         CASE WHEN v = 1 THEN 'created' ELSE 'transitioned' END, '', $3,
         r.created_at + (v - 1) * interval '3 days'
  FROM seed_stats_req r, generate_series(1, r.versions) v`;
/** $1 id prefix, $2 project id, $3 project key, $4 author id. */
const SEED_REQUIREMENT_ROWS_SQL = `
  INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority, status,
    tags, attributes, "parentId", position, "createdById", "createdAt", "updatedAt")
  SELECT $1 || '_r' || r.n, $2, r.n, $3 || '-' || r.n, r.versions, 'Telemetry requirement ' || r.n,
         'The system shall record telemetry channel ' || r.n || '.', '', 'FUNCTIONAL', 'SHOULD',
         (ARRAY['${PATH.join("','")}'])[r.versions]::"RequirementStatus", '{}', '{}', NULL, r.n, $4,
         r.created_at, r.created_at + (r.versions - 1) * interval '3 days'
  FROM seed_stats_req r`;
/** Issue 100·k implements requirement 1 + k mod 2,000; every 50th link is suspect. */
const SEED_LINKS_SQL = `
  INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceIssueId", "targetRequirementId", "linkedVersion",
    suspect, "suspectSince", "createdAt")
  SELECT $1 || '_l' || k, $2, 'IMPLEMENTS', 'I:' || i.id, i.id, r.id, 1, k % 50 = 0,
         CASE WHEN k % 50 = 0 THEN greatest(i."createdAt", r."createdAt") + interval '1 day' END,
         greatest(i."createdAt", r."createdAt")
  FROM generate_series(1, ${LINKS}) k
  JOIN "Issue" i ON i.id = $1 || '_i' || (k * 100)
  JOIN "Requirement" r ON r.id = $1 || '_r' || (1 + k % ${REQUIREMENTS})`;

/**
 * The aggregation of one day, as server/services/stats/aggregate-daily-stats.ts
 * writes it: $1 project id, $2 day (YYYY-MM-DD), $3 whether the day is today.
 */
const AGGREGATE_SQL = `
  WITH bounds AS (
    SELECT $2::date::timestamp AS day_start, $2::date::timestamp + interval '1 day' AS day_end
  ),
  issue_counts AS (
    SELECT
      count(*) FILTER (WHERE i."createdAt" >= b.day_start)::int AS created,
      jsonb_build_object(${SEVERITIES.map((s) => `'${s}', count(*) FILTER (WHERE i.open_then AND i.severity = '${s}')`).join(", ")}) AS by_severity,
      jsonb_build_object(${STATUSES.map((s) => `'${s}', count(*) FILTER (WHERE i.status_then = '${s}')`).join(", ")}) AS by_status
    FROM bounds b
    LEFT JOIN LATERAL (
      SELECT x.severity, x."createdAt",
             (x."closedAt" IS NULL OR x."closedAt" >= b.day_end) AS open_then,
             CASE WHEN x."closedAt" < b.day_end THEN x.status::text
                  WHEN x.status IN ('OPEN', 'TRIAGED', 'IN_PROGRESS') THEN x.status::text
                  WHEN x.status = 'DONE' THEN 'IN_PROGRESS'
                  ELSE 'OPEN' END AS status_then
      FROM "Issue" x
      WHERE x."projectId" = $1 AND x."createdAt" < b.day_end
    ) i ON true
    GROUP BY b.day_start
  ),
  closed_on_day AS (
    SELECT count(*)::int AS closed FROM "Issue" x, bounds b
    WHERE x."projectId" = $1 AND x."closedAt" >= b.day_start AND x."closedAt" < b.day_end
  ),
  versions AS (
    SELECT v."requirementId", v.version, v.status, v."createdAt" FROM "RequirementVersion" v, bounds b
    WHERE v."projectId" = $1 AND v."createdAt" < b.day_end
  ),
  versions_on_day AS (
    SELECT count(*)::int AS written FROM versions v, bounds b WHERE v."createdAt" >= b.day_start
  ),
  requirement_then AS (
    SELECT DISTINCT ON (v."requirementId") v."requirementId" AS id, v.status FROM versions v ORDER BY v."requirementId", v.version DESC
  ),
  requirement_counts AS (
    SELECT
      jsonb_build_object(${REQUIREMENT_STATUSES.map((s) => `'${s}', count(*) FILTER (WHERE r.status = '${s}')`).join(", ")}) AS by_status,
      count(*) FILTER (WHERE r.status IN ('APPROVED', 'IMPLEMENTED', 'VERIFIED')) AS approved,
      count(*) FILTER (
        WHERE r.status IN ('APPROVED', 'IMPLEMENTED', 'VERIFIED')
          AND EXISTS (
            SELECT 1 FROM "TraceLink" l JOIN "Issue" i ON i.id = l."sourceIssueId"
            WHERE l."targetRequirementId" = r.id AND l.type = 'IMPLEMENTS' AND l."createdAt" < b.day_end
              AND i.status = 'DONE' AND i."closedAt" < b.day_end)
      ) AS implemented
    FROM bounds b LEFT JOIN requirement_then r ON true
    GROUP BY b.day_start
  ),
  suspect AS (
    SELECT count(*)::int AS n FROM "TraceLink" l, bounds b
    WHERE l."projectId" = $1 AND l.suspect AND l."suspectSince" < b.day_end AND l."createdAt" < b.day_end
  )
  INSERT INTO "DailyStat" AS s ("projectId", day, "openBySeverity", "issuesByStatus", "issuesCreated", "issuesClosed",
    "requirementsByStatus", "versionsWritten", "suspectLinks", "coveragePct", "computedAt")
  SELECT $1, $2::date, ic.by_severity, ic.by_status, ic.created, cd.closed, rc.by_status, vd.written, su.n,
         CASE WHEN rc.approved = 0 THEN NULL ELSE (round(rc.implemented::numeric * 1000 / rc.approved) / 10)::float8 END,
         now()
  FROM issue_counts ic, closed_on_day cd, versions_on_day vd, requirement_counts rc, suspect su
  ON CONFLICT ("projectId", day) DO UPDATE SET
    "openBySeverity" = EXCLUDED."openBySeverity", "issuesByStatus" = EXCLUDED."issuesByStatus",
    "issuesCreated" = EXCLUDED."issuesCreated", "issuesClosed" = EXCLUDED."issuesClosed",
    "requirementsByStatus" = EXCLUDED."requirementsByStatus", "versionsWritten" = EXCLUDED."versionsWritten",
    "suspectLinks" = CASE WHEN $3::boolean THEN EXCLUDED."suspectLinks" ELSE s."suspectLinks" END,
    "coveragePct" = EXCLUDED."coveragePct", "computedAt" = EXCLUDED."computedAt"
  RETURNING to_char(s.day, 'YYYY-MM-DD') AS day, s."openBySeverity", s."issuesByStatus", s."issuesCreated", s."issuesClosed",
            s."requirementsByStatus", s."versionsWritten", s."suspectLinks", s."coveragePct"`;

/** The dashboard's read: the stored rows of the window, oldest first. */
const DASHBOARD_SQL = `
  SELECT to_char(day, 'YYYY-MM-DD') AS day, "openBySeverity", "issuesByStatus", "issuesCreated", "issuesClosed",
         "requirementsByStatus", "versionsWritten", "suspectLinks", "coveragePct", "computedAt"
  FROM "DailyStat"
  WHERE "projectId" = $1 AND day BETWEEN $2::date AND $3::date
  ORDER BY day`;

async function baselineDashboard(pool, state, days) {
  const to = dayString(new Date());
  const from = addDays(to, -(days - 1));
  const { rows } = await pool.query(DASHBOARD_SQL, [state.projectId, from, to]);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const series = [];
  for (let day = from; day <= to; day = addDays(day, 1)) series.push({ day, stat: byDay.get(day) ?? null });
  const latest = rows.at(-1) ?? null;
  return { days, from, to, current: latest, series };
}

/** The numbers a stored day is compared on (computedAt and key order aside). */
const numbers = (r) =>
  r &&
  JSON.stringify([
    r.day,
    SEVERITIES.map((s) => r.openBySeverity?.[s]),
    STATUSES.map((s) => r.issuesByStatus?.[s]),
    r.issuesCreated,
    r.issuesClosed,
    REQUIREMENT_STATUSES.map((s) => r.requirementsByStatus?.[s]),
    r.versionsWritten,
    r.suspectLinks,
    r.coveragePct,
  ]);

function checkDashboard(app, baseline, days) {
  if (!Array.isArray(app?.series) || app.series.length !== days)
    return `stats.dashboard returned ${JSON.stringify(app).slice(0, 300)}`;
  if (app.series.some((s) => s.stat === null)) return "a day of the window has no stored row";
  const appSeries = app.series.map((s) => numbers(s.stat)).join("|");
  const baseSeries = baseline.series.map((s) => numbers(s.stat)).join("|");
  if (appSeries !== baseSeries) return "app and raw baseline series differ";
  if (app.current?.openIssues !== SEVERITIES.reduce((a, s) => a + baseline.current.openBySeverity[s], 0))
    return "open issue totals differ";
  if (!(app.current.openIssues > 10_000)) return `only ${app.current.openIssues} open issues; the seed went wrong`;
  return null;
}

export default {
  name: "stats",
  title: `daily statistics: ${ISSUES.toLocaleString("en")} issues over ${DAYS} days, ${REQUIREMENTS.toLocaleString("en")} requirements, dashboard and one-day aggregation`,
  seedBudgetMs: 300_000,

  async seed({ pool, runId, users }) {
    const projectKey = `S${randomLetters(4)}`;
    const projectId = `bench_${runId}_st`;
    const prefix = `bench_${runId}_st`;
    const today = dayString(new Date());
    const firstDay = addDays(today, -DAYS);
    const base = `${firstDay}T00:00:00Z`;
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO "Project" (id, key, name, description, settings, version, "createdAt", "updatedAt", "requirementCounter", "issueCounter")
         VALUES ($1, $2, $3, $4, '{}', 1, $5, $5, $6, $7)`,
        [
          projectId,
          projectKey,
          `Bench stats ${projectKey}`,
          "Telemetry platform: issues and requirements seeded for the statistics benchmark.",
          base,
          REQUIREMENTS,
          ISSUES,
        ],
      );
      await client.query(
        `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
         VALUES ($1 || '_m1', $1, $2, 'ADMIN', $4, $4), ($1 || '_m2', $1, $3, 'MAINTAINER', $4, $4)`,
        [projectId, users.owner.id, users.bench.id, base],
      );
      await client.query(SEED_ISSUES_SQL, [prefix, projectId, projectKey, users.owner.id, base]);
      await client.query(SEED_REQUIREMENTS_SQL, [base]);
      await client.query(SEED_REQUIREMENT_ROWS_SQL, [prefix, projectId, projectKey, users.owner.id]);
      await client.query(SEED_VERSIONS_SQL, [prefix, projectId, users.owner.id]);
      await client.query(SEED_LINKS_SQL, [prefix, projectId]);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    await pool.query(`ANALYZE "Issue", "Requirement", "RequirementVersion", "TraceLink"`);
    const started = Date.now();
    for (let day = firstDay; day <= today; day = addDays(day, 1))
      await pool.query(AGGREGATE_SQL, [projectId, day, day === today]);
    const backfillMs = Date.now() - started;
    await pool.query(`ANALYZE "DailyStat"`);

    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1) AS issues,
              (SELECT count(*)::int FROM "Issue" WHERE "projectId" = $1 AND "closedAt" IS NULL) AS open,
              (SELECT count(*)::int FROM "Requirement" WHERE "projectId" = $1) AS requirements,
              (SELECT count(*)::int FROM "RequirementVersion" WHERE "projectId" = $1) AS versions,
              (SELECT count(*)::int FROM "TraceLink" WHERE "projectId" = $1) AS links,
              (SELECT count(*)::int FROM "DailyStat" WHERE "projectId" = $1) AS "dailyRows"`,
      [projectId],
    );
    const counts = rows[0];
    if (counts.issues !== ISSUES || counts.links !== LINKS || counts.dailyRows !== DAYS + 1)
      throw new Error(`seeded ${JSON.stringify(counts)}`);
    return {
      projectId,
      projectKey,
      counts: { ...counts, backfillMs, backfillMsPerDay: Math.round(backfillMs / (DAYS + 1)) },
    };
  },

  async cleanup({ pool, state }) {
    await pool.query(`DELETE FROM "Project" WHERE id = $1`, [state.projectId]);
  },

  baseline: {
    "stats.dashboard": (pool, state) => baselineDashboard(pool, state, 30),
    "stats.dashboard-90": (pool, state) => baselineDashboard(pool, state, 90),
    async "stats.aggregate-day"(pool, state, params) {
      const { rows } = await pool.query(AGGREGATE_SQL, [state.projectId, params.day, false]);
      return rows[0];
    },
  },

  endpoints(state) {
    const path = (days) =>
      `/api/trpc/stats.dashboard?input=${encodeURIComponent(JSON.stringify({ json: { projectKey: state.projectKey, days } }))}`;
    return [
      {
        name: "stats.dashboard",
        appPath: path(30),
        targetP99Ms: 50,
        check: (app, baseline) => checkDashboard(app, baseline, 30),
      },
      {
        name: "stats.dashboard-90",
        appPath: path(90),
        targetP99Ms: 50,
        check: (app, baseline) => checkDashboard(app, baseline, 90),
      },
    ];
  },

  operations(state) {
    const day = addDays(dayString(new Date()), -AGGREGATED_DAY_OFFSET);
    return [
      {
        name: "stats.aggregate-day",
        description: `recompute ${day} over ${ISSUES.toLocaleString("en")} issues`,
        repeat: 10,
        targetMs: 2000,
        app: () => ({ type: "mutation", procedure: "stats.refresh", input: { projectKey: state.projectKey, day } }),
        baseline: () => ({ day }),
        check(app, baseline) {
          if (app?.day !== day) return `stats.refresh returned ${JSON.stringify(app).slice(0, 300)}`;
          if (numbers(app) !== numbers(baseline))
            return `app and raw aggregation differ:\n  app:      ${numbers(app)}\n  baseline: ${numbers(baseline)}`;
          if (!(app.issuesCreated > 1000 && app.issuesClosed > 1000)) return `implausible day: ${numbers(app)}`;
          return null;
        },
      },
    ];
  },
};
