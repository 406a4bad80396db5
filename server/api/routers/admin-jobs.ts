import {
  mailListInput,
  mailListOut,
  mailMessageOut,
  mailReadInput,
  outboxHealthOut,
  outboxRetryInput,
  outboxRetryOut,
} from "@/lib/schemas/notifications";
import { systemStatusOut } from "@/lib/schemas/system";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { inngestConfigured } from "@/server/jobs/client";
import { getOutboxHealth, retryOutboxEvent } from "@/server/jobs/outbox-health";
import { listMail, readMail } from "@/server/services/mail/mailer";
import { getSystemStatus } from "@/server/services/system-status";

/**
 * Background work as instance admins see it: the outbox backlog and failures, the embedded mail folder, and
 * the system page (the services the instance depends on, job runs, this instance's traffic).
 */
export const adminJobsRouter = createTRPCRouter({
  outbox: adminProcedure.output(outboxHealthOut).query(() => getOutboxHealth()),
  system: adminProcedure
    .output(systemStatusOut)
    .query(() =>
      getSystemStatus({ inngestConfigured: inngestConfigured(), outbox: getOutboxHealth({ failuresLimit: 0 }) }),
    ),
  retry: adminProcedure
    .input(outboxRetryInput)
    .output(outboxRetryOut)
    .mutation(({ ctx, input }) => retryOutboxEvent({ actor: ctx.actor, id: input.id })),
  mail: createTRPCRouter({
    list: adminProcedure
      .input(mailListInput)
      .output(mailListOut)
      .query(({ input }) => listMail(input)),
    read: adminProcedure
      .input(mailReadInput)
      .output(mailMessageOut)
      .query(({ input }) => readMail(input.name)),
  }),
});
