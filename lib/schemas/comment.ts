/**
 * Comments, the same on issues and on requirements: Markdown bodies with
 * @mentions, the thread inputs (built for the key of what they are on) and
 * the outputs.
 */
import { z } from "zod";

import { dateTimeOut, id, maxBytes, pageOut, pagination, personWithEmailOut } from "./common";

export const COMMENT_MAX_BYTES = 20 * 1024;

export const commentBody = z
  .string()
  .trim()
  .min(1, "Comment cannot be empty")
  .pipe(maxBytes(COMMENT_MAX_BYTES, "Comment must be at most 20 KB"));

/** The inputs of a thread's procedures, addressed by the key of the issue or requirement it is on. */
export function commentInputs(key: z.ZodString) {
  return {
    list: z.object({ key, ...pagination }),
    add: z.object({ key, body: commentBody }),
    edit: z.object({ key, commentId: id, body: commentBody }),
    delete: z.object({ key, commentId: id }),
  };
}

export interface CommentListInput {
  key: string;
  cursor?: string;
  limit: number;
}

/** `@someone@example.com` mentions in Markdown text (emails are unambiguous member handles). */
export function parseMentions(body: string): string[] {
  const found = body.match(/(?<![\w.+-])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g) ?? [];
  return [...new Set(found.map((m) => m.slice(1).toLowerCase().replace(/\.$/, "")))];
}

/* ------------------------------------------------------------------ outputs */

/** A comment in Markdown; a deleted one keeps its place in the thread with empty text. */
export const commentOut = z
  .object({
    id: z.string(),
    /** Markdown; empty once the comment is deleted. */
    body: z.string(),
    /** Ids of the project members @mentioned in the body. */
    mentions: z.array(z.string()),
    createdAt: dateTimeOut,
    editedAt: dateTimeOut.nullable(),
    deletedAt: dateTimeOut.nullable(),
    /** Null once the author's account is gone. */
    author: personWithEmailOut.nullable(),
  })
  .meta({
    id: "Comment",
    description: "A comment on an issue or a requirement (deleted ones keep their place, without text)",
  });

/** One page of a thread, oldest first. */
export const commentPageOut = pageOut(commentOut);

/** The answer to deleting a comment. */
export const commentDeletedOut = z.object({ deleted: z.literal(true), commentId: z.string() });
