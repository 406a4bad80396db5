/**
 * Scenario "foundation": the two reads every page does — who am I
 * (`user.me`) and my projects (`project.list`, first page of 50) — for a
 * signed-in, non-admin user who is a member of 200 projects (plus 50
 * projects they are not a member of, so the membership filter matters).
 *
 * The baseline answers the same questions with one hand-written SQL query
 * each over a plain `pg` Pool, without session decoding, tRPC or Prisma.
 */
import { randomBytes } from "node:crypto";

import { trpcQueryPath } from "../lib/http.mjs";

const MEMBER_PROJECTS = 200;
const OTHER_PROJECTS = 50;
const EXTRA_USERS = 20;
const PAGE = 50;
const ROLES = ["ADMIN", "MAINTAINER", "REPORTER"];

/** Three upper-case letters for 0 ≤ n < 26³. */
function letters(n) {
  let s = "";
  for (let i = 0; i < 3; i++) {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

function randomLetters(count) {
  return [...randomBytes(count)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
}

/** SQL of the baseline's project list; mirrors services/projects/list-projects.ts for a non-admin. */
const PROJECT_LIST_SQL = `
  SELECT p.id, p.key, p.name, p.description, p.version,
         COALESCE(p.settings -> 'openReporting' = 'true'::jsonb, false) AS "openReporting",
         p."archivedAt", p."createdAt", p."updatedAt",
         m.role AS "myRole",
         (SELECT count(*) FROM "Membership" c WHERE c."projectId" = p.id)::int AS "memberCount"
  FROM "Membership" m
  JOIN "Project" p ON p.id = m."projectId"
  WHERE m."userId" = $1 AND p."archivedAt" IS NULL
  ORDER BY p.key
  LIMIT $2`;

export default {
  name: "foundation",
  title: "signed-in reads: user.me and project.list (member of 200 projects, page of 50)",

  /** Inserts the projects and memberships with plain SQL (migrations have run). */
  async seed({ pool, runId, users }) {
    const prefix = randomLetters(3);
    const now = new Date();
    const extraUserIds = Array.from({ length: EXTRA_USERS }, (_, i) => `bench_${runId}_u${i}`);
    await pool.query(
      `INSERT INTO "User" (id, email, name, role, "emailVerifiedAt", "createdAt", "updatedAt")
       SELECT id, 'bench-' || id || '@example.com', 'Bench member ' || ord, 'USER', $2, $2, $2
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
      [extraUserIds, now],
    );

    const projects = [];
    const memberships = [];
    for (let i = 0; i < MEMBER_PROJECTS + OTHER_PROJECTS; i++) {
      const id = `bench_${runId}_p${i}`;
      const key = `${prefix}${letters(i)}`;
      projects.push({
        id,
        key,
        name: `Bench project ${key}`,
        description: `Requirements and issues of the ${key} product line. Seeded for the foundation benchmark (${i}).`,
        settings: JSON.stringify({ workflow: "default", labels: ["bench", key.toLowerCase()] }),
      });
      memberships.push({ projectId: id, userId: users.owner.id, role: "ADMIN" });
      if (i < MEMBER_PROJECTS)
        memberships.push({ projectId: id, userId: users.bench.id, role: ROLES[i % ROLES.length] });
      for (let k = 0; k < i % 6; k++)
        memberships.push({ projectId: id, userId: extraUserIds[(i + k) % EXTRA_USERS], role: "REPORTER" });
    }
    await pool.query(
      `INSERT INTO "Project" (id, key, name, description, settings, version, "createdAt", "updatedAt")
       SELECT id, key, name, description, settings::jsonb, 1, $6, $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, key, name, description, settings)`,
      [
        projects.map((p) => p.id),
        projects.map((p) => p.key),
        projects.map((p) => p.name),
        projects.map((p) => p.description),
        projects.map((p) => p.settings),
        now,
      ],
    );
    await pool.query(
      `INSERT INTO "Membership" (id, "projectId", "userId", role, "createdAt", "updatedAt")
       SELECT 'bench_${runId}_m' || ord, "projectId", "userId", role::"ProjectRole", $4, $4
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t("projectId", "userId", role, ord)`,
      [memberships.map((m) => m.projectId), memberships.map((m) => m.userId), memberships.map((m) => m.role), now],
    );
    await pool.query(`ANALYZE "User", "Project", "Membership"`);
    return {
      userId: users.bench.id,
      projectIds: projects.map((p) => p.id),
      extraUserIds,
      counts: {
        memberProjects: MEMBER_PROJECTS,
        otherProjects: OTHER_PROJECTS,
        memberships: memberships.length,
        extraUsers: EXTRA_USERS,
      },
    };
  },

  /** Removes what seed() inserted (only used on a database the benchmark did not create). */
  async cleanup({ pool, state }) {
    await pool.query(`DELETE FROM "Project" WHERE id = ANY($1::text[])`, [state.projectIds]);
    await pool.query(`DELETE FROM "User" WHERE id = ANY($1::text[])`, [state.extraUserIds]);
  },

  /** Handlers of the raw node:http + pg baseline; each returns the data the tRPC procedure returns. */
  baseline: {
    async "user.me"(pool, state) {
      const { rows } = await pool.query(`SELECT id, email, name, role FROM "User" WHERE id = $1`, [state.userId]);
      return rows[0] ?? null;
    },
    async "project.list"(pool, state) {
      const { rows } = await pool.query(PROJECT_LIST_SQL, [state.userId, PAGE + 1]);
      const hasMore = rows.length > PAGE;
      const items = hasMore ? rows.slice(0, PAGE) : rows;
      return { items, nextCursor: hasMore ? items[items.length - 1].key : null };
    },
  },

  endpoints(state) {
    return [
      {
        name: "user.me",
        appPath: trpcQueryPath("user.me"),
        check(app, baseline) {
          if (app?.id !== state.userId) return `user.me returned ${JSON.stringify(app)}`;
          if (app.role !== "USER") return `the bench user should not be an instance admin (role ${app.role})`;
          if (baseline?.id !== app.id || baseline.email !== app.email)
            return `baseline user.me differs: ${JSON.stringify(baseline)}`;
          return null;
        },
      },
      {
        name: "project.list",
        appPath: trpcQueryPath("project.list", { limit: PAGE }),
        check(app, baseline) {
          if (!Array.isArray(app?.items) || app.items.length !== PAGE || !app.nextCursor) {
            return `project.list should return ${PAGE} items and a cursor, got ${JSON.stringify(app).slice(0, 300)}`;
          }
          const summary = (page) => page.items.map((p) => `${p.key}:${p.myRole}:${p.memberCount}`).join(",");
          if (summary(app) !== summary(baseline) || app.nextCursor !== baseline.nextCursor) {
            return `baseline project.list differs from the app's:\n  app:      ${summary(app).slice(0, 200)}\n  baseline: ${summary(baseline).slice(0, 200)}`;
          }
          return null;
        },
      },
    ];
  },
};
