/** Issues: create, read with object-level visibility, update, triage workflow and assignment. */

import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { positiveInt } from "@/lib/schemas/common";
import {
  ISSUE_SEVERITIES,
  ISSUE_TRANSITIONS,
  type IssueAssignInput,
  type IssueCreateInput,
  type IssueListInput,
  type IssueTransitionInput,
  type IssueUpdateInput,
  issueSeverity,
} from "@/lib/schemas/issue";
import { ownerOrRoleHas, roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError, forbidden } from "@/server/errors";
import { type Actor, applyChange, type RecordChange } from "@/server/services/change";
import { assertVersion, compareAndSet } from "@/server/services/compare-and-set";
import {
  afterTimeAndId,
  decodeCursor,
  encodeCursor,
  numberCursor,
  timeAndIdCursor,
  toPage,
} from "@/server/services/pagination";
import { autoWatch } from "@/server/services/subscriptions/subscriptions";

import { findVisibleIssueOrThrow, type IssueRow, issueSelect, presentIssue, visibleIssuesWhere } from "./issue-access";
import { type IssueChangeKind, writeIssueVersions } from "./issue-versions";

/** The (severity, key number) of the last issue of a page sorted by severity. */
const severityCursor = z.tuple([issueSeverity, positiveInt]);

export async function createIssue({ scope, input }: { scope: ProjectScope; input: IssueCreateInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const project = await tx.project.update({
      where: { id: scope.projectId },
      data: { issueCounter: { increment: 1 } },
      select: { key: true, issueCounter: true },
    });
    const issue = await tx.issue.create({
      data: {
        projectId: scope.projectId,
        number: project.issueCounter,
        key: `${project.key}-I-${project.issueCounter}`,
        title: input.title,
        description: input.description,
        severity: input.severity,
        labels: input.labels,
        reporterId: scope.userId,
        updatedById: scope.userId,
      },
      select: issueSelect,
    });
    // The reporter watches it from the moment it exists (the page shows "Unwatch" at once); the outbox's watch
    // step finds the subscription there.
    await autoWatch(
      {
        projectId: scope.projectId,
        target: { entityType: "issue", entityId: issue.id },
        userIds: [scope.userId],
        reason: "created",
      },
      tx,
    );
    await writeIssueVersions(tx, [issue], { changeKind: "created", authorId: scope.userId, at: issue.createdAt });
    const presented = presentIssue(issue);
    record({
      action: "issue.created",
      entityType: "Issue",
      entityId: issue.id,
      projectId: scope.projectId,
      after: presented,
      data: { key: issue.key },
    });
    return presented;
  });
}

export async function listIssues({ scope, input }: { scope: ProjectScope; input: IssueListInput }) {
  const where: Prisma.IssueWhereInput = { AND: [visibleIssuesWhere(scope)] };
  const and = where.AND as Prisma.IssueWhereInput[];
  if (input.status?.length) and.push({ status: { in: input.status } });
  if (input.severity?.length) and.push({ severity: { in: input.severity } });
  if (input.label) and.push({ labels: { has: input.label } });
  if (input.assigneeId !== undefined) and.push({ assigneeId: input.assigneeId });
  if (input.reporterId) and.push({ reporterId: input.reporterId });
  if (input.q) {
    and.push({
      OR: [
        { key: { equals: input.q.toUpperCase() } },
        { title: { contains: input.q, mode: "insensitive" } },
        { description: { contains: input.q, mode: "insensitive" } },
      ],
    });
  }
  const dir = input.order;
  const cmp = dir === "asc" ? "gt" : "lt";
  let orderBy: Prisma.IssueOrderByWithRelationInput[];
  let cursorOf: (i: IssueRow) => string;
  if (input.sort === "key") {
    orderBy = [{ number: dir }];
    const c = decodeCursor(input.cursor, numberCursor);
    if (c) and.push({ number: { [cmp]: c[0] } });
    cursorOf = (i) => encodeCursor([i.number]);
  } else if (input.sort === "severity") {
    // Enum order is LOW < MEDIUM < HIGH < CRITICAL, so the database sorts by rank.
    orderBy = [{ severity: dir }, { number: dir }];
    const c = decodeCursor(input.cursor, severityCursor);
    if (c) {
      const [sev, number] = c;
      const rank = ISSUE_SEVERITIES.indexOf(sev);
      const beyond = ISSUE_SEVERITIES.filter((_, i) => (dir === "asc" ? i > rank : i < rank));
      and.push({ OR: [{ severity: { in: beyond } }, { severity: sev, number: { [cmp]: number } }] });
    }
    cursorOf = (i) => encodeCursor([i.severity, i.number]);
  } else {
    orderBy = [{ updatedAt: dir }, { id: dir }];
    const after = afterTimeAndId(input.cursor, "updatedAt", dir);
    if (after) and.push(after);
    cursorOf = (i) => timeAndIdCursor(i.updatedAt, i.id);
  }
  const rows = await db.issue.findMany({ where, orderBy, take: input.limit + 1, select: issueSelect });
  const page = toPage(rows, input.limit, cursorOf);
  return { items: page.items.map(presentIssue), nextCursor: page.nextCursor };
}

export async function getIssueOrThrow({ scope, input }: { scope: ProjectScope; input: { key: string } }) {
  return presentIssue(await findVisibleIssueOrThrow(scope, input.key));
}

/**
 * The shared compare-and-set on the issue's version, then the audit/outbox
 * record. `next` holds the fields this change sets, `fields` reads the same
 * fields from a row: when they are equal nothing is written.
 */
