/**
 * `effectiveRole` (permissions.ts) in SQL, for the reads that go over every project a person has a role in
 * at once: the list of projects and search across projects. The access check of a single project
 * (resolve-project-access.ts) reads the same columns and applies `effectiveRole` itself.
 *
 * The fragments read `"Project"` as `p` and the person's membership as `m` (`from` joins both), so a read
 * writes `SELECT …, ${roles.role} AS role FROM ${roles.from} WHERE ${roles.hasRole} …`.
 * tests/integration/project-roles-sql.test.ts compares them with `effectiveRole` for every combination.
 */
import { type InstanceRole, Prisma } from "@prisma/client";

/** Whether `p` is open for reporting: its `openReporting` setting is JSON `true` (isOpenForReporting). */
export const OPEN_FOR_REPORTING_SQL = Prisma.sql`COALESCE(p.settings -> 'openReporting' = 'true'::jsonb, false)`;

export interface ProjectRolesSql {
  /** `"Project" p` with the person's membership `m`, where they have one. */
  from: Prisma.Sql;
  /** True for the projects the person has a role in. */
  hasRole: Prisma.Sql;
  /** Their role there, as text (`effectiveRole`); meaningful where `hasRole` holds. */
  role: Prisma.Sql;
}

export function projectRolesSql(user: { id: string; role: InstanceRole }): ProjectRolesSql {
  const from = Prisma.sql`"Project" p LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = ${user.id}`;
  if (user.role === "ADMIN") return { from, hasRole: Prisma.sql`true`, role: Prisma.sql`'ADMIN'::text` };
  return {
    from,
    // The person's memberships and the open projects, each read through its own index (the second through
    // "Project_openReporting_idx", whose expression this repeats word for word): the cost follows the
    // number of projects the person has a role in, not the number on the instance.
    hasRole: Prisma.sql`p.id IN (
      SELECT mine."projectId" FROM "Membership" mine WHERE mine."userId" = ${user.id}
      UNION ALL
      SELECT o.id FROM "Project" o WHERE (o.settings -> 'openReporting') = 'true'::jsonb)`,
    role: Prisma.sql`COALESCE(m.role::text, 'REPORTER')`,
  };
}
