/**
 * Trace links between requirements, and from issues to requirements. A link
 * remembers the upstream requirement version it was made (or last reviewed)
 * against; `flagSuspectLinks` marks it suspect when that requirement
 * changes, and `clearSuspect` records who reviewed it and why.
 */
import type { IssueSeverity, IssueStatus, RequirementStatus, TraceLinkType } from "@prisma/client";

import { ISSUE_LINK_TYPES, REQUIREMENT_LINK_TYPES, type TraceLinkCreateInput } from "@/lib/schemas/trace-link";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError, conflict, isUniqueViolation } from "@/server/errors";
import { applyChange, type RecordChange } from "@/server/services/change";
import { findVisibleIssueOrThrow, visibleIssuesWhere } from "@/server/services/issues/issue-access";

const isIssueKey = (key: string) => /-I-\d+$/.test(key);
const projectOf = (key: string) => key.slice(0, key.indexOf("-"));

export const linkSelect = {
  id: true,
  type: true,
  linkedVersion: true,
  suspect: true,
  suspectSince: true,
  clearedAt: true,
  clearReason: true,
  createdAt: true,
  sourceRequirement: { select: { key: true, title: true, status: true, version: true } },
  sourceIssue: { select: { key: true, title: true, status: true, severity: true } },
  target: { select: { key: true, title: true, status: true, version: true } },
} as const;

function present(link: {
  id: string;
  type: TraceLinkType;
  linkedVersion: number;
  suspect: boolean;
  suspectSince: Date | null;
  clearedAt: Date | null;
  clearReason: string | null;
  createdAt: Date;
  sourceRequirement: { key: string; title: string; status: RequirementStatus; version: number } | null;
  sourceIssue: { key: string; title: string; status: IssueStatus; severity: IssueSeverity } | null;
  target: { key: string; title: string; status: RequirementStatus; version: number };
}) {
  const { sourceRequirement, sourceIssue, ...rest } = link;
  const from = sourceIssue
    ? { kind: "issue" as const, ...sourceIssue }
    : sourceRequirement
      ? { kind: "requirement" as const, ...sourceRequirement }
      : sourceless();
  return { ...rest, from, to: link.target };
}

/** The schema requires one of the two sources; a row without either is corrupt. */
function sourceless(): never {
  throw new Error("A trace link has neither a source issue nor a source requirement");
}

