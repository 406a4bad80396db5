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
    .query(({ ctx }) => getSlackSettings({ projectId: ctx.scope.projectId })),
  set: projectProcedure("integrations:manage")
    .input(slackSetInput)
    .mutation(({ ctx, input }) => setSlackSettings({ ...ctx.scope, input })),
});

export const webhookRouter = createTRPCRouter({
  list: projectProcedure("integrations:read")
    .input(webhookListInput)
    .query(({ ctx, input }) => listWebhooks({ projectId: ctx.scope.projectId, cursor: input.cursor, limit: input.limit })),
  /** Returns the signing secret — the only time it is shown. */
  create: projectProcedure("integrations:manage")
    .input(webhookCreateInput)
    .mutation(({ ctx, input }) => createWebhook({ ...ctx.scope, input })),
  update: projectProcedure("integrations:manage")
    .input(webhookUpdateInput)
    .mutation(({ ctx, input }) => updateWebhook({ ...ctx.scope, input })),
  delete: projectProcedure("integrations:manage")
    .input(webhookByIdInput)
    .mutation(({ ctx, input }) => deleteWebhook({ ...ctx.scope, id: input.id })),
  deliveries: projectProcedure("integrations:read")
    .input(webhookDeliveriesInput)
    .query(({ ctx, input }) => listWebhookDeliveries({ projectId: ctx.scope.projectId, input })),
  sendTest: projectProcedure("integrations:manage")
    .input(webhookByIdInput)
    .mutation(({ ctx, input }) => sendTestWebhook({ ...ctx.scope, id: input.id })),
  redeliver: projectProcedure("integrations:manage")
    .input(webhookRedeliverInput)
    .mutation(({ ctx, input }) => redeliverWebhookDelivery({ ...ctx.scope, deliveryId: input.deliveryId })),
  slack: slackRouter,
});
