import { apiTokenCreateInput, apiTokenListOut, apiTokenRevokeInput, createdApiTokenOut } from "@/lib/schemas/api-token";
import { okOut } from "@/lib/schemas/common";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/auth/api-tokens";

/** Tokens for other programs; managed from a browser session only (a token cannot make or see tokens). */
export const apiTokenRouter = createTRPCRouter({
  /** Returns the token itself — the only time it is shown. */
  create: protectedProcedure
    .meta({ sessionOnly: true })
    .input(apiTokenCreateInput)
    .output(createdApiTokenOut)
    .mutation(({ ctx, input }) => createApiToken({ actor: { ...ctx.actor, userId: ctx.user.id }, input })),
  list: protectedProcedure
    .meta({ sessionOnly: true })
    .output(apiTokenListOut)
    .query(({ ctx }) => listApiTokens(ctx.user.id)),
  revoke: protectedProcedure
    .meta({ sessionOnly: true })
    .input(apiTokenRevokeInput)
    .output(okOut)
    .mutation(({ ctx, input }) => revokeApiToken({ actor: { ...ctx.actor, userId: ctx.user.id }, id: input.id })),
});
