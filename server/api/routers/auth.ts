import { TRPCError } from "@trpc/server";

import { registerInput } from "@/lib/schemas/auth";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { getLimiter } from "@/server/rate-limit";
import { registerUser } from "@/server/services/users/register-user";

export const authRouter = createTRPCRouter({
  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    const { success } = await getLimiter("register", { tokens: 20, windowSeconds: 3600 }).limit(ctx.ip ?? "unknown");
    if (!success)
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: "Too many sign-ups from this address; try again later",
      });
    return registerUser({ input, requestId: ctx.requestId });
  }),
});
