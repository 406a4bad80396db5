import {
  slackGetInput,
  slackSetInput,
  webhookByIdInput,
  webhookCreateInput,
  webhookDeliveriesInput,
  webhookListInput,
  webhookRedeliverInput,
  webhookUpdateInput,
} from "@/lib/schemas/webhooks";
import { createTRPCRouter, projectProcedure } from "@/server/api/trpc";
import {
  createWebhook,
  deleteWebhook,
  getSlackSettings,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDelivery,
  sendTestWebhook,
  setSlackSettings,
  updateWebhook,
} from "@/server/services/webhooks/webhooks";

const slackRouter = createTRPCRouter({
  get: projectProcedure("integrations:read")
    .input(slackGetInput)
    .query(({ ctx }) => getSlackSettings({ scope: ctx.scope })),
  set: projectProcedure("integrations:manage")
    .input(slackSetInput)
    .mutation(({ ctx, input }) => setSlackSettings({ scope: ctx.scope, input })),
});

export const webhookRouter = createTRPCRouter({
  list: projectProcedure("integrations:read")
    .input(webhookListInput)
    .query(({ ctx, input }) => listWebhooks({ scope: ctx.scope, input })),
  /** Returns the signing secret — the only time it is shown. */
  create: projectProcedure("integrations:manage")
    .input(webhookCreateInput)
    .mutation(({ ctx, input }) => createWebhook({ scope: ctx.scope, input })),
  update: projectProcedure("integrations:manage")
    .input(webhookUpdateInput)
    .mutation(({ ctx, input }) => updateWebhook({ scope: ctx.scope, input })),
  delete: projectProcedure("integrations:manage")
    .input(webhookByIdInput)
    .mutation(({ ctx, input }) => deleteWebhook({ scope: ctx.scope, input })),
  deliveries: projectProcedure("integrations:read")
    .input(webhookDeliveriesInput)
    .query(({ ctx, input }) => listWebhookDeliveries({ scope: ctx.scope, input })),
  sendTest: projectProcedure("integrations:manage")
    .meta({ limit: "create" })
    .input(webhookByIdInput)
    .mutation(({ ctx, input }) => sendTestWebhook({ scope: ctx.scope, input })),
  redeliver: projectProcedure("integrations:manage")
    .input(webhookRedeliverInput)
    .mutation(({ ctx, input }) => redeliverWebhookDelivery({ scope: ctx.scope, input })),
  slack: slackRouter,
});
