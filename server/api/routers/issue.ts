import {
  commentAddInput,
  commentDeleteInput,
  commentEditInput,
  commentListInput,
  issueAssignInput,
  issueByKeyInput,
  issueCreateInput,
  issueListInput,
  issueTransitionInput,
  issueUpdateInput,
} from "@/lib/schemas/issue";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import { listAttachments } from "@/server/services/attachments/attachments";
import { addComment, deleteComment, editComment, listComments } from "@/server/services/issues/comments";
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
    .input(commentListInput)
    .query(({ ctx, input }) => listComments({ ...ctx.scope, input })),
  add: projectProcedure("comment:create")
    .input(commentAddInput)
    .mutation(({ ctx, input }) => addComment({ ...ctx.scope, key: input.key, body: input.body })),
  edit: projectProcedure("comment:create")
    .input(commentEditInput)
    .mutation(({ ctx, input }) => editComment({ ...ctx.scope, key: input.key, commentId: input.commentId, body: input.body })),
  delete: projectProcedure("comment:create")
    .input(commentDeleteInput)
    .mutation(({ ctx, input }) => deleteComment({ ...ctx.scope, key: input.key, commentId: input.commentId })),
});

export const issueRouter = createTRPCRouter({
  /** Reporters see only issues they reported or are assigned to (scoped in the service). */
  list: projectProcedure("issue:readOwn")
    .input(issueListInput)
    .query(({ ctx, input }) => listIssues({ ...ctx.scope, input })),
  byKey: projectProcedure("issue:readOwn")
    .input(issueByKeyInput)
    .query(({ ctx, input }) => getIssueOrThrow({ ...ctx.scope, key: input.key })),
  create: projectProcedure("issue:create")
    .input(issueCreateInput)
    .mutation(({ ctx, input }) => createIssue({ ...ctx.scope, input })),
  /** Reporters may edit their own open issues; the service enforces it. */
  update: projectProcedure("issue:create")
    .input(issueUpdateInput)
    .mutation(({ ctx, input }) => updateIssue({ ...ctx.scope, input })),
  transition: projectProcedure("issue:triage")
    .input(issueTransitionInput)
    .mutation(({ ctx, input }) => transitionIssue({ ...ctx.scope, input })),
  assign: projectProcedure("issue:triage")
    .input(issueAssignInput)
    .mutation(({ ctx, input }) => assignIssue({ ...ctx.scope, input })),
  comments: commentsRouter,
  /** Uploads go through POST /api/issues/<key>/attachments (multipart); downloads GET /api/attachments/<id>. */
  attachments: createTRPCRouter({
    list: projectProcedure("issue:readOwn")
      .input(issueByKeyInput)
      .query(({ ctx, input }) => listAttachments({ ...ctx.scope, key: input.key })),
  }),
});