export async function commitIssue<Fields extends Prisma.IssueUncheckedUpdateManyInput>(
  tx: Tx,
  record: RecordChange,
  opts: {
    actor: Actor;
    current: IssueRow;
    expectedVersion: number;
    fields: (row: IssueRow) => Fields;
    next: Fields;
    action: string;
    /** How the version this change writes came about, in the issue's history. */
    changeKind: IssueChangeKind;
    data?: Record<string, unknown>;
  },
) {
  const { current, next } = opts;
  const result = await compareAndSet(tx, {
    actor: opts.actor,
    current,
    expectedVersion: opts.expectedVersion,
    fields: opts.fields,
    next,
    write: (where, stamp) => tx.issue.updateMany({ where, data: { ...next, ...stamp } }),
    reload: () => tx.issue.findUniqueOrThrow({ where: { id: current.id }, select: issueSelect }),
    present: presentIssue,
  });
  if (!result.changed) return presentIssue(current);
  const after = result.row;
  await writeIssueVersions(tx, [after], { changeKind: opts.changeKind, authorId: opts.actor.userId, at: result.at });
  record({
    action: opts.action,
    entityType: "Issue",
    entityId: after.id,
    projectId: after.projectId,
    before: presentIssue(current),
    after: presentIssue(after),
    data: { key: after.key, ...opts.data },
  });
  return presentIssue(after);
}

/**
 * Reporters may edit the text and severity of their own issues while OPEN;
 * maintainers and admins may edit any issue, labels included.
 */
export async function updateIssue({ scope, input }: { scope: ProjectScope; input: IssueUpdateInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findVisibleIssueOrThrow(scope, input.key, tx);
    if (!ownerOrRoleHas(scope, current.reporter?.id, "issue:triage"))
      throw forbidden("Only the reporter or a maintainer can edit this issue");
    if (!roleHas(scope.role, "issue:triage")) {
      if (current.status !== "OPEN") throw forbidden("Reporters can edit their issues only while they are open");
      if (input.labels !== undefined) throw forbidden("Only maintainers can change labels");
    }
    return commitIssue(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      fields: (row) => ({ title: row.title, description: row.description, severity: row.severity, labels: row.labels }),
      next: {
        title: input.title ?? current.title,
        description: input.description ?? current.description,
        severity: input.severity ?? current.severity,
        labels: input.labels ?? current.labels,
      },
      action: "issue.updated",
      changeKind: "updated",
    });
  });
}

export async function transitionIssue({ scope, input }: { scope: ProjectScope; input: IssueTransitionInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findVisibleIssueOrThrow(scope, input.key, tx);
    return moveIssue(tx, record, { actor: scope.actor, current, expectedVersion: input.expectedVersion, to: input.to });
  });
}

/**
 * Moves an issue through the workflow: the one transition rule, for `issue.transition` and for closing an
 * issue as a duplicate (issue-links.ts). Closing stamps `closedAt` and keeps the `resolution` given;
 * reopening clears both.
 */
export async function moveIssue(
  tx: Tx,
  record: RecordChange,
  opts: {
    actor: Actor;
    current: IssueRow;
    expectedVersion: number;
    to: IssueRow["status"];
    resolution?: string;
    data?: Record<string, unknown>;
  },
) {
  const { current, to } = opts;
  // Version first: a stale client should see the conflict, not a workflow error about a state it never saw.
  await assertVersion(tx, current, opts.expectedVersion, presentIssue);
  const allowed = ISSUE_TRANSITIONS[current.status];
  if (!allowed.includes(to)) {
    throw new AppError(
      "BAD_REQUEST",
      `${current.key} cannot go from ${current.status} to ${to}; allowed: ${allowed.join(", ")}`,
      { from: current.status, to, allowed },
    );
  }
  const closing = to === "DONE" || to === "WONT_FIX";
  return commitIssue(tx, record, {
    actor: opts.actor,
    current,
    expectedVersion: opts.expectedVersion,
    fields: (row) => ({ status: row.status, closedAt: row.closedAt, resolution: row.resolution }),
    next: { status: to, closedAt: closing ? new Date() : null, resolution: closing ? (opts.resolution ?? null) : null },
    action: "issue.status_changed",
    changeKind: "transitioned",
    data: {
      from: current.status,
      to,
      ...(closing && opts.resolution ? { resolution: opts.resolution } : {}),
      ...opts.data,
    },
  });
}

export async function assignIssue({ scope, input }: { scope: ProjectScope; input: IssueAssignInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const current = await findVisibleIssueOrThrow(scope, input.key, tx);
    if (input.assigneeId) {
      const member = await tx.membership.findUnique({
        where: { projectId_userId: { projectId: scope.projectId, userId: input.assigneeId } },
        select: { id: true, user: { select: { deactivatedAt: true } } },
      });
      if (!member)
        throw new AppError("BAD_REQUEST", "The assignee must be a member of this project", {
          assigneeId: input.assigneeId,
        });
      if (member.user.deactivatedAt)
        throw new AppError("BAD_REQUEST", "This person's account is deactivated; assign someone else", {
          assigneeId: input.assigneeId,
        });
    }
    return commitIssue(tx, record, {
      actor: scope.actor,
      current,
      expectedVersion: input.expectedVersion,
      fields: (row) => ({ assigneeId: row.assignee?.id ?? null }),
      next: { assigneeId: input.assigneeId },
      action: "issue.assigned",
      changeKind: "assigned",
      data: { assigneeId: input.assigneeId },
    });
  });
}
