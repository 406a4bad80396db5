/**
 * Comments on issues, in Markdown, with @mentions resolved to project
 * members and stored so notifications can use them. Anyone who can see the
 * issue may comment; authors edit and delete their own comments.
 */
import type { CommentListInput } from "@/lib/schemas/issue";
import { parseMentions } from "@/lib/schemas/issue";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError, forbidden } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { afterTimeAndId, timeAndIdCursor, toPage } from "@/server/services/pagination";
import { personWithEmailSelect } from "@/server/services/users/user-select";
import { findVisibleIssueOrThrow } from "./issue-access";

const commentSelect = {
  id: true,
  body: true,
  mentions: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  author: { select: personWithEmailSelect },
} as const;

async function resolveMentions(tx: Tx, projectId: string, body: string): Promise<string[]> {
  const emails = parseMentions(body);
  if (emails.length === 0) return [];
  const members = await tx.membership.findMany({
    where: { projectId, user: { email: { in: emails } } },
    select: { userId: true },
  });
  return members.map((m) => m.userId);
}

export async function listComments({ scope, input }: { scope: ProjectScope; input: CommentListInput }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const rows = await db.comment.findMany({
    where: { issueId: issue.id, ...afterTimeAndId(input.cursor, "createdAt", "asc") },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    select: commentSelect,
  });
  // Deleted comments keep their place in the thread but not their text.
  const items = rows.map((r) => (r.deletedAt ? { ...r, body: "", mentions: [] } : r));
  return toPage(items, input.limit, (r) => timeAndIdCursor(r.createdAt, r.id));
}

export async function addComment({ scope, input }: { scope: ProjectScope; input: { key: string; body: string } }) {
  return applyChange(scope.actor, async (tx, record) => {
    const issue = await findVisibleIssueOrThrow(scope, input.key, tx);
    const mentions = await resolveMentions(tx, scope.projectId, input.body);
    const comment = await tx.comment.create({
      data: { issueId: issue.id, authorId: scope.userId, body: input.body, mentions },
      select: commentSelect,
    });
    record({
      action: "issue.commented",
      entityType: "Comment",
      entityId: comment.id,
      projectId: scope.projectId,
      after: comment,
      data: { issueKey: issue.key, mentions },
    });
    return comment;
  });
}

async function ownCommentOrThrow(tx: Tx, issueId: string, commentId: string, userId: string) {
  const comment = await tx.comment.findUnique({
    where: { id: commentId },
    select: { ...commentSelect, issueId: true },
  });
  if (!comment || comment.issueId !== issueId || comment.deletedAt)
    throw new AppError("NOT_FOUND", "Comment not found");
  if (comment.author?.id !== userId) throw forbidden("You can only change your own comments");
  return comment;
}

export async function editComment({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { key: string; commentId: string; body: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const issue = await findVisibleIssueOrThrow(scope, input.key, tx);
    const before = await ownCommentOrThrow(tx, issue.id, input.commentId, scope.userId);
    if (before.body === input.body) return before;
    const mentions = await resolveMentions(tx, scope.projectId, input.body);
    const after = await tx.comment.update({
      where: { id: before.id },
      data: { body: input.body, mentions, editedAt: new Date() },
      select: commentSelect,
    });
    const newMentions = mentions.filter((m) => !before.mentions.includes(m));
    record({
      action: "issue.comment_edited",
      entityType: "Comment",
      entityId: after.id,
      projectId: scope.projectId,
      before,
      after,
      data: { issueKey: issue.key, mentions: newMentions },
    });
    return after;
  });
}

export async function deleteComment({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { key: string; commentId: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const issue = await findVisibleIssueOrThrow(scope, input.key, tx);
    const before = await ownCommentOrThrow(tx, issue.id, input.commentId, scope.userId);
    await tx.comment.update({ where: { id: before.id }, data: { deletedAt: new Date() } });
    record({
      action: "issue.comment_deleted",
      entityType: "Comment",
      entityId: before.id,
      projectId: scope.projectId,
      before,
      data: { issueKey: issue.key },
    });
    return { deleted: true as const, commentId: before.id };
  });
}
