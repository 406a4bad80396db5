/**
 * The end of every request, in one place: its log line, its duration in the metrics
 * (`recordRequest`), and an OpenTelemetry span around it (a no-op unless an SDK is registered). The tRPC
 * middleware wraps each procedure with it, `withRequest` each route handler.
 *
 * Levels: error for 5xx; warn for a 4xx that says something may be wrong (a refusal, a conflict, a bad
 * input, a rate limit); info for the rest, including 401 (nobody signed in) and 404 (a stale link,
 * an item the caller may not see), which every healthy instance answers all day.
 */
import { type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

import { log, requestLog } from "@/server/observability/log";
import { recordRequest } from "@/server/observability/metrics";
import { currentRequestContext, type RequestContext, withRequestContext } from "@/server/observability/request-context";

export type LogLevel = "info" | "warn" | "error";

/** The level of a request's line by its status (see the top of this file). */
export function levelOf(status: number): LogLevel {
  if (status >= 500) return "error";
  if (status >= 400 && status !== 401 && status !== 404) return "warn";
  return "info";
}

export interface ObservedRequest {
  kind: "procedure" | "route";
  /**
   * A route that carries procedure calls (the tRPC endpoint): it opens no span of its own when the server
   * has opened one for the HTTP request (Next does), and when it carried exactly one call and did not fail, that call's line
   * and duration stand for the request, so a single call is logged and counted once. A batch, or a
   * request refused before any call ran, keeps its own line.
   */
  carrier?: boolean;
  /** The procedure path or the route's pattern: bounded values, never the raw URL. */
  name: string;
  method: string;
  requestId: string;
  userId?: string | null;
}

export interface Outcome {
  status: number;
  /** The tRPC or domain error code of a refusal. */
  code?: string;
  /** The cause of a 5xx, for the span and the log line. */
  error?: unknown;
}

/** Milliseconds since `start` (a `performance.now()`), to a hundredth. */
export function millisecondsSince(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/**
 * Runs `work` inside the request's context and span, and when it ends writes the request's line and its
 * duration. `outcomeOf` reads the status from what `work` returned; a throw is a 500.
 */
export function observe<T>(
  request: ObservedRequest,
  work: () => Promise<T>,
  outcomeOf: (value: T) => Outcome,
): Promise<T> {
  if (request.kind === "procedure") {
    const calls = currentRequestContext()?.calls;
    if (calls) calls.count++;
  }
  const context: RequestContext = {
    requestId: request.requestId,
    userId: request.userId ?? null,
    ...(request.kind === "procedure" ? { procedure: request.name } : { route: request.name }),
    ...(request.carrier ? { calls: { count: 0 } } : {}),
  };
  return withRequestContext(context, () => {
    const start = performance.now();
    const run = async (span: Span | null) => {
      let outcome: Outcome = { status: 500 };
      try {
        const value = await work();
        outcome = outcomeOf(value);
        return value;
      } catch (err) {
        outcome = { status: 500, error: err };
        throw err;
      } finally {
        finish(request, outcome, span, millisecondsSince(start));
      }
    };
    // Under Next its server span is the HTTP request's; served by the node carrier, there is none yet.
    if (request.carrier && isLocalSpan(trace.getActiveSpan())) return run(null);
    const attributes =
      request.kind === "procedure"
        ? { "rpc.system": "trpc", "rpc.method": request.name }
        : { "http.route": request.name, "http.request.method": request.method };
    return trace.getTracer("specline").startActiveSpan(request.name, { kind: SpanKind.SERVER, attributes }, run);
  });
}

/** A span started in this process (not only a caller's trace context, which is remote). */
function isLocalSpan(span: Span | undefined): boolean {
  return span !== undefined && span.spanContext().isRemote !== true && trace.isSpanContextValid(span.spanContext());
}

function endSpan(request: ObservedRequest, outcome: Outcome, span: Span) {
  span.setAttribute(
    request.kind === "procedure" ? "rpc.response.status_code" : "http.response.status_code",
    outcome.status,
  );
  if (outcome.status >= 500) {
    if (outcome.error !== undefined) {
      span.recordException(outcome.error instanceof Error ? outcome.error : String(outcome.error));
    }
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.code });
  }
  span.end();
}

function finish(request: ObservedRequest, outcome: Outcome, span: Span | null, durationMs: number) {
  if (span) endSpan(request, outcome, span);
  const context = currentRequestContext();
  // A carrier of exactly one call that did not fail itself: the call's line and duration stand for it.
  if (request.carrier && context?.calls?.count === 1 && outcome.status < 500) return;
  // The user may have become known during the request (a route handler reads its credentials inside).
  const userId = context?.userId ?? request.userId;
  const level = levelOf(outcome.status);
  const withError = outcome.status >= 500 && outcome.error !== undefined;
  // The fixed fields of a request's line need no redaction; an error's own fields might.
  (withError ? log : requestLog())[level](
    {
      requestId: request.requestId,
      ...(userId ? { userId } : {}),
      [request.kind]: request.name,
      method: request.method,
      status: outcome.status,
      ...(outcome.code ? { code: outcome.code } : {}),
      durationMs,
      ...(withError ? { err: outcome.error } : {}),
    },
    `${request.kind === "procedure" ? "procedure" : "request"} finished`,
  );
  recordRequest({
    kind: request.kind,
    name: request.name,
    method: request.method,
    status: outcome.status,
    seconds: durationMs / 1000,
  });
}
