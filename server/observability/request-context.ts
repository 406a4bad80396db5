/**
 * What the code running for one request (or one background run) is doing on behalf of: its request id,
 * the signed-in user, and the procedure or route. Kept in AsyncLocalStorage so the logger's mixin can put
 * them on every line a service writes, without passing them down through every call.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  requestId: string;
  userId?: string | null;
  /** The tRPC procedure path (`issue.create`) or the route's pattern (`projects/[key]/export`). */
  procedure?: string;
  route?: string;
  /**
   * The procedure calls observed so far in this HTTP request (one object shared by the request's context
   * and its calls'): the tRPC endpoint leaves its own line to a request that carried one call.
   */
  calls?: { count: number };
}

// One store per process: Next loads server modules in more than one bundle, and the logger of each must
// see the context the request handler of another set.
const globalForContext = globalThis as unknown as { specline_requestContext?: AsyncLocalStorage<RequestContext> };
globalForContext.specline_requestContext ??= new AsyncLocalStorage<RequestContext>();
const storage = globalForContext.specline_requestContext;

/** The context of the code running now, or undefined outside any request. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` with `context`, on top of the current one (a procedure inside its HTTP request keeps the request id). */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, work);
}

/** Names the signed-in user of the current request once its credentials are known (route handlers). */
export function setRequestUser(userId: string | null): void {
  const context = storage.getStore();
  if (context) context.userId = userId;
}
