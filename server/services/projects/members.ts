/**
 * Project membership: list, invite by email, change role, remove. A project
 * always keeps at least one ADMIN member.
 */
import type { ProjectRole } from "@prisma/client";

import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError, conflict, notFound } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { toPage } from "@/server/services/pagination";
import { personWithEmailSelect } from "@/server/services/users/user-select";

const memberSelect = {
  id: true,
  role: true,
  createdAt: true,
  user: { select: personWithEmailSelect },
} as const;

export async function listMembers({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { cursor?: string; limit: number };
}) {
  const rows = await db.membership.findMany({
    where: { projectId: scope.projectId, ...(input.cursor ? { user: { email: { gt: input.cursor } } } : {}) },
    orderBy: { user: { email: "asc" } },
    take: input.limit + 1,
    select: memberSelect,
  });
  return toPage(rows, input.limit, (m) => m.user.email);
}

export async function addMember({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { email: string; role: ProjectRole };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (!user) throw new AppError("NOT_FOUND", "No user with this email — ask them to sign up first");
    const existing = await tx.membership.findUnique({
      where: { projectId_userId: { projectId: scope.projectId, userId: user.id } },
      select: { id: true },
    });
    if (existing) throw conflict("This user is already a member of the project");
    const member = await tx.membership.create({
      data: { projectId: scope.projectId, userId: user.id, role: input.role },
      select: memberSelect,
    });
    record({
      action: "project.member_added",
      entityType: "Membership",
      entityId: member.id,
      projectId: scope.projectId,
      after: member,
    });
    return member;
  });
}

/** Locks the project's memberships so the last-admin rule holds under concurrency. */
async function lockMemberships(tx: Tx, projectId: string) {
  await tx.$executeRaw`SELECT id FROM "Membership" WHERE "projectId" = ${projectId} FOR UPDATE`;
}

async function findMemberOrThrow(tx: Tx, projectId: string, userId: string) {
  const member = await tx.membership.findUnique({
    where: { projectId_userId: { projectId, userId } },
    select: memberSelect,
  });
  if (!member) throw notFound("Member");
  return member;
}

async function assertAnotherAdmin(tx: Tx, projectId: string) {
  const admins = await tx.membership.count({ where: { projectId, role: "ADMIN" } });
  if (admins <= 1) throw conflict("A project must keep at least one admin");
}

export async function setMemberRole({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { userId: string; role: ProjectRole };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    await lockMemberships(tx, scope.projectId);
    const before = await findMemberOrThrow(tx, scope.projectId, input.userId);
    if (before.role === input.role) return before;
    if (before.role === "ADMIN") await assertAnotherAdmin(tx, scope.projectId);
    const after = await tx.membership.update({
      where: { id: before.id },
      data: { role: input.role },
      select: memberSelect,
    });
    record({
      action: "project.member_role_changed",
      entityType: "Membership",
      entityId: after.id,
      projectId: scope.projectId,
      before,
      after,
    });
    return after;
  });
}

export async function removeMember({ scope, input }: { scope: ProjectScope; input: { userId: string } }) {
  return applyChange(scope.actor, async (tx, record) => {
    await lockMemberships(tx, scope.projectId);
    const before = await findMemberOrThrow(tx, scope.projectId, input.userId);
    if (before.role === "ADMIN") await assertAnotherAdmin(tx, scope.projectId);
    await tx.membership.delete({ where: { id: before.id } });
    record({
      action: "project.member_removed",
      entityType: "Membership",
      entityId: before.id,
      projectId: scope.projectId,
      before,
    });
    return { removed: true as const, userId: input.userId };
  });
}
