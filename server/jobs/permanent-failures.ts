/**
 * Where the services' PermanentFailure (server/errors.ts) meets Inngest. The
 * middleware is registered once on the client (server/jobs/client.ts), so
 * every function's steps and bodies go through it: a permanent failure
 * becomes a NonRetriableError and Inngest stops retrying, as the in-process
 * dispatcher does for the same errors.
 */
import { Middleware, NonRetriableError } from "inngest";

import { isPermanentFailure } from "@/server/errors";

/**
 * What Inngest gets for an error thrown by our code: a permanent failure
 * becomes a NonRetriableError with the same message and the original as its
 * cause; every other error is left as it is.
 */
export function toInngestError(err: unknown): unknown {
  if (!isPermanentFailure(err)) return err;
  // Already final for Inngest: ours, or a failed step re-thrown by a function body.
  if ((err as { name?: unknown }).name === "NonRetriableError") return err;
  return new NonRetriableError(err instanceof Error ? err.message : String(err), { cause: err });
}

export class PermanentFailureMiddleware extends Middleware.BaseMiddleware {
  readonly id = "specline-permanent-failure";

  async wrapStepHandler({ next }: Middleware.WrapStepHandlerArgs) {
    try {
      return await next();
    } catch (err) {
      throw toInngestError(err);
    }
  }

  async wrapFunctionHandler({ next }: Middleware.WrapFunctionHandlerArgs) {
    try {
      return await next();
    } catch (err) {
      throw toInngestError(err);
    }
  }
}
