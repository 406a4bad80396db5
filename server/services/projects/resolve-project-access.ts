import { type InstanceRole, Prisma, type ProjectRole } from "@prisma/client";

import { db, queryRows } from "@/server/db";
import { notFound } from "@/server/errors";

export const projectAccessSelect = {
  id: true,
  key: true,
  name: true,
  archivedAt: true,
} as const;

/**
 * The caller's effective role in a project, read from the database. Instance
 * admins act as project ADMIN everywhere; anyone else without a membership
 * gets the same NOT_FOUND as for a project that does not exist.
 */
export async function resolveProjectAccessOrThrow(opts: {
  user: { id: string; role: InstanceRole };
  projectKey: string;
}) {
  const project = await db.project.findUnique({
    where: { key: opts.projectKey },
    select: {
      ...projectAccessSelect,
      memberships: { where: { userId: opts.user.id }, select: { role: true } },
    },
  });
  if (!project) throw notFound("Project");
  const membershipRole = project.memberships[0]?.role;
  const role: ProjectRole | undefined = opts.user.role === "ADMIN" ? "ADMIN" : membershipRole;
  if (!role) throw notFound("Project");
  const { memberships: _memberships, ...rest } = project;
  return { project: rest, role };
}

/**
 * The caller and their effective role in a project, in one prepared
 * statement (the per-request path of every project procedure). null when the user no longer
 * exists; `project`/`role` null when the project does not exist or the
 * caller is not a member (both mean NOT_FOUND to the caller).
 */
export async function resolveCallerInProject(opts: { userId: string; projectKey: string }) {
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
