/**
 * Sends the account's own email for an `account.*` event (reset and
 * verification links, the sign-up notice) and the invitation email. The same service runs in-process
 * in the embedded mode (server/jobs/dispatcher.ts).
 */
import { inngest } from "@/server/jobs/client";
import { accountEvents, fromInngestData, invitationCreated } from "@/server/jobs/events";
import { sendAccountMail } from "@/server/services/users/account-mail";

export const sendAccountMailFunction = inngest.createFunction(
  {
    id: "send-account-mail",
    name: "Send an account email",
    triggers: [accountEvents, invitationCreated],
    retries: 5,
  },
  async ({ event, step }) => {
    const domainEvent = fromInngestData(event.data);
    return step.run("send", () => sendAccountMail(domainEvent));
  },
);
