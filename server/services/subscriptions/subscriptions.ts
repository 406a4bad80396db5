/**
 * Watching: who follows a requirement, an issue or a whole project. Users
 * watch what they create, are assigned or are mentioned in automatically;
 * anyone can watch or unwatch what they can see. An explicit unwatch is kept
 * as an inactive row, so automatic watching never turns it back on.
 */
import {
  type SubscriptionSetInput,
  type SubscriptionStatusInput,
  WATCH_REASONS,
  type WatchedEntityType,
  type WatchReason,
} from "@/lib/schemas/notifications";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { findVisibleIssueOrThrow } from "@/server/services/issues/issue-access";
import { peopleWithRoles } from "@/server/services/projects/people-with-roles";

export type { WatchedEntityType, WatchReason };

/** A stored reason as its type; null for a value this version does not know. */
function watchReason(reason: string): WatchReason | null {
  return (WATCH_REASONS as readonly string[]).includes(reason) ? (reason as WatchReason) : null;
}

export interface WatchTarget {
  entityType: WatchedEntityType;
  entityId: string;
}

/** Starts watching unless the user already watches or explicitly stopped watching. */
export async function autoWatch(
  opts: { projectId: string; target: WatchTarget; userIds: string[]; reason: WatchReason },
  client: Tx | typeof db = db,
): Promise<number> {
  const userIds = [...new Set(opts.userIds)];
  if (userIds.length === 0) return 0;
  // Only people with a role there now (members, or anyone where the project is open for reporting):
  // a removed user's id may still sit in an old payload.
  const members = await peopleWithRoles(opts.projectId, userIds, client);
  if (members.length === 0) return 0;
  const { count } = await client.subscription.createMany({
    data: members.map((m) => ({
      userId: m.userId,
      projectId: opts.projectId,
      entityType: opts.target.entityType,
      entityId: opts.target.entityId,
      reason: opts.reason,
    })),
    skipDuplicates: true,
  });
  return count;
}

/** The item a key names, if the caller may see it (reporters: own or assigned issues only). */
async function resolveTarget(scope: ProjectScope, address: SubscriptionStatusInput) {
  if ("projectKey" in address) {
    return { entityType: "project" as const, entityId: scope.projectId, label: address.projectKey };
  }
  if (address.key.includes("-I-")) {
    const issue = await findVisibleIssueOrThrow(scope, address.key);
    return { entityType: "issue" as const, entityId: issue.id, label: issue.key };
  }
  const requirement = await db.requirement.findFirst({
    where: { projectId: scope.projectId, key: address.key },
    select: { id: true, key: true },
  });
  if (!requirement) throw new AppError("NOT_FOUND", `Requirement ${address.key} not found`);
  return { entityType: "requirement" as const, entityId: requirement.id, label: requirement.key };
}

export async function getSubscriptionStatus({ scope, input }: { scope: ProjectScope; input: SubscriptionStatusInput }) {
  const target = await resolveTarget(scope, input);
  const [own, project] = await Promise.all([
    db.subscription.findUnique({
      where: {
        userId_entityType_entityId: { userId: scope.userId, entityType: target.entityType, entityId: target.entityId },
      },
      select: { active: true, reason: true },
    }),
    target.entityType === "project"
      ? null
      : db.subscription.findUnique({
          where: {
            userId_entityType_entityId: { userId: scope.userId, entityType: "project", entityId: scope.projectId },
          },
          select: { active: true },
        }),
  ]);
  return {
    entityType: target.entityType,
    watching: own?.active ?? false,
    reason: own?.active ? watchReason(own.reason) : null,
    /** Watching the whole project also brings this item's notifications. */
    viaProject: project?.active ?? false,
  };
}

export async function setSubscription({ scope, input }: { scope: ProjectScope; input: SubscriptionSetInput }) {
  const target = await resolveTarget(scope, input);
  const watching = input.watching;
  return applyChange(scope.actor, async (tx, record) => {
    const key = { userId: scope.userId, entityType: target.entityType, entityId: target.entityId };
    const before = await tx.subscription.findUnique({
      where: { userId_entityType_entityId: key },
      select: { active: true, reason: true },
    });
    if (before?.active === watching || (!before && !watching)) {
      // Unwatching something never watched still records the choice, so auto-watch respects it.
      if (!before && !watching) {
        await tx.subscription.create({ data: { ...key, projectId: scope.projectId, reason: "manual", active: false } });
      }
      return { watching, entityType: target.entityType };
    }
    const after = await tx.subscription.upsert({
      where: { userId_entityType_entityId: key },
      create: { ...key, projectId: scope.projectId, reason: "manual", active: watching },
      update: { active: watching, ...(watching ? { reason: "manual" } : {}) },
      select: { id: true, active: true, reason: true },
    });
    record({
      action: watching ? "subscription.watched" : "subscription.unwatched",
      entityType: "Subscription",
      entityId: after.id,
      projectId: scope.projectId,
      before: before ?? null,
      after: { ...after, item: target.label, entityType: target.entityType },
    });
    return { watching, entityType: target.entityType };
  });
}
