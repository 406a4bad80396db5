/**
 * Links between issues of one project: PAY-I-3 blocks PAY-I-5, duplicates
 * it, or relates to it. Each link shows on both issues, read from that end
 * ("is blocked by"). A link to an issue the caller may not see is left out
 * as if it did not exist — a reporter learns nothing about other people's
 * issues through links. Marking an issue a duplicate can close it as Won't
 * fix with the resolution "duplicate" in the same change.
 */
import type { Prisma } from "@prisma/client";

import {
  ISSUE_RELATION_LABELS,
  type IssueLinkAddInput,
  type IssueLinkRemoveInput,
  MAX_ISSUE_LINKS,
} from "@/lib/schemas/issue";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError, conflict, isUniqueViolation } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { personSelect } from "@/server/services/users/user-select";

import { findVisibleIssueOrThrow, presentIssue, visibleIssuesWhere } from "./issue-access";
import { moveIssue } from "./issues";

const linkedIssueSelect = { id: true, key: true, title: true, status: true, resolution: true } as const;

const linkSelect = {
  id: true,
  type: true,
  fromIssueId: true,
  toIssueId: true,
  createdAt: true,
  createdBy: { select: personSelect },
  from: { select: linkedIssueSelect },
  to: { select: linkedIssueSelect },
} satisfies Prisma.IssueLinkSelect;

type LinkRow = Prisma.IssueLinkGetPayload<{ select: typeof linkSelect }>;

/** The link as `issueId`'s page shows it. */
function presentLink(link: LinkRow, issueId: string) {
  const outward = link.fromIssueId === issueId;
  const { id: _id, ...other } = outward ? link.to : link.from;
  return {
    id: link.id,
    type: link.type,
    direction: outward ? ("outward" as const) : ("inward" as const),
    label: ISSUE_RELATION_LABELS[link.type][outward ? "outward" : "inward"],
    issue: other,
    createdAt: link.createdAt,
    createdBy: link.createdBy,
  };
}

/** What the audit log keeps of a link: both ends by key and title. */
function linkSnapshot(link: LinkRow) {
  return {
    id: link.id,
    type: link.type,
    from: { key: link.from.key, title: link.from.title },
    to: { key: link.to.key, title: link.to.title },
  };
}

export async function listIssueLinks({ scope, input }: { scope: ProjectScope; input: { key: string } }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const visible = visibleIssuesWhere(scope);
  const links = await db.issueLink.findMany({
    where: {
      OR: [
        { fromIssueId: issue.id, to: visible },
        { toIssueId: issue.id, from: visible },
      ],
    },
    orderBy: [{ type: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    take: 2 * MAX_ISSUE_LINKS,
    select: linkSelect,
  });
  return { items: links.map((l) => presentLink(l, issue.id)) };
}

async function countLinks(tx: Tx, issueId: string): Promise<number> {
  return tx.issueLink.count({ where: { OR: [{ fromIssueId: issueId }, { toIssueId: issueId }] } });
}

export async function addIssueLink({ scope, input }: { scope: ProjectScope; input: IssueLinkAddInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const from = await findVisibleIssueOrThrow(scope, input.key, tx);
    const to = await findVisibleIssueOrThrow(scope, input.to, tx);
    for (const end of [from, to]) {
      if ((await countLinks(tx, end.id)) >= MAX_ISSUE_LINKS) {
        throw new AppError("BAD_REQUEST", `${end.key} already has ${MAX_ISSUE_LINKS} links; remove one first`, {
          key: end.key,
          limit: MAX_ISSUE_LINKS,
        });
      }
    }
    // "Relates to" reads the same from both ends: stored once, from the issue whose id sorts first.
    const [a, b] = input.type === "RELATES_TO" && to.id < from.id ? [to, from] : [from, to];
    const reverse = await tx.issueLink.findFirst({
      where: { fromIssueId: b.id, toIssueId: a.id, type: input.type },
      select: { id: true },
    });
    if (reverse && input.type !== "RELATES_TO") {
      const label = ISSUE_RELATION_LABELS[input.type].outward;
      throw conflict(`${b.key} already ${label} ${a.key}; the two cannot ${label.replace(/s$/, "")} each other`, {
        linkId: reverse.id,
      });
    }
    let link: LinkRow;
    try {
      link = await tx.issueLink.create({
        data: {
          projectId: scope.projectId,
          fromIssueId: a.id,
          toIssueId: b.id,
          type: input.type,
          createdById: scope.userId,
        },
        select: linkSelect,
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`${from.key} already ${ISSUE_RELATION_LABELS[input.type].outward} ${to.key}`, {});
      }
      throw err;
    }
    record({
      action: "issue.linked",
      entityType: "IssueLink",
      entityId: link.id,
      projectId: scope.projectId,
      after: linkSnapshot(link),
      data: { issueKey: from.key, otherKey: to.key },
    });
    let issue = presentIssue(from);
    if (input.closeAsDuplicate) {
      issue = await moveIssue(tx, record, {
        actor: scope.actor,
        current: from,
        // Required by the input's rule whenever closeAsDuplicate is set.
        expectedVersion: input.expectedVersion ?? from.version,
        to: "WONT_FIX",
        resolution: "duplicate",
        data: { duplicateOf: to.key },
      });
    }
    return { link: presentLink(link, from.id), issue };
  });
}

export async function removeIssueLink({ scope, input }: { scope: ProjectScope; input: IssueLinkRemoveInput }) {
  return applyChange(scope.actor, async (tx, record) => {
    const issue = await findVisibleIssueOrThrow(scope, input.key, tx);
    const link = await tx.issueLink.findFirst({
      where: { id: input.linkId, OR: [{ fromIssueId: issue.id }, { toIssueId: issue.id }] },
      select: linkSelect,
    });
    const other = link && (link.fromIssueId === issue.id ? link.to : link.from);
    // A link whose other end the caller may not see does not exist for them.
    if (!link || !other || !(await tx.issue.count({ where: { ...visibleIssuesWhere(scope), id: other.id } }))) {
      throw new AppError("NOT_FOUND", `Link ${input.linkId} not found on ${issue.key}`);
    }
    await tx.issueLink.delete({ where: { id: link.id } });
    record({
      action: "issue.unlinked",
      entityType: "IssueLink",
      entityId: link.id,
      projectId: scope.projectId,
      before: linkSnapshot(link),
      data: { issueKey: issue.key, otherKey: other.key },
    });
    return { ok: true as const };
  });
}
