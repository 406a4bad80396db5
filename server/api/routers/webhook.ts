import {
  createdWebhookOut,
  slackGetInput,
  slackSetInput,
  slackSettingsOut,
  webhookAttemptOut,
  webhookByIdInput,
  webhookCreateInput,
  webhookDeletedOut,
  webhookDeliveriesInput,
  webhookDeliveryPageOut,
  webhookListInput,
  webhookOut,
  webhookPageOut,
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
    .output(slackSettingsOut)
    .query(({ ctx }) => getSlackSettings({ scope: ctx.scope })),
  set: projectProcedure("integrations:manage")
    .input(slackSetInput)
    .output(slackSettingsOut)
    .mutation(({ ctx, input }) => setSlackSettings({ scope: ctx.scope, input })),
});

export const webhookRouter = createTRPCRouter({
  list: projectProcedure("integrations:read")
    .input(webhookListInput)
    .output(webhookPageOut)
    .query(({ ctx, input }) => listWebhooks({ scope: ctx.scope, input })),
  /** Returns the signing secret — the only time it is shown. */
  create: projectProcedure("integrations:manage")
    .input(webhookCreateInput)
    .output(createdWebhookOut)
    .mutation(({ ctx, input }) => createWebhook({ scope: ctx.scope, input })),
  update: projectProcedure("integrations:manage")
    .input(webhookUpdateInput)
    .output(webhookOut)
    .mutation(({ ctx, input }) => updateWebhook({ scope: ctx.scope, input })),
  delete: projectProcedure("integrations:manage")
    .input(webhookByIdInput)
    .output(webhookDeletedOut)
    .mutation(({ ctx, input }) => deleteWebhook({ scope: ctx.scope, input })),
  deliveries: projectProcedure("integrations:read")
    .input(webhookDeliveriesInput)
    .output(webhookDeliveryPageOut)
    .query(({ ctx, input }) => listWebhookDeliveries({ scope: ctx.scope, input })),
  sendTest: projectProcedure("integrations:manage")
    .meta({ limit: "create" })
    .input(webhookByIdInput)
    .output(webhookAttemptOut)
    .mutation(({ ctx, input }) => sendTestWebhook({ scope: ctx.scope, input })),
  redeliver: projectProcedure("integrations:manage")
    .input(webhookRedeliverInput)
    .output(webhookAttemptOut)
    .mutation(({ ctx, input }) => redeliverWebhookDelivery({ scope: ctx.scope, input })),
  slack: slackRouter,
});
