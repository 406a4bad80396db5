import {
  mailListInput,
  mailListOut,
  mailMessageOut,
  mailReadInput,
  outboxHealthOut,
  outboxRetryInput,
  outboxRetryOut,
} from "@/lib/schemas/notifications";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { getOutboxHealth, retryOutboxEvent } from "@/server/jobs/outbox-health";
import { listMail, readMail } from "@/server/services/mail/mailer";

/** Background work as instance admins see it: the outbox backlog and failures, and the embedded mail folder. */
export const adminJobsRouter = createTRPCRouter({
  outbox: adminProcedure.output(outboxHealthOut).query(() => getOutboxHealth()),
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
