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
    .query(({ ctx, input }) => listComments({ scope: ctx.scope, input })),
  add: projectProcedure("comment:create")
    .meta({ idempotent: true })
    .input(commentAddInput)
    .mutation(({ ctx, input }) => addComment({ scope: ctx.scope, input })),
  edit: projectProcedure("comment:create")
    .input(commentEditInput)
    .mutation(({ ctx, input }) => editComment({ scope: ctx.scope, input })),
  delete: projectProcedure("comment:create")
    .input(commentDeleteInput)
    .mutation(({ ctx, input }) => deleteComment({ scope: ctx.scope, input })),
});

export const issueRouter = createTRPCRouter({
  /** Reporters see only issues they reported or are assigned to (scoped in the service). */
  list: projectProcedure("issue:readOwn")
    .input(issueListInput)
    .query(({ ctx, input }) => listIssues({ scope: ctx.scope, input })),
  byKey: projectProcedure("issue:readOwn")
    .input(issueByKeyInput)
    .query(({ ctx, input }) => getIssueOrThrow({ scope: ctx.scope, input })),
  create: projectProcedure("issue:create")
    .meta({ idempotent: true })
    .input(issueCreateInput)
    .mutation(({ ctx, input }) => createIssue({ scope: ctx.scope, input })),
  /** Reporters may edit their own open issues; the service enforces it. */
  update: projectProcedure("issue:create")
    .input(issueUpdateInput)
    .mutation(({ ctx, input }) => updateIssue({ scope: ctx.scope, input })),
  transition: projectProcedure("issue:triage")
    .input(issueTransitionInput)
    .mutation(({ ctx, input }) => transitionIssue({ scope: ctx.scope, input })),
  assign: projectProcedure("issue:triage")
    .input(issueAssignInput)
    .mutation(({ ctx, input }) => assignIssue({ scope: ctx.scope, input })),
  comments: commentsRouter,
  /** Uploads go through POST /api/issues/<key>/attachments (multipart); downloads GET /api/attachments/<id>. */
  attachments: createTRPCRouter({
    list: projectProcedure("issue:readOwn")
      .input(issueByKeyInput)
      .query(({ ctx, input }) => listAttachments({ scope: ctx.scope, input })),
  }),
});
