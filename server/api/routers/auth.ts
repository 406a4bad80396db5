import {
  passwordResetInput,
  passwordResetRequestInput,
  registerInput,
  registerOut,
  verifyEmailInput,
} from "@/lib/schemas/auth";
import { okOut } from "@/lib/schemas/common";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "@/server/api/trpc";
import { requestPasswordReset, resetPassword } from "@/server/services/users/passwords";
import { registerUser } from "@/server/services/users/register-user";
import { requestVerification, verifyEmail } from "@/server/services/users/verify-email";

export const authRouter = createTRPCRouter({
  /**
   * Creates an account. The answer is the same for a new address and one that has an account (that
   * account gets an email instead), so sign-up cannot tell who has one. Limited per client address.
   */
  register: publicProcedure
    .meta({ limit: "register" })
    .input(registerInput)
    .output(registerOut)
    .mutation(({ ctx, input }) => registerUser({ input, requestId: ctx.requestId })),
  /** Emails a reset link valid 30 minutes if the address has an account; the same answer either way. */
  requestPasswordReset: publicProcedure
    .meta({ limit: "register" })
    .input(passwordResetRequestInput)
    .output(okOut)
    .mutation(({ ctx, input }) => requestPasswordReset({ requestId: ctx.requestId, ip: ctx.ip, email: input.email })),
  /** Sets a new password with a reset link (once); every session of the account ends. */
  resetPassword: publicProcedure
    .meta({ limit: "register" })
    .input(passwordResetInput)
    .output(okOut)
    .mutation(({ ctx, input }) => resetPassword({ requestId: ctx.requestId, ip: ctx.ip, ...input })),
  /** Confirms an address with the link from the verification email. */
  verifyEmail: publicProcedure
    .meta({ limit: "register" })
    .input(verifyEmailInput)
    .output(okOut)
    .mutation(({ ctx, input }) => verifyEmail({ requestId: ctx.requestId, ip: ctx.ip, token: input.token })),
  /** Sends the verification email again to the signed-in, unverified caller. */
  requestVerification: protectedProcedure
    .meta({ accountSetup: true, limit: "register" })
    .output(okOut)
    .mutation(({ ctx }) => requestVerification({ actor: { ...ctx.actor, userId: ctx.user.id } })),
});
