import type { ProjectRole } from "@prisma/client";

import { db } from "@/server/db";
import { notFound } from "@/server/errors";

import { projectSelect } from "./project-select";

/** One project, for a caller whose access the procedure already resolved. */
export async function getProjectOrThrow(opts: { projectId: string; role: ProjectRole }) {
  const project = await db.project.findUnique({
    where: { id: opts.projectId },
    select: { ...projectSelect, _count: { select: { memberships: true } } },
  });
  if (!project) throw notFound("Project");
  const { _count, ...rest } = project;
  return { ...rest, memberCount: _count.memberships, myRole: opts.role };
}
