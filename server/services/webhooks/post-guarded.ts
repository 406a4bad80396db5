/**
 * One outbound POST to a user-chosen URL, for webhooks and Slack: the URL
 * policy is checked, the host is resolved and checked once and the socket
 * connects to that address, redirects are not followed, a timeout aborts the
 * request, and nothing of the response but its status code is kept.
 */
import http from "node:http";
import https from "node:https";

import { type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

import { AppError } from "@/server/errors";

import { assertSafeWebhookUrl, guardedLookup, UnsafeTargetError } from "./url-safety";

export type PostOutcome = "response" | "timeout" | "network" | "refused";

export interface PostResult {
  outcome: PostOutcome;
  /** HTTP status when the receiver answered. */
  responseCode: number | null;
  durationMs: number;
  /** Short, client-safe description of what went wrong (null on a response). */
  error: string | null;
}

const MAX_ERROR_LENGTH = 500;

export async function postGuarded(opts: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Defaults to ALLOW_PRIVATE_WEBHOOK_URLS. */
  allowPrivate?: boolean;
}): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  let target: URL;
  try {
    target = assertSafeWebhookUrl(opts.url, { allowPrivate: opts.allowPrivate });
  } catch (err) {
    if (err instanceof AppError)
      return { outcome: "refused", responseCode: null, durationMs: 0, error: `Refused: ${err.message}` };
    throw err;
  }

  const signal = AbortSignal.timeout(opts.timeoutMs);
  const send = target.protocol === "https:" ? https.request : http.request;
  // The origin only: a webhook's or Slack's URL path and query are its secret.
  const span = trace.getTracer("specline").startSpan("POST", {
    kind: SpanKind.CLIENT,
    attributes: {
      "http.request.method": "POST",
      "url.full": target.origin,
      "server.address": target.hostname,
      "server.port": Number(target.port) || (target.protocol === "https:" ? 443 : 80),
    },
  });

  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      endSpan(span, result);
      resolve({ ...result, durationMs: elapsed(), error: result.error?.slice(0, MAX_ERROR_LENGTH) ?? null });
    };
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
        lookup: guardedLookup({ allowPrivate: opts.allowPrivate }) as never,
        // A fresh connection per request: a pooled socket could outlive the address check.
        agent: false,
        signal,
      },
      (res) => {
        finish({ outcome: "response", responseCode: res.statusCode ?? null, error: null });
        // Only the status matters; drop the body without buffering it.
        res.resume();
        res.on("error", () => undefined);
        res.destroy();
      },
    );
    req.on("error", (err: Error & { code?: string }) => {
      if (signal.aborted)
        return finish({ outcome: "timeout", responseCode: null, error: `Timed out after ${opts.timeoutMs} ms` });
      if (err instanceof UnsafeTargetError)
        return finish({ outcome: "refused", responseCode: null, error: err.message });
      finish({ outcome: "network", responseCode: null, error: networkMessage(err) });
    });
    req.end(opts.body);
  });
}

function endSpan(span: Span, result: Omit<PostResult, "durationMs">) {
  if (result.responseCode !== null) span.setAttribute("http.response.status_code", result.responseCode);
  if (result.outcome !== "response" || (result.responseCode ?? 0) >= 400) {
    span.setAttribute("error.type", result.outcome === "response" ? String(result.responseCode) : result.outcome);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function networkMessage(err: Error & { code?: string }): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "ECONNRESET":
      return "Connection reset by the receiver";
    case "ENOTFOUND":
      return "Host name not found";
    case "EAI_AGAIN":
      return "Host name lookup failed temporarily";
    case "ETIMEDOUT":
      return "Connection timed out";
    default:
      return err.code ? `Network error (${err.code})` : "Network error";
  }
}
