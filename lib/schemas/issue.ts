import { z } from "zod";

import { expectedVersion, id, pagination, projectKey } from "./common";

export const ISSUE_SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export const ISSUE_STATUSES = ["OPEN", "TRIAGED", "IN_PROGRESS", "DONE", "WONT_FIX"] as const;
export type IssueStatusValue = (typeof ISSUE_STATUSES)[number];
export type IssueSeverityValue = (typeof ISSUE_SEVERITIES)[number];

export const issueSeverity = z.enum(ISSUE_SEVERITIES);
export const issueStatus = z.enum(ISSUE_STATUSES);

/** The triage workflow; closed issues can be reopened. */
export const ISSUE_TRANSITIONS: Record<IssueStatusValue, readonly IssueStatusValue[]> = {
  OPEN: ["TRIAGED", "IN_PROGRESS", "WONT_FIX"],
  TRIAGED: ["IN_PROGRESS", "OPEN", "WONT_FIX"],
  IN_PROGRESS: ["DONE", "TRIAGED", "WONT_FIX"],
  DONE: ["OPEN"],
  WONT_FIX: ["OPEN"],
};

export const DESCRIPTION_MAX_BYTES = 100 * 1024;
export const COMMENT_MAX_BYTES = 20 * 1024;

/** At most `max` UTF-8 bytes; the length check (characters ≤ bytes) turns away huge strings before encoding them. */
const maxBytes = (max: number, message: string) =>
  z
    .string()
    .max(max, { error: message, abort: true })
    .refine((s) => new TextEncoder().encode(s).length <= max, message);

export const issueKey = z
  .string()
  .max(100, "Issue key looks like PAY-I-7")
  .trim()
  .regex(/^[A-Z]{2,10}-I-[1-9]\d{0,8}$/, "Issue key looks like PAY-I-7");

export const issueTitle = z.string().trim().min(1, "Title is required").max(200);
export const issueDescription = maxBytes(DESCRIPTION_MAX_BYTES, "Description must be at most 100 KB");
export const label = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_\-.:/ ]*$/u, "Labels are letters, digits, spaces and - _ . : /");
export const labels = z
  .array(label)
  .max(20, "At most 20 labels")
  .transform((l) => [...new Set(l)]);

export const issueCreateInput = z.object({
  projectKey,
  title: issueTitle,
  description: issueDescription.default(""),
  severity: issueSeverity.default("MEDIUM"),
  labels: labels.default([]),
});
export type IssueCreateInput = z.infer<typeof issueCreateInput>;

export const issueUpdateInput = z.object({
  key: issueKey,
  expectedVersion,
  title: issueTitle.optional(),
  description: issueDescription.optional(),
  severity: issueSeverity.optional(),
  labels: labels.optional(),
});
export type IssueUpdateInput = z.infer<typeof issueUpdateInput>;

export const issueTransitionInput = z.object({ key: issueKey, expectedVersion, to: issueStatus });
export type IssueTransitionInput = z.infer<typeof issueTransitionInput>;

export const issueAssignInput = z.object({ key: issueKey, expectedVersion, assigneeId: id.nullable() });
export type IssueAssignInput = z.infer<typeof issueAssignInput>;

export const issueByKeyInput = z.object({ key: issueKey });

export const issueListInput = z.object({
  projectKey,
  ...pagination,
  status: z.array(issueStatus).max(5).optional(),
  severity: z.array(issueSeverity).max(4).optional(),
  label: label.optional(),
  assigneeId: id.nullish(),
  reporterId: id.optional(),
  q: z.string().trim().max(200).optional(),
  sort: z.enum(["key", "updated", "severity"]).default("updated"),
  order: z.enum(["asc", "desc"]).default("desc"),
});
export type IssueListInput = z.infer<typeof issueListInput>;

export const commentBody = z
  .string()
  .trim()
  .min(1, "Comment cannot be empty")
  .pipe(maxBytes(COMMENT_MAX_BYTES, "Comment must be at most 20 KB"));

export const commentListInput = z.object({ key: issueKey, ...pagination });
export const commentAddInput = z.object({ key: issueKey, body: commentBody });
export const commentEditInput = z.object({ key: issueKey, commentId: id, body: commentBody });
export const commentDeleteInput = z.object({ key: issueKey, commentId: id });
export type CommentListInput = z.infer<typeof commentListInput>;

/** `@someone@example.com` mentions in Markdown text (emails are unambiguous member handles). */
export function parseMentions(body: string): string[] {
  const found = body.match(/(?<![\w.+-])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g) ?? [];
  return [...new Set(found.map((m) => m.slice(1).toLowerCase().replace(/\.$/, "")))];
}
