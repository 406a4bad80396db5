import { type InstanceRole, Prisma, type ProjectRole } from "@prisma/client";

import { queryRows } from "@/server/db";

/**
 * The caller and their effective role in a project, in one prepared
 * statement (the per-request path of every project procedure). null when the user no longer
 * exists; `project`/`role` null when the project does not exist or the
 * caller is not a member (both mean NOT_FOUND to the caller).
 */
export async function resolveCallerInProject(opts: { userId: string; projectKey: string | null }) {
  const rows = await queryRows<{
    userId: string;
    email: string;
    userName: string;
    userRole: InstanceRole;
    projectId: string | null;
    projectKey: string | null;
    projectName: string | null;
    archivedAt: Date | null;
    memberRole: ProjectRole | null;
  }>(Prisma.sql`
    SELECT u.id AS "userId", u.email, u.name AS "userName", u.role AS "userRole",
           p.id AS "projectId", p.key AS "projectKey", p.name AS "projectName", p."archivedAt",
           m.role AS "memberRole"
    FROM "User" u
    LEFT JOIN "Project" p ON p.key = ${opts.projectKey}
    LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = u.id
    WHERE u.id = ${opts.userId}`);
  const row = rows[0];
  if (!row) return null;
  const user = { id: row.userId, email: row.email, name: row.userName, role: row.userRole };
  const project =
    row.projectId && row.projectKey && row.projectName !== null
      ? { id: row.projectId, key: row.projectKey, name: row.projectName, archivedAt: row.archivedAt }
      : null;
  const role: ProjectRole | null = project ? (user.role === "ADMIN" ? "ADMIN" : row.memberRole) : null;
  return { user, project, role };
}
