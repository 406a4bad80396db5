import { okOut } from "@/lib/schemas/common";
import {
  invitationAcceptedOut,
  invitationAnswerInput,
  invitationPreviewInput,
  invitationPreviewOut,
  receivedInvitationListOut,
} from "@/lib/schemas/invitation";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/api/trpc";
import {
  acceptInvitation,
  declineInvitation,
  listMyInvitations,
  previewInvitation,
} from "@/server/services/projects/invitations";

/** The invitee's side of invitations (project admins invite with `project.members.add`). */
export const invitationRouter = createTRPCRouter({
  /** Open invitations to the signed-in person's (verified) address. */
  listMine: protectedProcedure
    .output(receivedInvitationListOut)
    .query(({ ctx }) => listMyInvitations({ email: ctx.user.email })),
  /** What an emailed link invites to, for its page; the link's token is the proof of having the email. */
  preview: publicProcedure
    .meta({ limit: "register" })
    .input(invitationPreviewInput)
    .output(invitationPreviewOut)
    .query(({ input }) => previewInvitation(input)),
  /** Joins the project with the invited role. */
  accept: protectedProcedure
    .input(invitationAnswerInput)
    .output(invitationAcceptedOut)
    .mutation(({ ctx, input }) =>
      acceptInvitation({ actor: { ...ctx.actor, userId: ctx.user.id }, email: ctx.user.email, answer: input }),
    ),
  decline: protectedProcedure
    .input(invitationAnswerInput)
    .output(okOut)
    .mutation(({ ctx, input }) =>
      declineInvitation({ actor: { ...ctx.actor, userId: ctx.user.id }, email: ctx.user.email, answer: input }),
    ),
});
