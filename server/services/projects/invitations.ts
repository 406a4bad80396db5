/**
 * Invitations: how people join a project. A project admin invites an
 * address with a role; the answer is the same whether or not the address has
 * an account, so inviting cannot be used to find out who has one. The
 * invitee gets an email with a link (and, with an account, sees the
 * invitation in the app) and accepts or declines it; admins see and revoke
 * open ones. Someone without an account signs up through the link — even
 * when sign-up is by invitation only — and lands in the project.
 */
import { randomUUID } from "node:crypto";

import type { ProjectRole } from "@prisma/client";

import type { InvitationStatus } from "@/lib/schemas/project";
import { ACCOUNT_TOKEN, deriveLinkToken, hashAccountToken } from "@/server/auth/account-tokens";
import type { ProjectScope } from "@/server/auth/project-scope";
import { recordSecurityEvent } from "@/server/auth/security-log";
import { db, type Tx } from "@/server/db";
import { AppError, conflict, notFound } from "@/server/errors";
import { type Actor, applyChange, type RecordChange } from "@/server/services/change";
import { personSelect } from "@/server/services/users/user-select";

/** An invitation is open this long; inviting again renews it. */
export const INVITATION_TTL_MS = 14 * 24 * 60 * 60_000;
export const INVITATION_EVENTS = {
  created: "invitation.created",
  accepted: "invitation.accepted",
  declined: "invitation.declined",
  revoked: "invitation.revoked",
} as const;

const OPEN = { acceptedAt: null, declinedAt: null, revokedAt: null } as const;

const invitationSelect = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  declinedAt: true,
  revokedAt: true,
  invitedBy: { select: personSelect },
} as const;

export function invitationToken(id: string): string {
  return deriveLinkToken("invitation", id);
}

/**
 * Invites `email` to the project with `role`. Renews the open invitation of
 * that address if there is one (new role, new expiry). A current member is
 * a CONFLICT: project admins see the members list anyway.
 */
export async function inviteMember({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { email: string; role: ProjectRole };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const member = await tx.membership.findFirst({
      where: { projectId: scope.projectId, user: { email: input.email } },
      select: { id: true },
    });
    if (member) throw conflict("This person is already a member of the project");
    const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
    const open = await tx.invitation.findFirst({
      where: { projectId: scope.projectId, email: input.email, ...OPEN },
      select: { id: true },
    });
    const id = open?.id ?? randomUUID();
    const invitation = open
      ? await tx.invitation.update({
          where: { id },
          data: { role: input.role, expiresAt, invitedById: scope.userId },
          select: invitationSelect,
        })
      : await tx.invitation.create({
          data: {
            id,
            projectId: scope.projectId,
            email: input.email,
            role: input.role,
            tokenHash: hashAccountToken(invitationToken(id)),
            invitedById: scope.userId,
            expiresAt,
          },
          select: invitationSelect,
        });
    await recordSecurityEvent(
      {
        kind: "invitation_sent",
        email: input.email,
        actorId: scope.userId,
        detail: { projectKey: scope.projectKey, role: input.role, invitation: id },
      },
      tx,
    );
    record({
      action: INVITATION_EVENTS.created,
      entityType: "Invitation",
      entityId: id,
      projectId: scope.projectId,
      after: { email: input.email, role: input.role, expiresAt },
      data: { email: input.email },
    });
    return { ...invitation, status: statusOf(invitation) };
  });
}

/** The project's invitations, newest first: open ones and the last 100 answered, revoked or expired. */
export async function listInvitations({ scope }: { scope: ProjectScope }) {
  const rows = await db.invitation.findMany({
    where: { projectId: scope.projectId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 200,
    select: invitationSelect,
  });
  return rows.map((r) => ({ ...r, status: statusOf(r) }));
}

export async function revokeInvitation({ scope, input }: { scope: ProjectScope; input: { id: string } }) {
  return applyChange(scope.actor, async (tx, record) => {
    const rows = await tx.invitation.updateManyAndReturn({
      where: { id: input.id, projectId: scope.projectId, ...OPEN },
      data: { revokedAt: new Date() },
      select: { id: true, email: true },
    });
    const revoked = rows[0];
    if (!revoked) throw notFound("Open invitation");
    await recordSecurityEvent(
      {
        kind: "invitation_revoked",
        email: revoked.email,
        actorId: scope.userId,
        detail: { projectKey: scope.projectKey, invitation: revoked.id },
      },
      tx,
    );
    record({
      action: INVITATION_EVENTS.revoked,
      entityType: "Invitation",
      entityId: revoked.id,
      projectId: scope.projectId,
      after: { email: revoked.email },
    });
    return { ok: true as const };
  });
}

function statusOf(r: {
  acceptedAt: Date | null;
  declinedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}): InvitationStatus {
  if (r.acceptedAt) return "accepted";
  if (r.declinedAt) return "declined";
  if (r.revokedAt) return "revoked";
  return r.expiresAt.getTime() <= Date.now() ? "expired" : "open";
}

const forInvitee = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  expiresAt: true,
  acceptedAt: true,
  declinedAt: true,
  revokedAt: true,
  invitedBy: { select: { name: true } },
  project: { select: { key: true, name: true, archivedAt: true } },
} as const;

