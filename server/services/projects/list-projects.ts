import type { InstanceRole, Prisma, ProjectRole } from "@prisma/client";

import type { ProjectListInput } from "@/lib/schemas/project";
import { effectiveRole, isOpenForReporting } from "@/server/auth/permissions";
import { db } from "@/server/db";
import { toPage } from "@/server/services/pagination";

import { presentProject, projectSelect } from "./project-select";

/** Projects the user has a role in — a member, or anyone signed in where a project is open for reporting (instance admins see all) — ordered by key. */
export async function listProjects(opts: { user: { id: string; role: InstanceRole }; input: ProjectListInput }) {
  const { cursor, limit, includeArchived } = opts.input;
  const isAdmin = opts.user.role === "ADMIN";
  const where: Prisma.ProjectWhereInput = {
    ...(isAdmin
      ? {}
      : {
          OR: [
            { memberships: { some: { userId: opts.user.id } } },
            { settings: { path: ["openReporting"], equals: true } },
          ],
        }),
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
    ...presentProject(p),
    memberCount: countOf.get(p.id) ?? 0,
    myRole: effectiveRole({
      instanceRole: opts.user.role,
      memberRole: memberships[0]?.role,
      openReporting: isOpenForReporting(p.settings),
    }) as ProjectRole,
  }));
  return toPage(items, limit, (p) => p.key);
}
