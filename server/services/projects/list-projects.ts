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
    },
  });
  // Counted for this page only (a relation _count would aggregate every membership of the instance).
  const counts = await db.membership.groupBy({
    by: ["projectId"],
    where: { projectId: { in: rows.slice(0, limit).map((r) => r.id) } },
    _count: { _all: true },
  });
  const countOf = new Map(counts.map((c) => [c.projectId, c._count._all]));
  const items = rows.map(({ memberships, ...p }) => ({
    ...p,
    memberCount: countOf.get(p.id) ?? 0,
    myRole: (isAdmin ? "ADMIN" : memberships[0]?.role) as ProjectRole,
  }));
  return toPage(items, limit, (p) => p.key);
}