export async function createTraceLink({ scope, input }: { scope: ProjectScope; input: TraceLinkCreateInput }) {
  const { from, to, type } = input;
  if (projectOf(from) !== scope.projectKey || projectOf(to) !== scope.projectKey) {
    throw new AppError("BAD_REQUEST", "Both ends of a link must belong to this project");
  }
  if (from === to) throw new AppError("BAD_REQUEST", "An item cannot be linked to itself");
  const fromIssue = isIssueKey(from);
  const allowed: readonly string[] = fromIssue ? ISSUE_LINK_TYPES : REQUIREMENT_LINK_TYPES;
  if (!allowed.includes(type)) {
    throw new AppError(
      "BAD_REQUEST",
      `A link from ${fromIssue ? "an issue" : "a requirement"} must be one of ${allowed.join(", ")}`,
    );
  }
  try {
    return await applyChange(scope.actor, async (tx, record) => {
      const target = await tx.requirement.findFirst({
        where: { projectId: scope.projectId, key: to },
        select: { id: true, version: true },
      });
      if (!target) throw new AppError("NOT_FOUND", `Requirement ${to} not found`);
      let source: { sourceRequirementId?: string; sourceIssueId?: string; sourceKey: string };
      if (fromIssue) {
        const issue = await findVisibleIssueOrThrow(scope, from, tx);
        source = { sourceIssueId: issue.id, sourceKey: `I:${issue.id}` };
      } else {
        const req = await tx.requirement.findFirst({
          where: { projectId: scope.projectId, key: from },
          select: { id: true },
        });
        if (!req) throw new AppError("NOT_FOUND", `Requirement ${from} not found`);
        source = { sourceRequirementId: req.id, sourceKey: `R:${req.id}` };
      }
      const duplicate = await tx.traceLink.findUnique({
        where: {
          sourceKey_targetRequirementId_type: { sourceKey: source.sourceKey, targetRequirementId: target.id, type },
        },
        select: { id: true },
      });
      if (duplicate) throw conflict(`${from} already ${type.toLowerCase().replace(/_/g, " ")} ${to}`);
      const link = await tx.traceLink.create({
        data: {
          projectId: scope.projectId,
          type,
          ...source,
          targetRequirementId: target.id,
          linkedVersion: target.version,
          createdById: scope.userId,
        },
        select: linkSelect,
      });
      const presented = present(link);
      record({
        action: "traceLink.created",
        entityType: "TraceLink",
        entityId: link.id,
        projectId: scope.projectId,
        after: presented,
      });
      return presented;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`${from} is already linked to ${to} as ${type}`);
    throw err;
  }
}

async function findLinkOrThrow(tx: Tx, projectId: string, linkId: string) {
  const link = await tx.traceLink.findUnique({ where: { id: linkId }, select: { ...linkSelect, projectId: true } });
  if (!link || link.projectId !== projectId) throw new AppError("NOT_FOUND", "Link not found");
  return link;
}

export async function deleteTraceLink({ scope, input }: { scope: ProjectScope; input: { linkId: string } }) {
  return applyChange(scope.actor, async (tx, record) => {
    const link = await findLinkOrThrow(tx, scope.projectId, input.linkId);
    await tx.traceLink.delete({ where: { id: link.id } });
    record({
      action: "traceLink.deleted",
      entityType: "TraceLink",
      entityId: link.id,
      projectId: scope.projectId,
      before: present(link),
    });
    return { deleted: true as const, linkId: link.id };
  });
}

/** Marks a link reviewed: no longer suspect, now made against the upstream's current version. */
export async function clearSuspect({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { linkId: string; reason: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const link = await findLinkOrThrow(tx, scope.projectId, input.linkId);
    if (!link.suspect) throw new AppError("BAD_REQUEST", "This link is not suspect");
    const after = await tx.traceLink.update({
      where: { id: link.id },
      data: {
        suspect: false,
        suspectSince: null,
        linkedVersion: link.target.version,
        clearedById: scope.userId,
        clearedAt: new Date(),
        clearReason: input.reason,
      },
      select: linkSelect,
    });
    record({
      action: "traceLink.suspect_cleared",
      entityType: "TraceLink",
      entityId: link.id,
      projectId: scope.projectId,
      before: present(link),
      after: present(after),
      data: { reason: input.reason },
    });
    return present(after);
  });
}

/**
 * Called inside the transaction that wrote a new version of a requirement:
 * every link pointing at it that is not suspect yet becomes suspect.
 */
export async function flagSuspectLinks(
  tx: Tx,
  record: RecordChange,
  requirement: { id: string; key: string; projectId: string; version: number },
) {
  const links = await tx.traceLink.findMany({
    where: { targetRequirementId: requirement.id, suspect: false },
    select: { id: true },
  });
  if (links.length === 0) return;
  await tx.traceLink.updateMany({
    where: { id: { in: links.map((l) => l.id) } },
    data: { suspect: true, suspectSince: new Date() },
  });
  // Each flag names both ends (the issue's or requirement's activity lists it, the feed says which link).
  const flagged = await tx.traceLink.findMany({ where: { id: { in: links.map((l) => l.id) } }, select: linkSelect });
  for (const link of flagged) {
    record({
      action: "traceLink.suspected",
      entityType: "TraceLink",
      entityId: link.id,
      projectId: requirement.projectId,
      after: present(link),
      data: { requirementKey: requirement.key, version: requirement.version },
    });
  }
}

/** Links from and to an item, with issues the caller may not see left out. */
export async function listLinksFor({ scope, input }: { scope: ProjectScope; input: { key: string } }) {
  const visibleIssue = visibleIssuesWhere(scope);
  if (isIssueKey(input.key)) {
    const issue = await findVisibleIssueOrThrow(scope, input.key);
    const links = await db.traceLink.findMany({
      where: { sourceIssueId: issue.id },
      select: linkSelect,
      orderBy: { createdAt: "asc" },
    });
    return { outgoing: links.map(present), incoming: [] };
  }
  const req = await db.requirement.findFirst({
    where: { projectId: scope.projectId, key: input.key },
    select: { id: true },
  });
  if (!req) throw new AppError("NOT_FOUND", `Requirement ${input.key} not found`);
  const [outgoing, incoming] = await Promise.all([
    db.traceLink.findMany({
      where: { sourceRequirementId: req.id },
      select: linkSelect,
      orderBy: { createdAt: "asc" },
    }),
    db.traceLink.findMany({
      where: { targetRequirementId: req.id, OR: [{ sourceIssueId: null }, { sourceIssue: visibleIssue }] },
      select: linkSelect,
      orderBy: { createdAt: "asc" },
    }),
  ]);
  return { outgoing: outgoing.map(present), incoming: incoming.map(present) };
}
