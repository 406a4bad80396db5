import {
  subscriptionSetInput,
  subscriptionSetOut,
  subscriptionStatusInput,
  subscriptionStatusOut,
} from "@/lib/schemas/notifications";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import { getSubscriptionStatus, setSubscription } from "@/server/services/subscriptions/subscriptions";

/**
 * Watch or unwatch a requirement (`key: "PAY-12"`), an issue (`"PAY-I-7"`)
 * or a whole project (`projectKey`). Items the caller cannot see are NOT_FOUND.
 */
export const subscriptionRouter = createTRPCRouter({
  status: projectProcedure("project:read")
    .input(subscriptionStatusInput)
    .output(subscriptionStatusOut)
    .query(({ ctx, input }) => getSubscriptionStatus({ scope: ctx.scope, input })),
  set: projectProcedure("project:read")
    .input(subscriptionSetInput)
    .output(subscriptionSetOut)
    .mutation(({ ctx, input }) => setSubscription({ scope: ctx.scope, input })),
});
