/**
 * The role rule in SQL (server/auth/project-roles-sql.ts) against the rule itself (`effectiveRole`,
 * `isOpenForReporting`): for every instance role, membership and openness, the same projects and the
 * same role.
 */
import type { ProjectRole } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";

import { effectiveRole, isOpenForReporting, PROJECT_ROLES } from "@/server/auth/permissions";
import { OPEN_FOR_REPORTING_SQL, projectRolesSql } from "@/server/auth/project-roles-sql";
import { db, queryRows } from "@/server/db";
import { listProjects, projectListSql } from "@/server/services/projects/list-projects";

import { addMembership, createUser, uniqueProjectKey } from "../helpers/factories";

/** Settings as stored: only JSON `true` opens a project; other values and shapes do not. */
const SETTINGS: Prisma.InputJsonObject[] = [
  {},
  { openReporting: true },
  { openReporting: false },
  { openReporting: "true" },
  { openReporting: 1 },
  { openReporting: { on: true } },
];

describe("project roles in SQL", () => {
  it("gives each person the projects and roles effectiveRole gives them", async () => {
    const owner = await createUser({ name: "Roles owner" });
    const memberships: (ProjectRole | null)[] = [null, ...PROJECT_ROLES];
    const people = [
      await createUser({ name: "Plain user" }),
      await createUser({ name: "Instance admin", role: "ADMIN" }),
    ];
    const projects: { id: string; settings: Prisma.InputJsonObject; memberRole: ProjectRole | null }[] = [];
    for (const settings of SETTINGS) {
      for (const memberRole of memberships) {
        const key = uniqueProjectKey();
        const project = await db.project.create({
          data: { key, name: `Roles ${key}`, settings, memberships: { create: { userId: owner.id, role: "ADMIN" } } },
        });
        for (const person of people) if (memberRole) await addMembership(project.id, person.id, memberRole);
        projects.push({ id: project.id, settings, memberRole });
      }
    }
    const ids = projects.map((p) => p.id);

    for (const person of people) {
      const roles = projectRolesSql(person);
      const rows = await queryRows<{ id: string; role: string; hasRole: boolean; open: boolean }>(Prisma.sql`
        SELECT p.id, ${roles.role} AS role, ${roles.hasRole} AS "hasRole", ${OPEN_FOR_REPORTING_SQL} AS open
        FROM ${roles.from}
        WHERE p.id IN (${Prisma.join(ids)})`);
      expect(rows).toHaveLength(projects.length);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const project of projects) {
        const row = byId.get(project.id);
        const open = isOpenForReporting(project.settings);
        const expected = effectiveRole({
          instanceRole: person.role,
          memberRole: project.memberRole,
          openReporting: open,
        });
        expect({ open: row?.open, hasRole: row?.hasRole, role: row?.hasRole ? row.role : null }).toEqual({
          open,
          hasRole: expected !== null,
          role: expected,
        });
      }
    }
  });
});

/** Rows read from "Project" by every node of an EXPLAIN ANALYZE plan (rows × loops). */
function projectRowsRead(plan: PlanNode): number {
  const own = plan["Relation Name"] === "Project" ? (plan["Actual Rows"] ?? 0) * (plan["Actual Loops"] ?? 1) : 0;
  const removed =
    plan["Relation Name"] === "Project" ? (plan["Rows Removed by Filter"] ?? 0) * (plan["Actual Loops"] ?? 1) : 0;
  return own + removed + (plan.Plans ?? []).reduce((sum, child) => sum + projectRowsRead(child), 0);
}

interface PlanNode {
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
}

describe("the cost of the list of projects", () => {
  it("follows the projects the person has a role in, not the projects on the instance", async () => {
    const person = await createUser({ name: "Member of two" });
    const prefix = uniqueProjectKey(5);
    // 20,000 projects of other people (a few of them open for reporting), and the person's two. (With a few
    // thousand, reading them all is the cheaper plan, and the planner rightly takes it.)
    await db.$executeRaw(Prisma.sql`
      INSERT INTO "Project" (id, key, name, settings, "updatedAt")
      SELECT ${prefix} || g, ${prefix} || lpad(g::text, 5, '0'), 'Someone else''s ' || g,
             CASE WHEN g % 5000 = 0 THEN '{"openReporting": true}'::jsonb ELSE '{"workflow": "default"}'::jsonb END,
             now()
      FROM generate_series(1, 20000) g`);
    for (const n of [1500, 2500]) {
      await addMembership(`${prefix}${n}`, person.id, "MAINTAINER");
    }
    await db.$executeRaw`ANALYZE "Project", "Membership"`;

    const input = { limit: 50, includeArchived: false };
    const page = await listProjects({ user: person, input });
    expect(page.items.map((p) => [p.key, p.myRole])).toEqual(
      expect.arrayContaining([
        [`${prefix}05000`, "REPORTER"],
        [`${prefix}01500`, "MAINTAINER"],
        [`${prefix}02500`, "MAINTAINER"],
      ]),
    );
    const [explained] = await queryRows<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      Prisma.sql`EXPLAIN (ANALYZE, FORMAT JSON) ${projectListSql({ user: person, input })}`,
    );
    if (!explained) throw new Error("EXPLAIN answered nothing");
    const read = projectRowsRead(explained["QUERY PLAN"][0].Plan);
    // Its memberships, the open projects (every instance's, a handful here) and their rows: not 20,000.
    expect(read).toBeLessThan(100);
  });
});
