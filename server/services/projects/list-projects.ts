import type { InstanceRole, Prisma, ProjectRole } from "@prisma/client";

import type { ProjectListInput } from "@/lib/schemas/project";
import { db } from "@/server/db";
import { toPage } from "@/server/services/pagination";

import { projectSelect } from "./project-select";

/** Projects the user belongs to (instance admins see all), ordered by key. */
export async function listProjects(opts: { user: { id: string; role: InstanceRole }; input: ProjectListInput }) {
  const { cursor, limit, includeArchived } = opts.input;
  const isAdmin = opts.user.role === "ADMIN";
  const where: Prisma.ProjectWhereInput = {
    ...(isAdmin ? {} : { memberships: { some: { userId: opts.user.id } } }),
    ...(includeArchived ? {} : { archivedAt: null }),
    ...(cursor ? { key: { gt: cursor } } : {}),
  };
  const rows = await db.project.findMany({
    where,
    orderBy: { key: "asc" },
    take: limit + 1,
    select: {
      ...projectSelect,
      memberships: { where: { userId: opts.user.id }, select: { role: true } },
      _count: { select: { memberships: true } },
    },
  });
  const items = rows.map(({ memberships, _count, ...p }) => ({
    ...p,
    memberCount: _count.memberships,
    myRole: (isAdmin ? "ADMIN" : memberships[0]?.role) as ProjectRole,
  }));
  return toPage(items, limit, (p) => p.key);
}
