import { type InstanceRole, Prisma, type ProjectRole } from "@prisma/client";

import type { ProjectListInput } from "@/lib/schemas/project";
import { effectiveRole } from "@/server/auth/permissions";
import { queryRows } from "@/server/db";
import { toPage } from "@/server/services/pagination";

interface ProjectListRow {
  id: string;
  key: string;
  name: string;
  description: string;
  openReporting: boolean;
  version: number;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  updatedById: string | null;
  /** The user's own membership role, null where they have none. */
  memberRole: ProjectRole | null;
  memberCount: number;
}

/**
 * Projects the user has a role in — a member, or anyone signed in where a project is open for reporting
 * (instance admins see all) — ordered by key, with the user's role and the member count of each.
 *
 * One statement (the page, the user's membership and the page's member counts) rather than a query per
 * part. The settings stay in the database: a list item says only whether the project is open for
 * reporting (`isOpenForReporting`, in SQL), so a page costs the same whatever the projects' settings hold.
 */
export async function listProjects(opts: { user: { id: string; role: InstanceRole }; input: ProjectListInput }) {
  const { cursor, limit, includeArchived } = opts.input;
  const isAdmin = opts.user.role === "ADMIN";
  const rows = await queryRows<ProjectListRow>(Prisma.sql`
    SELECT p.id, p.key, p.name, p.description, p.version,
           COALESCE(p.settings -> 'openReporting' = 'true'::jsonb, false) AS "openReporting",
           p."archivedAt", p."createdAt", p."updatedAt", p."updatedById",
           m.role::text AS "memberRole",
           (SELECT count(*)::int FROM "Membership" c WHERE c."projectId" = p.id) AS "memberCount"
    FROM "Project" p
    LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = ${opts.user.id}
    WHERE ${isAdmin ? Prisma.sql`true` : Prisma.sql`(m.id IS NOT NULL OR p.settings -> 'openReporting' = 'true'::jsonb)`}
      ${includeArchived ? Prisma.empty : Prisma.sql`AND p."archivedAt" IS NULL`}
      ${cursor ? Prisma.sql`AND p.key > ${cursor}` : Prisma.empty}
    ORDER BY p.key
    LIMIT ${limit + 1}`);
  const items = rows.map((p) => ({
    id: p.id,
    key: p.key,
    name: p.name,
    description: p.description,
    version: p.version,
    archivedAt: p.archivedAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    updatedById: p.updatedById,
    memberCount: p.memberCount,
    openReporting: p.openReporting,
    myRole: effectiveRole({
      instanceRole: opts.user.role,
      memberRole: p.memberRole,
      openReporting: p.openReporting,
    }) as ProjectRole,
  }));
  return toPage(items, limit, (p) => p.key);
}
