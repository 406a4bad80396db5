import type { ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { notFound } from "@/server/errors";

import { presentProject, projectSelect } from "./project-select";

/** One project, for a caller whose access the procedure already resolved. */
export async function getProjectOrThrow({ scope }: { scope: ProjectScope }) {
  const project = await db.project.findUnique({
    where: { id: scope.projectId },
    select: { ...projectSelect, _count: { select: { memberships: true } } },
  });
  if (!project) throw notFound("Project");
  const { _count, ...rest } = project;
  return { ...presentProject(rest), memberCount: _count.memberships, myRole: scope.role };
}
