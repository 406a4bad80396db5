import type { Prisma } from "@prisma/client";
import type { RequirementCreateInput } from "@/lib/schemas/requirement";
import type { ProjectScope } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { autoWatch } from "@/server/services/subscriptions/subscriptions";

import { attributeDefinitions, validateAttributes } from "./attributes";
import { presentRequirement, requirementSelect } from "./requirement-select";
import { findRequirementOrThrow } from "./write-version";

/** Creates a requirement as DRAFT version 1 with the project's next key (never reused). */
export async function createRequirement({ scope, input }: { scope: ProjectScope; input: RequirementCreateInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    // Incrementing the counter locks the project row: creates in one project are serialised.
    const project = await tx.project.update({
      where: { id: scope.projectId },
      data: { requirementCounter: { increment: 1 } },
      select: { key: true, settings: true, requirementCounter: true },
    });
    const attributes = validateAttributes(attributeDefinitions(project.settings), input.attributes);
    let parentId: string | null = null;
    if (input.parentKey) {
      const parent = await findRequirementOrThrow(tx, scope.projectId, input.parentKey).catch(() => {
        throw new AppError("NOT_FOUND", `Parent requirement ${input.parentKey} not found`);
      });
      parentId = parent.id;
    }
    const { _max } = await tx.requirement.aggregate({
      where: { projectId: scope.projectId, parentId },
      _max: { position: true },
    });
    const number = project.requirementCounter;
    const fields = {
      title: input.title,
      statement: input.statement,
      rationale: input.rationale,
      type: input.type,
      priority: input.priority,
      status: "DRAFT" as const,
      tags: input.tags,
      attributes: attributes as Prisma.InputJsonValue,
      parentId,
      position: (_max.position ?? 0) + 1,
    };
    const created = await tx.requirement.create({
      data: {
        ...fields,
        projectId: scope.projectId,
        number,
        key: `${project.key}-${number}`,
        version: 1,
        createdById: scope.actor.userId,
        updatedById: scope.actor.userId,
      },
      select: requirementSelect,
    });
    await tx.requirementVersion.create({
      data: {
        ...fields,
        requirementId: created.id,
        projectId: scope.projectId,
        version: 1,
        changeKind: "created",
        changeNote: input.changeNote ?? "",
        authorId: scope.actor.userId,
        createdAt: created.createdAt,
      },
    });
    // The author watches it from the moment it exists; the outbox's watch step finds the subscription there.
    await autoWatch(
      {
        projectId: scope.projectId,
        target: { entityType: "requirement", entityId: created.id },
        userIds: [scope.userId],
        reason: "created",
      },
      tx,
    );
    const presented = presentRequirement(created);
    record({
      action: "requirement.created",
      entityType: "Requirement",
      entityId: created.id,
      projectId: scope.projectId,
      after: presented,
      data: { key: created.key, version: 1 },
    });
    return presented;
  });
}
