/** Every Inngest function the app serves (app/api/inngest/route.ts), one per file. */
import { aggregateDailyStatsFunction } from "./aggregate-daily-stats";
import { deliverWebhook } from "./deliver-webhook";
import { notifyOnEvent } from "./notify-on-event";
import { sendAccountMailFunction } from "./send-account-mail";

export const functions = [notifyOnEvent, aggregateDailyStatsFunction, deliverWebhook, sendAccountMailFunction];
