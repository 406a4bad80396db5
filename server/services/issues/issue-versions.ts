/**
 * An issue's history: every change writes an immutable IssueVersion with the
 * fields as they are afterwards (`commitIssue`, `createIssue`, imports), and
 * any two versions compare field by field with the same word-level diff as
 * requirements (lib/diff.ts). Reading goes through the issue's visibility:
 * whoever may not see the issue gets NOT_FOUND for its history too.
 */
import type { Prisma } from "@prisma/client";

import { diffFields, type FieldKinds } from "@/lib/diff";
import type { IssueDiffInput, IssueHistoryInput } from "@/lib/schemas/issue";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError } from "@/server/errors";
import { decodeCursor, encodeCursor, numberCursor, toPage } from "@/server/services/pagination";
import { presentChanges } from "@/server/services/requirements/requirement-select";
import { personSelect } from "@/server/services/users/user-select";

import { findVisibleIssueOrThrow } from "./issue-access";

export type IssueChangeKind = "created" | "updated" | "transitioned" | "assigned" | "imported" | "restored";

/** The versioned fields of an issue row (as `issueSelect` reads it or an import writes it). */
interface VersionedIssue {
  id: string;
  projectId: string;
  version: number;
  title: string;
  description: string;
  severity: Prisma.IssueVersionCreateManyInput["severity"];
  status: Prisma.IssueVersionCreateManyInput["status"];
  resolution: string | null;
  labels: string[];
  assigneeId?: string | null;
  assignee?: { id: string } | null;
}

function versionData(
  row: VersionedIssue,
  opts: { changeKind: IssueChangeKind; authorId: string | null; at: Date },
): Prisma.IssueVersionCreateManyInput {
  return {
    issueId: row.id,
    projectId: row.projectId,
    version: row.version,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    resolution: row.resolution,
    labels: row.labels,
    assigneeId: row.assignee !== undefined ? (row.assignee?.id ?? null) : (row.assigneeId ?? null),
    changeKind: opts.changeKind,
    authorId: opts.authorId,
    createdAt: opts.at,
  };
}

/** Keeps the issues of `rows` as they now are, as their current versions (one statement for an import's batch). */
export async function writeIssueVersions(
  tx: Tx,
  rows: VersionedIssue[],
  opts: { changeKind: IssueChangeKind; authorId: string | null; at: Date },
): Promise<void> {
  if (rows.length === 0) return;
  await tx.issueVersion.createMany({ data: rows.map((row) => versionData(row, opts)) });
}

const versionSelect = {
  version: true,
  changeKind: true,
  createdAt: true,
  title: true,
  description: true,
  severity: true,
  status: true,
  resolution: true,
  labels: true,
  author: { select: personSelect },
  assignee: { select: personSelect },
} satisfies Prisma.IssueVersionSelect;

type VersionRow = Prisma.IssueVersionGetPayload<{ select: typeof versionSelect }>;

function presentVersion(v: VersionRow) {
  return {
    version: v.version,
    changeKind: v.changeKind,
    createdAt: v.createdAt,
    author: v.author,
    snapshot: {
      title: v.title,
      description: v.description,
      severity: v.severity,
      status: v.status,
      resolution: v.resolution,
      labels: v.labels,
      assignee: v.assignee,
    },
  };
}

type IssueSnapshot = ReturnType<typeof presentVersion>["snapshot"];

const ISSUE_FIELDS: FieldKinds<IssueSnapshot> = {
  text: ["title", "description"],
  value: ["severity", "status", "resolution", "assignee"],
  list: ["labels"],
};

/** Newest first, a page at a time. */
export async function issueHistory({ scope, input }: { scope: ProjectScope; input: IssueHistoryInput }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const before = decodeCursor(input.cursor, numberCursor)?.[0];
  const rows = await db.issueVersion.findMany({
    where: { issueId: issue.id, ...(before ? { version: { lt: before } } : {}) },
    orderBy: { version: "desc" },
    take: input.limit + 1,
    select: versionSelect,
  });
  const page = toPage(rows, input.limit, (r) => encodeCursor([r.version]));
  return { items: page.items.map(presentVersion), nextCursor: page.nextCursor };
}

/** The two versions and what changed from `from` to `to` (either order; equal versions compare as no change). */
export async function diffIssueVersions({ scope, input }: { scope: ProjectScope; input: IssueDiffInput }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const rows = await db.issueVersion.findMany({
    where: { issueId: issue.id, version: { in: [input.from, input.to] } },
    select: versionSelect,
  });
  const a = rows.find((v) => v.version === input.from);
  const b = rows.find((v) => v.version === input.to);
  if (!a || !b) {
    const missing = [!a && input.from, !b && input.to].filter(Boolean);
    throw new AppError(
      "NOT_FOUND",
      `Version ${missing.join(" and ")} of ${issue.key} does not exist (latest is ${issue.version})`,
    );
  }
  const from = presentVersion(a);
  const to = presentVersion(b);
  return { key: issue.key, from, to, changes: presentChanges(diffFields(from.snapshot, to.snapshot, ISSUE_FIELDS)) };
}
