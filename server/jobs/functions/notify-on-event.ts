/**
 * Fans one domain event out to its watchers: auto-watch, in-app
 * notifications, email, Slack and webhooks, each a named step that Inngest
 * retries on its own. The same service runs in-process in the embedded mode
 * (server/jobs/dispatcher.ts), so both paths write exactly the same rows.
 */
import { inngest } from "@/server/jobs/client";
import {
  baselineEvents,
  fromInngestData,
  issueEvents,
  projectEvents,
  requirementEvents,
  traceLinkEvents,
  webhookDeliveryRequested,
} from "@/server/jobs/events";
import { notifyForEvent } from "@/server/services/notifications/fan-out";

export const notifyOnEvent = inngest.createFunction(
  {
    id: "notify-on-event",
    name: "Notify watchers of a domain event",
    triggers: [requirementEvents, issueEvents, traceLinkEvents, baselineEvents, projectEvents],
    retries: 5,
  },
  async ({ event, step }) => {
    const domainEvent = fromInngestData(event.data);
    return notifyForEvent(domainEvent, {
      run: <T>(name: string, fn: () => Promise<T>) => step.run(name, fn) as Promise<T>,
      requestWebhookDeliveries: async (ids) => {
        if (ids.length === 0) return;
        await step.sendEvent(
          "request-webhook-deliveries",
          ids.map((deliveryId) => webhookDeliveryRequested.create({ deliveryId }, { id: deliveryId })),
        );
      },
    });
  },
);
