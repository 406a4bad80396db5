import { type InstanceRole, Prisma, type ProjectRole } from "@prisma/client";

import type { ProjectListInput } from "@/lib/schemas/project";
import { OPEN_FOR_REPORTING_SQL, projectRolesSql } from "@/server/auth/project-roles-sql";
import { queryRows } from "@/server/db";
import { toPage } from "@/server/services/pagination";

interface ProjectListRow {
  id: string;
  key: string;
  name: string;
  description: string;
  version: number;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  updatedById: string | null;
  memberCount: number;
  /** The caller's role (effectiveRole, in SQL: project-roles-sql.ts). */
  myRole: ProjectRole;
  openReporting: boolean;
}

/**
 * Projects the user has a role in — a member, or anyone signed in where a project is open for reporting
 * (instance admins see all) — ordered by key, with the user's role and the member count of each.
 *
 * One statement (the page, the user's role and the page's member counts) rather than a query per
 * part. The settings stay in the database: a list item says only whether the project is open for
 * reporting, so a page costs the same whatever the projects' settings hold.
 */
export async function listProjects(opts: { user: { id: string; role: InstanceRole }; input: ProjectListInput }) {
  const items = await queryRows<ProjectListRow>(projectListSql(opts));
  return toPage(items, opts.input.limit, (p) => p.key);
}

/** The statement of one page (limit + 1 rows, to tell whether another follows). */
export function projectListSql(opts: { user: { id: string; role: InstanceRole }; input: ProjectListInput }) {
  const { cursor, limit, includeArchived } = opts.input;
  const roles = projectRolesSql(opts.user);
  return Prisma.sql`
    SELECT p.id, p.key, p.name, p.description, p.version,
           p."archivedAt", p."createdAt", p."updatedAt", p."updatedById",
           (SELECT count(*)::int FROM "Membership" c WHERE c."projectId" = p.id) AS "memberCount",
           ${roles.role} AS "myRole",
           ${OPEN_FOR_REPORTING_SQL} AS "openReporting"
    FROM ${roles.from}
    WHERE ${roles.hasRole}
      ${includeArchived ? Prisma.empty : Prisma.sql`AND p."archivedAt" IS NULL`}
      ${cursor ? Prisma.sql`AND p.key > ${cursor}` : Prisma.empty}
    ORDER BY p.key
    LIMIT ${limit + 1}`;
}
