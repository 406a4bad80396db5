import { z } from "zod";

import { commentInputs } from "./comment";
import {
  dateTimeOut,
  expectedVersion,
  id,
  maxBytes,
  pageOut,
  pagination,
  personOut,
  personWithEmailOut,
  projectKey,
} from "./common";

export const ISSUE_SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export const ISSUE_STATUSES = ["OPEN", "TRIAGED", "IN_PROGRESS", "DONE", "WONT_FIX"] as const;
export type IssueStatusValue = (typeof ISSUE_STATUSES)[number];
export type IssueSeverityValue = (typeof ISSUE_SEVERITIES)[number];

/** How people read an issue's status and severity, on pages, in notifications and in email. */
export const ISSUE_STATUS_LABELS: Record<IssueStatusValue, string> = {
  OPEN: "Open",
  TRIAGED: "Triaged",
  IN_PROGRESS: "In progress",
  DONE: "Done",
  WONT_FIX: "Won't fix",
};
export const ISSUE_SEVERITY_LABELS: Record<IssueSeverityValue, string> = {
  LOW: "Low",
  MEDIUM: "Medium",
  HIGH: "High",
  CRITICAL: "Critical",
};

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

export const issueAttachmentDeleteInput = z.object({
  key: issueKey,
  attachmentId: z.string().regex(/^[a-z0-9]{10,40}$/, "Not an attachment id"),
});

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

/** The comments of an issue: the same thread inputs as a requirement's (lib/schemas/comment.ts). */
export const issueCommentInputs = commentInputs(issueKey);

/* ------------------------------------------------------------------ outputs */

/** An issue: its fields, workflow state, reporter and assignee, and its stamps. */
export const issueOut = z
  .object({
    id: z.string(),
    /** The number in its key (PAY-I-7 → 7), unique in the project and never reused. */
    number: z.number(),
    key: z.string(),
    /** Bumped by every change; send it back as `expectedVersion` (compare-and-set). */
    version: z.number(),
    title: z.string(),
    /** Markdown. */
    description: z.string(),
    severity: issueSeverity,
    status: issueStatus,
    labels: z.array(z.string()),
    /** When it last went to DONE or WONT_FIX; null while it is open. */
    closedAt: dateTimeOut.nullable(),
    createdAt: dateTimeOut,
    updatedAt: dateTimeOut,
    /** Who made the latest change; null once that account is gone. */
    updatedById: z.string().nullable(),
    /** Null once the reporter's account is gone. */
    reporter: personWithEmailOut.nullable(),
    assignee: personWithEmailOut.nullable(),
  })
  .meta({ id: "Issue", description: "An issue with its workflow state, reporter and assignee" });

/** One page of a project's issues (for reporters: the ones they reported or are assigned to). */
export const issuePageOut = pageOut(issueOut);

/** A file attached to an issue (its bytes: GET /api/attachments/<id>). */
export const issueAttachmentOut = z
  .object({
    id: z.string(),
    filename: z.string(),
    /** Decided from the file's bytes, not its name. */
    contentType: z.string(),
    /** In bytes. */
    size: z.number(),
    /** The SHA-256 of the bytes, hex. */
    sha256: z.string(),
    createdAt: dateTimeOut,
    /** Null once the uploader's account is gone. */
    uploader: personOut.nullable(),
  })
  .meta({ id: "IssueAttachment", description: "A file attached to an issue" });

/** An issue's attachments, oldest first. */
export const issueAttachmentListOut = z.object({ items: z.array(issueAttachmentOut) });
