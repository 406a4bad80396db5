import { apiTokenCreateInput, apiTokenRevokeInput } from "@/lib/schemas/api-token";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/auth/api-tokens";

/** Tokens for other programs; managed from a browser session only (a token cannot make or see tokens). */
export const apiTokenRouter = createTRPCRouter({
  /** Returns the token itself — the only time it is shown. */
  create: protectedProcedure
    .meta({ sessionOnly: true })
    .input(apiTokenCreateInput)
    .mutation(({ ctx, input }) => createApiToken({ actor: { ...ctx.actor, userId: ctx.user.id }, input })),
  list: protectedProcedure.meta({ sessionOnly: true }).query(({ ctx }) => listApiTokens(ctx.user.id)),
  revoke: protectedProcedure
    .meta({ sessionOnly: true })
    .input(apiTokenRevokeInput)
    .mutation(({ ctx, input }) => revokeApiToken({ actor: { ...ctx.actor, userId: ctx.user.id }, id: input.id })),
});
