import { notFound } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";

import { projectSelect } from "./project-select";

/** Archives (read-only, hidden from lists) or restores a project. */
export async function archiveProject(opts: { actor: Actor; projectId: string; archived: boolean }) {
  return applyChange(opts.actor, async (tx, record) => {
    const before = await tx.project.findUnique({ where: { id: opts.projectId }, select: projectSelect });
    if (!before) throw notFound("Project");
    if (Boolean(before.archivedAt) === opts.archived) return before;
    const after = await tx.project.update({
      where: { id: opts.projectId },
      data: { archivedAt: opts.archived ? new Date() : null },
      select: projectSelect,
    });
    record({
      action: opts.archived ? "project.archived" : "project.restored",
      entityType: "Project",
      entityId: after.id,
      projectId: after.id,
      before,
      after,
    });
    return after;
  });
}