/** The open invitations to the signed-in person's address (verified: the caller check requires it). */
export async function listMyInvitations({ email }: { email: string }) {
  const rows = await db.invitation.findMany({
    where: { email, ...OPEN, expiresAt: { gt: new Date() }, project: { archivedAt: null } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 100,
    select: forInvitee,
  });
  return rows.map(({ acceptedAt: _a, declinedAt: _d, revokedAt: _r, ...r }) => r);
}

/** What an invitation link shows before anyone acts on it (the link's token is the proof of having the email). */
export async function previewInvitation({ token }: { token: string }) {
  const row = ACCOUNT_TOKEN.test(token)
    ? await db.invitation.findUnique({ where: { tokenHash: hashAccountToken(token) }, select: forInvitee })
    : null;
  if (!row) throw notFound("Invitation");
  const { acceptedAt: _a, declinedAt: _d, revokedAt: _r, ...shown } = row;
  return { ...shown, status: row.project.archivedAt ? ("revoked" as const) : statusOf(row) };
}

type Answer = { id: string } | { token: string };

/** The open invitation `answer` names, locked: by id (for the person it was sent to) or by the link's token. */
async function openInvitationFor(tx: Tx, answer: Answer, email: string) {
  const where =
    "token" in answer
      ? { tokenHash: ACCOUNT_TOKEN.test(answer.token) ? hashAccountToken(answer.token) : "-" }
      : { id: answer.id, email };
  const row = await tx.invitation.findFirst({
    where: { ...where, ...OPEN, expiresAt: { gt: new Date() }, project: { archivedAt: null } },
    select: { id: true, projectId: true, role: true, email: true, project: { select: { key: true } } },
  });
  if (!row) throw new AppError("NOT_FOUND", "This invitation is not open any more", { reason: "invitation_closed" });
  return row;
}

/**
 * Joins the project with the invited role (a member already keeps their
 * role). Accepting the same invitation twice at once joins once: the
 * invitation is claimed by a conditional update first.
 */
export async function acceptInvitation(opts: {
  actor: Actor & { userId: string };
  email: string;
  answer: Answer;
}): Promise<{ projectKey: string; role: ProjectRole }> {
  return applyChange(opts.actor, (tx, record) => acceptWithin(tx, record, opts.actor.userId, opts.email, opts.answer));
}

/** Accepting inside a transaction already open (sign-up through the link joins in the same one). */
export async function acceptWithin(
  tx: Tx,
  record: RecordChange,
  userId: string,
  email: string,
  answer: Answer,
): Promise<{ projectKey: string; role: ProjectRole }> {
  const invitation = await openInvitationFor(tx, answer, email);
  const claimed = await tx.invitation.updateMany({
    where: { id: invitation.id, ...OPEN },
    data: { acceptedAt: new Date(), acceptedById: userId },
  });
  if (claimed.count !== 1)
    throw new AppError("NOT_FOUND", "This invitation is not open any more", { reason: "invitation_closed" });
  const existing = await tx.membership.findUnique({
    where: { projectId_userId: { projectId: invitation.projectId, userId } },
    select: { id: true, role: true },
  });
  let role = invitation.role;
  if (existing) role = existing.role;
  else {
    const member = await tx.membership.create({
      data: { projectId: invitation.projectId, userId, role },
      select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    });
    record({
      action: "project.member_added",
      entityType: "Membership",
      entityId: member.id,
      projectId: invitation.projectId,
      after: member,
    });
  }
  await recordSecurityEvent(
    {
      kind: "invitation_accepted",
      userId,
      detail: { projectKey: invitation.project.key, role, invitation: invitation.id },
    },
    tx,
  );
  record({
    action: INVITATION_EVENTS.accepted,
    entityType: "Invitation",
    entityId: invitation.id,
    projectId: invitation.projectId,
    after: { email: invitation.email, role, userId },
  });
  return { projectKey: invitation.project.key, role };
}

export async function declineInvitation(opts: {
  actor: Actor & { userId: string };
  email: string;
  answer: Answer;
}): Promise<{ ok: true }> {
  return applyChange(opts.actor, async (tx, record) => {
    const invitation = await openInvitationFor(tx, opts.answer, opts.email);
    const declined = await tx.invitation.updateMany({
      where: { id: invitation.id, ...OPEN },
      data: { declinedAt: new Date() },
    });
    if (declined.count !== 1)
      throw new AppError("NOT_FOUND", "This invitation is not open any more", { reason: "invitation_closed" });
    await recordSecurityEvent(
      {
        kind: "invitation_declined",
        userId: opts.actor.userId,
        detail: { projectKey: invitation.project.key, invitation: invitation.id },
      },
      tx,
    );
    record({
      action: INVITATION_EVENTS.declined,
      entityType: "Invitation",
      entityId: invitation.id,
      projectId: invitation.projectId,
      after: { email: invitation.email },
    });
    return { ok: true as const };
  });
}
