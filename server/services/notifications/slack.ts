/**
 * Posts a message to a project's Slack incoming webhook. The URL is checked
 * against the webhook policy again before each send and the connection goes
 * to the address that was checked (server/services/webhooks/url-safety.ts).
 * A refusal that will not change on retry (bad URL, 4xx other than 429)
 * is a PermanentFailure; anything else may be retried.
 */
import http from "node:http";
import https from "node:https";

import { AppError, PermanentFailure } from "@/server/errors";
import { assertSlackWebhookUrl, guardedLookup, UnsafeTargetError } from "@/server/services/webhooks/url-safety";

const TIMEOUT_MS = 10_000;

export async function postToSlack(rawUrl: string, text: string): Promise<void> {
  let url: URL;
  try {
    url = assertSlackWebhookUrl(rawUrl);
  } catch (err) {
    if (err instanceof AppError) throw new PermanentFailure(`Slack URL refused: ${err.message}`);
    throw err;
  }
  const body = JSON.stringify({ text });
  const status = await new Promise<number>((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        lookup: guardedLookup() as unknown as http.RequestOptions["lookup"],
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`Slack did not answer within ${TIMEOUT_MS / 1000} s`)));
    req.on("error", (err) => reject(err instanceof UnsafeTargetError ? new PermanentFailure(err.message) : err));
    req.end(body);
  });
  if (status >= 200 && status < 300) return;
  if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
    throw new PermanentFailure(`Slack refused the message (HTTP ${status})`);
  }
  throw new Error(`Slack answered HTTP ${status}`);
}
