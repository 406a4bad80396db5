/**
 * The one way a requirement changes: the shared compare-and-set on its
 * version, then an immutable RequirementVersion snapshot, audit and outbox
 * rows — all inside the caller's applyChange transaction. A change that
 * leaves every field as it was writes nothing. Every status a requirement
 * gets passes the approval gate here (server/services/reviews/approval-gate.ts).
 */
import type { Prisma } from "@prisma/client";

import type { Tx } from "@/server/db";
import { AppError } from "@/server/errors";
import type { Actor, RecordChange } from "@/server/services/change";
import { compareAndSet } from "@/server/services/compare-and-set";
import { gateApproval } from "@/server/services/reviews/approval-gate";
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
  const { current } = opts;
  // Only an explicit transition is refused; a restore, an import or an edit without approvals lands IN_REVIEW.
  const next = await gateApproval(tx, { current, next: opts.next, explicit: opts.changeKind === "transitioned" });
  const result = await compareAndSet(tx, {
    actor: opts.actor,
    current,
    expectedVersion: opts.expectedVersion,
    fields: pickVersioned,
    next,
    write: (where, stamp) =>
      tx.requirement.updateMany({
        where,
        data: { ...next, attributes: next.attributes as Prisma.InputJsonValue, ...stamp },
      }),
    reload: () => tx.requirement.findUniqueOrThrow({ where: { id: current.id }, select: requirementSelect }),
    present: presentRequirement,
  });
  if (!result.changed) return current;
  const after = result.row;
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
      createdAt: result.at,
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
