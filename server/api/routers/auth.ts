import { registerInput } from "@/lib/schemas/auth";
import { createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { registerUser } from "@/server/services/users/register-user";

export const authRouter = createTRPCRouter({
  /** Sign-ups are limited per client address (the `register` bucket). */
  register: publicProcedure
    .meta({ limit: "register" })
    .input(registerInput)
    .mutation(({ ctx, input }) => registerUser({ input, requestId: ctx.requestId })),
});
