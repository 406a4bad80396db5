import { z } from "zod";

import { commentInputs } from "./comment";
import {
  dateTimeOut,
  expectedVersion,
  id,
  jsonOut,
  maxBytes,
  pageOut,
  pagination,
  personOut,
  personWithEmailOut,
  projectKey,
  version,
} from "./common";
import { fieldChangeOut } from "./requirement";

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
    /** Why it was closed beyond its status: "duplicate" when closed as a duplicate of another issue; null while open. */
    resolution: z.string().nullable(),
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

/* ------------------------------------------------------------------ history */

export const issueHistoryInput = z.object({ key: issueKey, ...pagination });
export type IssueHistoryInput = z.infer<typeof issueHistoryInput>;

export const issueDiffInput = z.object({ key: issueKey, from: version, to: version });
export type IssueDiffInput = z.infer<typeof issueDiffInput>;

/** How an issue version came about. */
const issueChangeKindOut = z.string().meta({
  description:
    'How the version came about: "created", "updated", "transitioned", "assigned", "imported", "restored" (an import undone), or "recorded" (the state the issue had when its history began)',
});

/** The fields of one issue version, as compared field by field. */
export const issueSnapshotOut = z
  .object({
    title: z.string(),
    description: z.string(),
    severity: issueSeverity,
    status: issueStatus,
    resolution: z.string().nullable(),
    labels: z.array(z.string()),
    assignee: personOut.nullable(),
  })
  .meta({ id: "IssueSnapshot", description: "The fields of one issue version" });

/** One version in an issue's history: its fields, who wrote it, when and how. */
export const issueHistoryEntryOut = z
  .object({
    version: z.number(),
    changeKind: issueChangeKindOut,
    createdAt: dateTimeOut,
    /** Who wrote it; null for a system change or once that account is gone. */
    author: personOut.nullable(),
    snapshot: issueSnapshotOut,
  })
  .meta({ id: "IssueHistoryEntry", description: "One version in an issue's history" });

/** One page of an issue's history, newest version first. */
export const issueHistoryPageOut = pageOut(issueHistoryEntryOut);

/** Two versions of an issue and the fields that differ (the same shape as a requirement's comparison). */
export const issueDiffOut = z
  .object({
    key: z.string(),
    from: issueHistoryEntryOut,
    to: issueHistoryEntryOut,
    changes: z.array(fieldChangeOut),
  })
  .meta({ id: "IssueDiff", description: "Two versions of an issue and the fields that differ" });

/* ------------------------------------------------------------------ links between issues */

export const ISSUE_RELATION_TYPES = ["BLOCKS", "DUPLICATES", "RELATES_TO"] as const;
export const issueLinkType = z.enum(ISSUE_RELATION_TYPES);
export type IssueLinkTypeValue = (typeof ISSUE_RELATION_TYPES)[number];

/** How a link reads from each end: PAY-I-3 "blocks" PAY-I-5, which "is blocked by" PAY-I-3. */
export const ISSUE_RELATION_LABELS: Record<IssueLinkTypeValue, { outward: string; inward: string }> = {
  BLOCKS: { outward: "blocks", inward: "is blocked by" },
  DUPLICATES: { outward: "duplicates", inward: "is duplicated by" },
  RELATES_TO: { outward: "relates to", inward: "relates to" },
};

/** An issue may have at most this many links (each end counts): every page that shows them stays bounded. */
export const MAX_ISSUE_LINKS = 100;

export const issueLinkListInput = z.object({ key: issueKey });

export const issueLinkAddInput = z
  .object({
    /** The issue the link goes from: `key` blocks / duplicates / relates to `to`. */
    key: issueKey,
    type: issueLinkType,
    to: issueKey,
    /** With DUPLICATES: close `key` as Won't fix with the resolution "duplicate", in the same change. */
    closeAsDuplicate: z.boolean().default(false),
    /** The version of `key` the caller saw; required to close it (compare-and-set). */
    expectedVersion: expectedVersion.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.key === v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "An issue cannot be linked to itself" });
    if (v.closeAsDuplicate && v.type !== "DUPLICATES")
      ctx.addIssue({ code: "custom", path: ["closeAsDuplicate"], message: "Only a duplicate can be closed as one" });
    if (v.closeAsDuplicate && v.expectedVersion === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["expectedVersion"],
        message: "Send the version you saw to close the issue",
      });
  });
export type IssueLinkAddInput = z.infer<typeof issueLinkAddInput>;

export const issueLinkRemoveInput = z.object({ key: issueKey, linkId: id });
export type IssueLinkRemoveInput = z.infer<typeof issueLinkRemoveInput>;

/** A link as one of its issues shows it: the other issue and how the link reads from this end. */
export const issueLinkOut = z
  .object({
    id: z.string(),
    type: issueLinkType,
    /** "outward" when this issue is the link's `from` (it blocks / duplicates), "inward" otherwise. */
    direction: z.enum(["outward", "inward"]),
    /** How it reads from this issue: "blocks", "is blocked by", "duplicates", "is duplicated by", "relates to". */
    label: z.string(),
    issue: z.object({ key: z.string(), title: z.string(), status: issueStatus, resolution: z.string().nullable() }),
    createdAt: dateTimeOut,
    /** Null once that account is gone. */
    createdBy: personOut.nullable(),
  })
  .meta({ id: "IssueLink", description: "A link between two issues, as one of them shows it" });

export const issueLinkListOut = z.object({ items: z.array(issueLinkOut) });

export const issueLinkAddOut = z.object({
  link: issueLinkOut,
  /** The issue the link goes from, as it is now (closed, if it was closed as a duplicate). */
  issue: issueOut,
});

/* ------------------------------------------------------------------ activity */

export const issueActivityInput = z.object({ key: issueKey, ...pagination });
export type IssueActivityInput = z.infer<typeof issueActivityInput>;

/**
 * One thing that happened to an issue, newest first: its own changes, comments, attachments, trace links
 * (and their suspect flags) and links to other issues. `before` and `after` hold what the sentence needs
 * (keys, titles, statuses, file names), never a comment's text: a comment's current text is `comment`.
 */
export const issueActivityEntryOut = z
  .object({
    id: z.string(),
    /** The change, e.g. `issue.status_changed`, `issue.commented`, `traceLink.suspected`, `issue.linked`. */
    action: z.string(),
    entityType: z.string(),
    createdAt: dateTimeOut,
    /** Who did it; null for a system change or once that account is gone. */
    actor: personOut.nullable(),
    before: jsonOut.nullable(),
    after: jsonOut.nullable(),
    /** For `issue.commented`: the comment as it reads now (empty once deleted). */
    comment: z.object({ id: z.string(), body: z.string(), deleted: z.boolean() }).nullable(),
  })
  .meta({ id: "IssueActivityEntry", description: "One thing that happened to an issue" });

export const issueActivityPageOut = pageOut(issueActivityEntryOut);
