import type { Prisma } from "@prisma/client";

import type { ProjectUpdateInput } from "@/lib/schemas/project";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { notFound } from "@/server/errors";
import { applyChange, type RecordChange } from "@/server/services/change";
import { compareAndSet } from "@/server/services/compare-and-set";
import { assertDefinitionsKeepValues, attributeDefinitions } from "@/server/services/requirements/attributes";

import { presentProject, projectSelect, projectSnapshot } from "./project-select";

/**
 * Updates name, description or settings with optimistic concurrency: the
 * caller's `expectedVersion` must be current, or the write fails with
 * CONFLICT carrying the current project. Each change writes a ProjectVersion;
 * an update that changes nothing writes nothing.
 */
export async function updateProject({ scope, input }: { scope: ProjectScope; input: ProjectUpdateInput }) {
  return applyChange(scope.actor, (tx, record) => writeProjectUpdate(tx, record, { scope, input }));
}

/** The update inside the caller's transaction (an import defining the attributes its file carries uses it too). */
export async function writeProjectUpdate(
  tx: Tx,
  record: RecordChange,
  { scope, input }: { scope: ProjectScope; input: Omit<ProjectUpdateInput, "projectKey"> },
) {
  const { expectedVersion, name, description, settings, changeNote } = input;
  const before = await tx.project.findUnique({ where: { id: scope.projectId }, select: projectSelect });
  if (!before) throw notFound("Project");
  const next = projectSnapshot({
    name: name ?? before.name,
    description: description ?? before.description,
    settings: (settings ?? before.settings) as Prisma.InputJsonValue,
  });
  const result = await compareAndSet(tx, {
    actor: scope.actor,
    current: before,
    expectedVersion,
    fields: projectSnapshot,
    next,
    write: (where, stamp) =>
      tx.project.updateMany({ where, data: { ...next, settings: next.settings as Prisma.InputJsonValue, ...stamp } }),
    reload: () => tx.project.findUniqueOrThrow({ where: { id: scope.projectId }, select: projectSelect }),
    present: (row) => row,
  });
  if (!result.changed) return presentProject(before);
  const after = result.row;
  if (settings) {
    // After the write: the project row is locked, so every requirement write that read the old definitions
    // has committed and its values are counted.
    await assertDefinitionsKeepValues(
      tx,
      after.id,
      attributeDefinitions(before.settings),
      attributeDefinitions(after.settings),
    );
  }
  await tx.projectVersion.create({
    data: {
      projectId: after.id,
      version: after.version,
      snapshot: projectSnapshot(after) as Prisma.InputJsonValue,
      changeNote: changeNote ?? "",
      authorId: scope.actor.userId,
      createdAt: result.at,
    },
  });
  record({
    action: "project.updated",
    entityType: "Project",
    entityId: after.id,
    projectId: after.id,
    before,
    after,
  });
  return presentProject(after);
}
