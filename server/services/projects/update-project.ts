import type { Prisma } from "@prisma/client";
import { isDeepStrictEqual } from "node:util";

import type { ProjectUpdateInput } from "@/lib/schemas/project";
import { conflict, notFound } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";

import { projectSelect, projectSnapshot } from "./project-select";

/**
 * Updates name, description or settings with optimistic concurrency: the
 * caller's `expectedVersion` must be current, or the write fails with
 * CONFLICT carrying the current project. Each change writes a ProjectVersion;
 * an update that changes nothing writes nothing.
 */
export async function updateProject(opts: { actor: Actor; projectId: string; input: ProjectUpdateInput }) {
  const { expectedVersion, name, description, settings, changeNote } = opts.input;
  return applyChange(opts.actor, async (tx, record) => {
    const before = await tx.project.findUnique({ where: { id: opts.projectId }, select: projectSelect });
    if (!before) throw notFound("Project");
    if (before.version !== expectedVersion) {
      throw conflict(`Project was changed by someone else (now at version ${before.version})`, {
        currentVersion: before.version,
        current: before,
      });
    }
    const next = {
      name: name ?? before.name,
      description: description ?? before.description,
      settings: (settings ?? before.settings) as Prisma.InputJsonValue,
    };
    if (isDeepStrictEqual(projectSnapshot(next), projectSnapshot(before))) return before;

    // Compare-and-set on the version: of concurrent writers, exactly one wins.
    const { count } = await tx.project.updateMany({
      where: { id: opts.projectId, version: expectedVersion },
      data: { ...next, version: { increment: 1 } },
    });
    if (count !== 1) {
      const current = await tx.project.findUnique({ where: { id: opts.projectId }, select: projectSelect });
      throw conflict("Project was changed by someone else", { currentVersion: current?.version, current });
    }
    const after = await tx.project.findUniqueOrThrow({ where: { id: opts.projectId }, select: projectSelect });
    await tx.projectVersion.create({
      data: {
        projectId: after.id,
        version: after.version,
        snapshot: projectSnapshot(after) as Prisma.InputJsonValue,
        changeNote: changeNote ?? "",
        authorId: opts.actor.userId,
      },
    });
    record({ action: "project.updated", entityType: "Project", entityId: after.id, projectId: after.id, before, after });
    return after;
  });
}
