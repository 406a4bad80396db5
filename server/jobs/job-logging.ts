/**
 * A log line for every run of an Inngest function (each invocation: Inngest calls a function once per
 * step it reaches), with its duration and outcome. The run carries the id of the request whose change
 * wrote its event (`requestId` in the event's data, copied from the outbox payload), so the lines the
 * services write during it join that request's; a cron run has its run id instead.
 */
import { Middleware } from "inngest";

import { log } from "@/server/observability/log";
import { millisecondsSince } from "@/server/observability/observe";
import { withRequestContext } from "@/server/observability/request-context";

function requestIdOfEvent(data: unknown): string | undefined {
  const requestId = (data as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof requestId === "string" ? requestId : undefined;
}

export class JobLoggingMiddleware extends Middleware.BaseMiddleware {
  readonly id = "specline-job-logging";

  async wrapFunctionHandler({ ctx, fn, next }: Middleware.WrapFunctionHandlerArgs) {
    const job = fn.id();
    const fields = { job, runId: ctx.runId, event: ctx.event.name, eventId: ctx.event.id };
    const requestId = requestIdOfEvent(ctx.event.data) ?? `run:${ctx.runId}`;
    return withRequestContext({ requestId, route: `inngest/${job}` }, async () => {
      const start = performance.now();
      try {
        const result = await next();
        log.info({ ...fields, durationMs: millisecondsSince(start) }, "job run finished");
        return result;
      } catch (err) {
        // Inngest retries it unless it is final (NonRetriableError); either way the cause belongs in the log.
        log.error({ ...fields, durationMs: millisecondsSince(start), err }, "job run failed");
        throw err;
      }
    });
  }
}
