import type { ProjectScope } from "@/server/auth/project-scope";
import { notFound } from "@/server/errors";
import { applyChange } from "@/server/services/change";

import { presentProject, projectSelect } from "./project-select";

/** Archives (read-only, hidden from lists) or restores a project. */
export async function archiveProject({ scope, input }: { scope: ProjectScope; input: { archived: boolean } }) {
  return applyChange(scope.actor, async (tx, record) => {
    const before = await tx.project.findUnique({ where: { id: scope.projectId }, select: projectSelect });
    if (!before) throw notFound("Project");
    if (Boolean(before.archivedAt) === input.archived) return presentProject(before);
    const after = await tx.project.update({
      where: { id: scope.projectId },
      data: { archivedAt: input.archived ? new Date() : null },
      select: projectSelect,
    });
    record({
      action: input.archived ? "project.archived" : "project.restored",
      entityType: "Project",
      entityId: after.id,
      projectId: after.id,
      before,
      after,
    });
    return presentProject(after);
  });
}
