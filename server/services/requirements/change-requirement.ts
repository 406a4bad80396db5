/**
 * update, transition, move and restore: each loads the requirement, works
 * out the next field values and hands them to commitRequirementVersion.
 */
import type { Prisma } from "@prisma/client";

import {
  REQUIREMENT_TRANSITIONS,
  type RequirementMoveInput,
  type RequirementRestoreInput,
  type RequirementTransitionInput,
  type RequirementUpdateInput,
} from "@/lib/schemas/requirement";
import { roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import { AppError, forbidden } from "@/server/errors";
import { jsonObject } from "@/server/services/audit/json";
import { applyChange } from "@/server/services/change";
import { assertVersion } from "@/server/services/compare-and-set";

import { attributeDefinitions, validateAttributes } from "./attributes";
import { pickVersioned, presentRequirement } from "./requirement-select";
import { commitRequirementVersion, findRequirementOrThrow } from "./write-version";

/**
 * The project's settings, read with a share lock: a settings change that would remove a definition or option
 * these values use waits for this write and then sees its version (assertDefinitionsKeepValues).
 */
async function projectSettings(tx: Parameters<Parameters<typeof applyChange>[1]>[0], projectId: string) {
  const rows = await tx.$queryRaw<{ settings: Prisma.JsonValue }[]>`
    SELECT settings FROM "Project" WHERE id = ${projectId} FOR SHARE`;
  return rows[0]?.settings ?? {};
}

export async function updateRequirement({ scope, input }: { scope: ProjectScope; input: RequirementUpdateInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findRequirementOrThrow(tx, scope.projectId, input.key);
    const base = pickVersioned(current);
    const defs = attributeDefinitions(await projectSettings(tx, scope.projectId));
    // Values without a definition (only possible for definitions deleted before deletion of used ones was
    // refused) are dropped, not an error for an unrelated edit; earlier versions still show them.
    const kept = Object.fromEntries(
      Object.entries(jsonObject(current.attributes)).filter(([k]) => defs.some((d) => d.key === k)),
    );
    // With `previous`, an attribute made required since blocks only an edit that changes the values.
    const attributes = validateAttributes(defs, input.attributes ?? kept, { previous: kept });
    const next = {
      ...base,
      title: input.title ?? base.title,
      statement: input.statement ?? base.statement,
      rationale: input.rationale ?? base.rationale,
      type: input.type ?? base.type,
      priority: input.priority ?? base.priority,
      tags: input.tags ?? base.tags,
      attributes,
    };
    const after = await commitRequirementVersion(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      next,
      changeKind: "updated",
      changeNote: input.changeNote,
      action: "requirement.updated",
    });
    return presentRequirement(after);
  });
}

/**
 * Moves along the workflow. Reporters may only send their own drafts to
 * review; maintainers and admins may make any allowed move.
 */
export async function transitionRequirement({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: RequirementTransitionInput;
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findRequirementOrThrow(tx, scope.projectId, input.key);
    if (!roleHas(scope.role, "requirement:edit")) {
      const ownDraftToReview =
        current.status === "DRAFT" && input.to === "IN_REVIEW" && current.createdById === scope.actor.userId;
      if (!ownDraftToReview) throw forbidden("Reporters may only send their own drafts to review");
    }
    // Version first: a stale client should see the conflict, not a workflow error about a state it never saw.
    await assertVersion(tx, current, input.expectedVersion, presentRequirement);
    const allowed = REQUIREMENT_TRANSITIONS[current.status];
    if (!allowed.includes(input.to)) {
      throw new AppError(
        "BAD_REQUEST",
        allowed.length
          ? `${current.key} cannot go from ${current.status} to ${input.to}; allowed: ${allowed.join(", ")}`
          : `${current.key} is ${current.status}; no further status changes are allowed (restore an earlier version instead)`,
        { from: current.status, to: input.to, allowed },
      );
    }
    const after = await commitRequirementVersion(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      next: { ...pickVersioned(current), status: input.to },
      changeKind: "transitioned",
      changeNote: input.changeNote,
      action: "requirement.transitioned",
      data: { from: current.status, to: input.to },
    });
    return presentRequirement(after);
  });
}

export async function moveRequirement({ scope, input }: { scope: ProjectScope; input: RequirementMoveInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    // Serialise moves within a project so two concurrent moves cannot form a cycle together.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`move:${scope.projectId}`}, 0))`;
    const current = await findRequirementOrThrow(tx, scope.projectId, input.key);
    let parentId: string | null = null;
    if (input.parentKey) {
      const parent = await findRequirementOrThrow(tx, scope.projectId, input.parentKey);
      // UNION (not UNION ALL) visits each ancestor once, so even a cycle in stored data ends the walk.
      const cycle = await tx.$queryRaw<{ id: string }[]>`
        WITH RECURSIVE ancestors AS (
          SELECT id, "parentId" FROM "Requirement" WHERE id = ${parent.id}
          UNION
          SELECT r.id, r."parentId" FROM "Requirement" r JOIN ancestors a ON r.id = a."parentId"
        )
        SELECT id FROM ancestors WHERE id = ${current.id} LIMIT 1`;
      if (cycle.length > 0) {
        throw new AppError(
          "BAD_REQUEST",
          `Cannot move ${current.key} under ${parent.key}: it is ${parent.id === current.id ? "the same requirement" : "one of its descendants"}`,
        );
      }
      parentId = parent.id;
    }
    const siblings = { projectId: scope.projectId, parentId, id: { not: current.id } };
    let position: number;
    if (input.beforeKey) {
      const before = await findRequirementOrThrow(tx, scope.projectId, input.beforeKey);
      if (before.parentId !== parentId || before.id === current.id) {
        throw new AppError("BAD_REQUEST", `${input.beforeKey} is not a sibling under the chosen parent`);
      }
      const { _max } = await tx.requirement.aggregate({
        where: { ...siblings, position: { lt: before.position } },
        _max: { position: true },
      });
      position = _max.position === null ? before.position - 1 : (_max.position + before.position) / 2;
    } else {
      const { _max } = await tx.requirement.aggregate({ where: siblings, _max: { position: true } });
      position = (_max.position ?? 0) + 1;
    }
    const after = await commitRequirementVersion(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      next: { ...pickVersioned(current), parentId, position },
      changeKind: "moved",
      changeNote: input.changeNote,
      action: "requirement.moved",
    });
    return presentRequirement(after);
  });
}

/**
 * Writes a new version whose content (text, classification, status, tags,
 * attributes) equals an earlier one. Its place in the tree stays as it is now.
 */
export async function restoreRequirement({ scope, input }: { scope: ProjectScope; input: RequirementRestoreInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findRequirementOrThrow(tx, scope.projectId, input.key);
    const old = await tx.requirementVersion.findUnique({
      where: { requirementId_version: { requirementId: current.id, version: input.version } },
    });
    if (!old) throw new AppError("NOT_FOUND", `Version ${input.version} of ${current.key} does not exist`);
    const attributes = validateAttributes(
      attributeDefinitions(await projectSettings(tx, scope.projectId)),
      jsonObject(old.attributes),
      { restore: true },
    );
    const after = await commitRequirementVersion(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      next: {
        ...pickVersioned(current),
        title: old.title,
        statement: old.statement,
        rationale: old.rationale,
        type: old.type,
        priority: old.priority,
        status: old.status,
        tags: old.tags,
        attributes,
      },
      changeKind: "restored",
      changeNote: input.changeNote || `Restored version ${input.version}`,
      action: "requirement.restored",
      data: { restoredVersion: input.version },
    });
    return presentRequirement(after);
  });
}
