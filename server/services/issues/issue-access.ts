/**
 * Object-level access to issues: maintainers and admins see every issue of
 * their project; reporters only the ones they reported or are assigned to.
 * Every issue query goes through `visibleIssuesWhere`, so an issue a caller
 * may not see is indistinguishable from one that does not exist.
 */
import { Prisma, type ProjectRole } from "@prisma/client";

import { roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { personWithEmailSelect } from "@/server/services/users/user-select";

export function visibleIssuesWhere(scope: Pick<ProjectScope, "projectId" | "userId" | "role">): Prisma.IssueWhereInput {
  const base: Prisma.IssueWhereInput = { projectId: scope.projectId };
  if (seesAllIssues(scope)) return base;
  return { ...base, OR: [{ reporterId: scope.userId }, { assigneeId: scope.userId }] };
}

/**
 * The same rule as a SQL condition on the issue table aliased `alias`, for
 * the raw statements that must be cancellable (coverage, matrix). Both forms
 * branch on `seesAllIssues`; tests/integration/time-budget.test.ts checks
 * they select the same issues for every role.
 */
export function visibleIssuesSql(
  scope: Pick<ProjectScope, "projectId" | "userId" | "role">,
  alias: string,
): Prisma.Sql {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`Not a table alias: ${alias}`);
  const column = (name: string) => Prisma.raw(`"${alias}"."${name}"`);
  const base = Prisma.sql`${column("projectId")} = ${scope.projectId}`;
  if (seesAllIssues(scope)) return base;
  return Prisma.sql`${base} AND (${column("reporterId")} = ${scope.userId} OR ${column("assigneeId")} = ${scope.userId})`;
}

function seesAllIssues(scope: Pick<ProjectScope, "role">): boolean {
  return roleHas(scope.role, "issue:readAll");
}

/** The same rule for an issue already in hand (who to notify about it). */
export function canSeeIssue(
  viewer: { userId: string; role: ProjectRole },
  issue: { reporterId: string | null; assigneeId: string | null },
): boolean {
  if (roleHas(viewer.role, "issue:readAll")) return true;
  return (
    roleHas(viewer.role, "issue:readOwn") && (issue.reporterId === viewer.userId || issue.assigneeId === viewer.userId)
  );
}

export const issueSelect = {
  id: true,
  projectId: true,
  number: true,
  key: true,
  version: true,
  title: true,
  description: true,
  severity: true,
  status: true,
  labels: true,
  closedAt: true,
  resolution: true,
  createdAt: true,
  updatedAt: true,
  updatedById: true,
  reporter: { select: personWithEmailSelect },
  assignee: { select: personWithEmailSelect },
} satisfies Prisma.IssueSelect;

export type IssueRow = Prisma.IssueGetPayload<{ select: typeof issueSelect }>;

export function presentIssue(row: IssueRow) {
  const { projectId: _p, ...rest } = row;
  return rest;
}

export async function findVisibleIssueOrThrow(
  scope: Pick<ProjectScope, "projectId" | "userId" | "role">,
  key: string,
  client: Tx | typeof db = db,
): Promise<IssueRow> {
  const row = await client.issue.findFirst({ where: { ...visibleIssuesWhere(scope), key }, select: issueSelect });
  if (!row) throw new AppError("NOT_FOUND", `Issue ${key} not found`);
  return row;
}
