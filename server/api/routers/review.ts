/**
 * Requirement reviews. Asking for one and cancelling it manage the requirement, so they take
 * `requirement:edit`; answering is open to every member who may comment, and the service accepts it only
 * from the reviewers the round names.
 */
import {
  reviewCancelInput,
  reviewListForInput,
  reviewListOut,
  reviewOut,
  reviewRequestInput,
  reviewRespondInput,
} from "@/lib/schemas/review";
import { createTRPCRouter, projectProcedure, rest } from "@/server/api/trpc";
import { cancelReview, listReviews, requestReview, respondToReview } from "@/server/services/reviews/reviews";

export const reviewRouter = createTRPCRouter({
  request: projectProcedure("requirement:edit")
    .meta(rest("POST", "/requirements/{key}/reviews", "Ask members to review a requirement", "Reviews"))
    .input(reviewRequestInput)
    .output(reviewOut)
    .mutation(({ ctx, input }) => requestReview({ scope: ctx.scope, input })),
  respond: projectProcedure("comment:create")
    .meta(rest("POST", "/requirements/{key}/reviews/respond", "Approve or request changes as a reviewer", "Reviews"))
    .input(reviewRespondInput)
    .output(reviewOut)
    .mutation(({ ctx, input }) => respondToReview({ scope: ctx.scope, input })),
  cancel: projectProcedure("requirement:edit")
    .meta(rest("POST", "/requirements/{key}/reviews/cancel", "Cancel a review request", "Reviews"))
    .input(reviewCancelInput)
    .output(reviewOut)
    .mutation(({ ctx, input }) => cancelReview({ scope: ctx.scope, input })),
  listFor: projectProcedure("requirement:read")
    .meta(rest("GET", "/requirements/{key}/reviews", "List the review rounds of a requirement", "Reviews"))
    .input(reviewListForInput)
    .output(reviewListOut)
    .query(({ ctx, input }) => listReviews({ scope: ctx.scope, input })),
});
