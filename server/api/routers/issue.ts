import { commentDeletedOut, commentOut, commentPageOut } from "@/lib/schemas/comment";
import { okOut } from "@/lib/schemas/common";
import {
  issueActivityInput,
  issueActivityPageOut,
  issueAssignInput,
  issueAttachmentDeleteInput,
  issueAttachmentListOut,
  issueByKeyInput,
  issueCommentInputs,
  issueCreateInput,
  issueDiffInput,
  issueDiffOut,
  issueHistoryInput,
  issueHistoryPageOut,
  issueLinkAddInput,
  issueLinkAddOut,
  issueLinkListInput,
  issueLinkListOut,
  issueLinkRemoveInput,
  issueListInput,
  issueOut,
  issuePageOut,
  issueTransitionInput,
  issueUpdateInput,
} from "@/lib/schemas/issue";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import { deleteAttachment, listAttachments } from "@/server/services/attachments/attachments";
import { addComment, deleteComment, editComment, listComments } from "@/server/services/comments/comments";
import { issueActivity } from "@/server/services/issues/issue-activity";
import { addIssueLink, listIssueLinks, removeIssueLink } from "@/server/services/issues/issue-links";
import { diffIssueVersions, issueHistory } from "@/server/services/issues/issue-versions";
import {
  assignIssue,
  createIssue,
  getIssueOrThrow,
  listIssues,
  transitionIssue,
  updateIssue,
} from "@/server/services/issues/issues";

const commentsRouter = createTRPCRouter({
  list: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/issues/{key}/comments", "List the comments of an issue", "Comments"))
    .input(issueCommentInputs.list)
    .output(commentPageOut)
    .query(({ ctx, input }) => listComments({ scope: ctx.scope, on: "issue", input })),
  add: projectProcedure("comment:create")
    .meta(rest("POST", "/issues/{key}/comments", "Comment on an issue", "Comments"))
    .meta({ idempotent: true })
    .input(issueCommentInputs.add)
    .output(commentOut)
    .mutation(({ ctx, input }) => addComment({ scope: ctx.scope, on: "issue", input })),
  edit: projectProcedure("comment:create")
    .meta(rest("PATCH", "/issues/{key}/comments/{commentId}", "Edit your comment", "Comments"))
    .input(issueCommentInputs.edit)
    .output(commentOut)
    .mutation(({ ctx, input }) => editComment({ scope: ctx.scope, on: "issue", input })),
  delete: projectProcedure("comment:create")
    .meta(rest("DELETE", "/issues/{key}/comments/{commentId}", "Delete your comment", "Comments"))
    .input(issueCommentInputs.delete)
    .output(commentDeletedOut)
    .mutation(({ ctx, input }) => deleteComment({ scope: ctx.scope, on: "issue", input })),
});

export const issueRouter = createTRPCRouter({
  /** Reporters see only issues they reported or are assigned to (scoped in the service). */
  list: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/projects/{projectKey}/issues", "List issues", "Issues"))
    .input(issueListInput)
    .output(issuePageOut)
    .query(({ ctx, input }) => listIssues({ scope: ctx.scope, input })),
  byKey: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/issues/{key}", "Get an issue", "Issues"))
    .input(issueByKeyInput)
    .output(issueOut)
    .query(({ ctx, input }) => getIssueOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("issue:create")
    .meta(rest("POST", "/projects/{projectKey}/issues", "File an issue", "Issues"))
    .meta({ idempotent: true })
    .input(issueCreateInput)
    .output(issueOut)
    .mutation(({ ctx, input }) => createIssue({ scope: ctx.scope, input })),
  /** Reporters may edit their own open issues; the service enforces it. */
  update: projectProcedure("issue:create")
    .meta(rest("PATCH", "/issues/{key}", "Change an issue", "Issues"))
    .input(issueUpdateInput)
    .output(issueOut)
    .mutation(({ ctx, input }) => updateIssue({ scope: ctx.scope, input })),
  transition: projectProcedure("issue:triage")
    .meta(rest("POST", "/issues/{key}/transition", "Move an issue through the workflow", "Issues"))
    .input(issueTransitionInput)
    .output(issueOut)
    .mutation(({ ctx, input }) => transitionIssue({ scope: ctx.scope, input })),
  assign: projectProcedure("issue:triage")
    .meta(rest("POST", "/issues/{key}/assign", "Assign an issue", "Issues"))
    .input(issueAssignInput)
    .output(issueOut)
    .mutation(({ ctx, input }) => assignIssue({ scope: ctx.scope, input })),
  /** Every version of the issue, newest first; as visible as the issue itself. */
  history: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/issues/{key}/history", "List the versions of an issue", "Issues"))
    .input(issueHistoryInput)
    .output(issueHistoryPageOut)
    .query(({ ctx, input }) => issueHistory({ scope: ctx.scope, input })),
  /** Everything that happened to the issue, newest first: changes, comments, attachments, trace and issue links. */
  activity: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/issues/{key}/activity", "List what happened to an issue", "Issues"))
    .input(issueActivityInput)
    .output(issueActivityPageOut)
    .query(({ ctx, input }) => issueActivity({ scope: ctx.scope, input })),
  diff: projectProcedure("issue:readOwn")
    .meta(rest("GET", "/issues/{key}/diff", "Compare two versions of an issue", "Issues"))
    .input(issueDiffInput)
    .output(issueDiffOut)
    .query(({ ctx, input }) => diffIssueVersions({ scope: ctx.scope, input })),
  /** Links to other issues of the project (blocks, duplicates, relates to); only those whose other end the caller may see. */
  links: createTRPCRouter({
    list: projectProcedure("issue:readOwn")
      .meta(rest("GET", "/issues/{key}/links", "List the links of an issue to other issues", "Issues"))
      .input(issueLinkListInput)
      .output(issueLinkListOut)
      .query(({ ctx, input }) => listIssueLinks({ scope: ctx.scope, input })),
    add: projectProcedure("issue:triage")
      .meta(rest("POST", "/issues/{key}/links", "Link an issue to another", "Issues"))
      .input(issueLinkAddInput)
      .output(issueLinkAddOut)
      .mutation(({ ctx, input }) => addIssueLink({ scope: ctx.scope, input })),
    remove: projectProcedure("issue:triage")
      .meta(rest("DELETE", "/issues/{key}/links/{linkId}", "Remove a link between two issues", "Issues"))
      .input(issueLinkRemoveInput)
      .output(okOut)
      .mutation(({ ctx, input }) => removeIssueLink({ scope: ctx.scope, input })),
  }),
  comments: commentsRouter,
  /** Uploads go through POST /api/issues/<key>/attachments (multipart); downloads GET /api/attachments/<id>. */
  attachments: createTRPCRouter({
    list: projectProcedure("issue:readOwn")
      .meta(rest("GET", "/issues/{key}/attachments", "List the attachments of an issue", "Issues"))
      .input(issueByKeyInput)
      .output(issueAttachmentListOut)
      .query(({ ctx, input }) => listAttachments({ scope: ctx.scope, input })),
    /** Its uploader, or a maintainer; audited. */
    delete: projectProcedure("comment:create")
      .meta(rest("DELETE", "/issues/{key}/attachments/{attachmentId}", "Remove an attachment from an issue", "Issues"))
      .input(issueAttachmentDeleteInput)
      .output(okOut)
      .mutation(({ ctx, input }) =>
        deleteAttachment({ scope: ctx.scope, input: { key: input.key, id: input.attachmentId } }),
      ),
  }),
});
