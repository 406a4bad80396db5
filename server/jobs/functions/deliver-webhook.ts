/**
 * Sends one webhook delivery (`specline/webhook.delivery.requested`, data
 * `{ deliveryId }`). The "post" step makes one attempt; a retriable outcome
 * (5xx, 408, 429, timeout, network error) is thrown from the step as a
 * RetryAfterError at the delivery's own backoff time, so Inngest retries the
 * step when the delivery is due. The attempt counter in the database decides
 * when to give up (WEBHOOK_MAX_ATTEMPTS): the delivery is then FAILED and the
 * run ends with a NonRetriableError, as it does at once for a 4xx answer or a
 * refused target.
 */
import { NonRetriableError, RetryAfterError } from "inngest";
import { z } from "zod";

import { inngest } from "@/server/jobs/client";
import { webhookDeliveryRequested } from "@/server/jobs/events";
import { attemptWebhookDelivery } from "@/server/services/webhooks/deliveries";

const requestData = z.object({ deliveryId: z.uuid() });

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    triggers: [webhookDeliveryRequested],
    // Above WEBHOOK_MAX_ATTEMPTS' ceiling: the delivery's attempt counter ends the run, not Inngest.
    retries: 20,
  },
  async ({ event, step }) => {
    const parsed = requestData.safeParse(event.data);
    if (!parsed.success) throw new NonRetriableError(`Invalid ${webhookDeliveryRequested.name} data`);
    const { deliveryId } = parsed.data;

    const result = await step.run("post", async () => {
      const attempt = await attemptWebhookDelivery(deliveryId);
      if (attempt.status === "RETRY") {
        const why = attempt.skipped ? "another worker is sending it" : (attempt.error ?? "retriable failure");
        throw new RetryAfterError(
          `Delivery ${deliveryId} attempt ${attempt.attempt}: ${why}`,
          attempt.nextAttemptAt ?? "30s",
        );
      }
      return {
        status: attempt.status,
        attempt: attempt.attempt,
        responseCode: attempt.responseCode,
        error: attempt.error,
        skipped: attempt.skipped,
      };
    });

    if (result.status === "FAILED") {
      throw new NonRetriableError(`Delivery ${deliveryId} failed: ${result.error ?? "permanent failure"}`);
    }
    return result;
  },
);
