import type { InstanceRole, ProjectRole } from "@prisma/client";

import { db } from "@/server/db";
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
