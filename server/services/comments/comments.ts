/**
 * Comments on issues and requirements, in Markdown, with @mentions resolved
 * to project members and stored so notifications can use them. One thread
 * per item: anyone who can see the item may comment; authors edit and
 * delete their own comments. The item's access rule decides who sees the
 * thread (an issue's visibility, `requirement:read`), so a comment is
 * exactly as visible as what it is on.
 */
import type { CommentListInput } from "@/lib/schemas/comment";
import { parseMentions } from "@/lib/schemas/comment";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { db } from "@/server/db";
import { AppError, forbidden } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { findVisibleIssueOrThrow } from "@/server/services/issues/issue-access";
import { afterTimeAndId, timeAndIdCursor, toPage } from "@/server/services/pagination";
import { findReadableRequirementOrThrow } from "@/server/services/requirements/read-requirements";
import { personWithEmailSelect } from "@/server/services/users/user-select";

/** What a thread can be on. */
export type CommentedItem = "issue" | "requirement";

/**
 * The outbox events of each kind of thread, and the payload field naming the item
 * (`issue.commented` with `issueKey`, `requirement.commented` with `requirementKey`).
 */
const EVENTS = {
  issue: {
    added: "issue.commented",
    edited: "issue.comment_edited",
    deleted: "issue.comment_deleted",
    keyField: "issueKey",
  },
  requirement: {
    added: "requirement.commented",
    edited: "requirement.comment_edited",
    deleted: "requirement.comment_deleted",
    keyField: "requirementKey",
  },
} as const satisfies Record<CommentedItem, Record<string, string>>;

const commentSelect = {
  id: true,
  body: true,
  mentions: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  author: { select: personWithEmailSelect },
} as const;

interface Thread {
  on: CommentedItem;
  /** The item's key as stored (PAY-I-7, PAY-12). */
  key: string;
  /** The comment rows of this thread. */
  where: { issueId: string } | { requirementId: string };
}

/** The thread on an item the caller may see, or NOT_FOUND (the same answer as for a missing item). */
async function findThreadOrThrow(
  scope: ProjectScope,
  on: CommentedItem,
  key: string,
  client: Tx | typeof db = db,
): Promise<Thread> {
  if (on === "issue") {
    const issue = await findVisibleIssueOrThrow(scope, key, client);
    return { on, key: issue.key, where: { issueId: issue.id } };
  }
  const requirement = await findReadableRequirementOrThrow(scope, key, client);
  return { on, key: requirement.key, where: { requirementId: requirement.id } };
}

function inThread(thread: Thread, row: { issueId: string | null; requirementId: string | null }): boolean {
  return "issueId" in thread.where
    ? row.issueId === thread.where.issueId
    : row.requirementId === thread.where.requirementId;
}

function eventData(thread: Thread, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [EVENTS[thread.on].keyField]: thread.key, ...extra };
}

async function resolveMentions(tx: Tx, projectId: string, body: string): Promise<string[]> {
  const emails = parseMentions(body);
  if (emails.length === 0) return [];
  const members = await tx.membership.findMany({
    where: { projectId, user: { email: { in: emails } } },
    select: { userId: true },
  });
  return members.map((m) => m.userId);
}

export async function listComments({
  scope,
  on,
  input,
}: {
  scope: ProjectScope;
  on: CommentedItem;
  input: CommentListInput;
}) {
  const thread = await findThreadOrThrow(scope, on, input.key);
  const rows = await db.comment.findMany({
    where: { ...thread.where, ...afterTimeAndId(input.cursor, "createdAt", "asc") },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    select: commentSelect,
  });
  // Deleted comments keep their place in the thread but not their text.
  const items = rows.map((r) => (r.deletedAt ? { ...r, body: "", mentions: [] } : r));
  return toPage(items, input.limit, (r) => timeAndIdCursor(r.createdAt, r.id));
}

export async function addComment({
  scope,
  on,
  input,
}: {
  scope: ProjectScope;
  on: CommentedItem;
  input: { key: string; body: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const thread = await findThreadOrThrow(scope, on, input.key, tx);
    const mentions = await resolveMentions(tx, scope.projectId, input.body);
    const comment = await tx.comment.create({
      data: { ...thread.where, authorId: scope.userId, body: input.body, mentions },
      select: commentSelect,
    });
    record({
      action: EVENTS[on].added,
      entityType: "Comment",
      entityId: comment.id,
      projectId: scope.projectId,
      after: comment,
      data: eventData(thread, { mentions }),
    });
    return comment;
  });
}

async function ownCommentOrThrow(tx: Tx, thread: Thread, commentId: string, userId: string) {
  const comment = await tx.comment.findUnique({
    where: { id: commentId },
    select: { ...commentSelect, issueId: true, requirementId: true },
  });
  if (!comment || !inThread(thread, comment) || comment.deletedAt) throw new AppError("NOT_FOUND", "Comment not found");
  if (comment.author?.id !== userId) throw forbidden("You can only change your own comments");
  return comment;
}

export async function editComment({
  scope,
  on,
  input,
}: {
  scope: ProjectScope;
  on: CommentedItem;
  input: { key: string; commentId: string; body: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const thread = await findThreadOrThrow(scope, on, input.key, tx);
    const before = await ownCommentOrThrow(tx, thread, input.commentId, scope.userId);
    if (before.body === input.body) return before;
    const mentions = await resolveMentions(tx, scope.projectId, input.body);
    const after = await tx.comment.update({
      where: { id: before.id },
      data: { body: input.body, mentions, editedAt: new Date() },
      select: commentSelect,
    });
    const newMentions = mentions.filter((m) => !before.mentions.includes(m));
    record({
      action: EVENTS[on].edited,
      entityType: "Comment",
      entityId: after.id,
      projectId: scope.projectId,
      before,
      after,
      data: eventData(thread, { mentions: newMentions }),
    });
    return after;
  });
}

export async function deleteComment({
  scope,
  on,
  input,
}: {
  scope: ProjectScope;
  on: CommentedItem;
  input: { key: string; commentId: string };
}) {
  return applyChange(scope.actor, async (tx, record) => {
    const thread = await findThreadOrThrow(scope, on, input.key, tx);
    const before = await ownCommentOrThrow(tx, thread, input.commentId, scope.userId);
    await tx.comment.update({ where: { id: before.id }, data: { deletedAt: new Date() } });
    record({
      action: EVENTS[on].deleted,
      entityType: "Comment",
      entityId: before.id,
      projectId: scope.projectId,
      before,
      data: eventData(thread),
    });
    return { deleted: true as const, commentId: before.id };
  });
}
