/**
 * The one way a requirement changes: compare-and-set on its version, then an
 * immutable RequirementVersion snapshot, audit and outbox rows — all inside
 * the caller's applyChange transaction. A change that leaves every field as
 * it was writes nothing.
 */
import type { Prisma } from "@prisma/client";

import { sameValue } from "@/lib/diff";
import type { Tx } from "@/server/db";
import { AppError, conflict } from "@/server/errors";
import type { Actor, RecordChange } from "@/server/services/change";
import { flagSuspectLinks } from "@/server/services/trace-links/trace-links";

import {
  pickVersioned,
  presentRequirement,
  type RequirementRow,
  requirementSelect,
  type VersionedFields,
} from "./requirement-select";

export async function findRequirementOrThrow(tx: Tx, projectId: string, key: string): Promise<RequirementRow> {
  const row = await tx.requirement.findUnique({ where: { key }, select: requirementSelect });
  if (!row || row.projectId !== projectId) throw new AppError("NOT_FOUND", `Requirement ${key} not found`);
  return row;
}

export function staleVersion(current: RequirementRow): AppError {
  return conflict(`${current.key} was changed by someone else (now at version ${current.version})`, {
    currentVersion: current.version,
    current: presentRequirement(current),
  });
}

export type ChangeKind = "created" | "updated" | "transitioned" | "moved" | "restored";

export async function commitRequirementVersion(
  tx: Tx,
  record: RecordChange,
  opts: {
    actor: Actor;
    current: RequirementRow;
    expectedVersion: number;
    next: VersionedFields;
    changeKind: Exclude<ChangeKind, "created">;
    changeNote?: string;
    action: string;
    data?: Record<string, unknown>;
  },
): Promise<RequirementRow> {
  const { current, expectedVersion, next } = opts;
  if (current.version !== expectedVersion) throw staleVersion(current);
  if (sameValue(pickVersioned(current), next)) return current;

  const now = new Date();
  const { count } = await tx.requirement.updateMany({
    where: { id: current.id, version: expectedVersion },
    data: {
      ...next,
      attributes: next.attributes as Prisma.InputJsonValue,
      version: { increment: 1 },
      updatedAt: now,
    },
  });
  if (count !== 1) {
    const latest = await tx.requirement.findUniqueOrThrow({ where: { id: current.id }, select: requirementSelect });
    throw staleVersion(latest);
  }
  const after = await tx.requirement.findUniqueOrThrow({ where: { id: current.id }, select: requirementSelect });
  await tx.requirementVersion.create({
    data: {
      requirementId: after.id,
      projectId: after.projectId,
      version: after.version,
      ...next,
      attributes: next.attributes as Prisma.InputJsonValue,
      changeKind: opts.changeKind,
      changeNote: opts.changeNote ?? "",
      authorId: opts.actor.userId,
      createdAt: now,
    },
  });
  // A move changes where a requirement sits, not what it says: links stay trusted.
  if (opts.changeKind !== "moved") await flagSuspectLinks(tx, record, after);
  record({
    action: opts.action,
    entityType: "Requirement",
    entityId: after.id,
    projectId: after.projectId,
    before: presentRequirement(current),
    after: presentRequirement(after),
    data: { key: after.key, version: after.version, ...opts.data },
  });
  return after;
}
