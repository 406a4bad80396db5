/**
 * The browser client's link chain (lib/trpc/react.tsx), apart so tests can
 * run it against the real handler.
 *
 * Queries are batched as before. Mutations go one per request (`httpLink`),
 * because an Idempotency-Key header names one call: the creates the server
 * de-duplicates (IDEMPOTENT_MUTATIONS) get a fresh key per call, kept on the
 * operation, and are retried a few times with that same key when no answer
 * came back (the network failed, or something other than the API answered)
 * or the server answered 503. A retry of a create that did happen gets the
 * first answer back. Other mutations are not retried: without a key, a
 * retry after a lost answer could apply them twice.
 */
import { httpBatchLink, httpLink, retryLink, splitLink, type TRPCClientError, type TRPCLink } from "@trpc/client";
import superjson from "superjson";

import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_MUTATIONS, newIdempotencyKey } from "@/lib/idempotency";
import type { AppRouter } from "@/server/api/root";

/** Attempts in all, the first included. */
export const MUTATION_ATTEMPTS = 4;

/** Before the second, third and fourth attempt: 0.5 s, 1 s, 2 s. */
export const retryDelayMs = (attempt: number) => 500 * 2 ** (attempt - 1);

/** Gives each call of a de-duplicated create its own key, which its retries keep (they re-send the same op). */
function idempotencyKeyLink(): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      next(
        IDEMPOTENT_MUTATIONS.has(op.path) && typeof op.context.idempotencyKey !== "string"
          ? { ...op, context: { ...op.context, idempotencyKey: newIdempotencyKey() } }
          : op,
      );
}

/** No answer from the API (network failure, a proxy's page) or a 503: worth another try. */
function unanswered(error: TRPCClientError<AppRouter>): boolean {
  if (error.cause?.name === "AbortError") return false;
  return !error.shape || error.data?.httpStatus === 503;
}

export function apiLinks(opts: { url: string; fetch?: typeof fetch }): TRPCLink<AppRouter>[] {
  const { url, fetch } = opts;
  return [
    splitLink({
      condition: (op) => op.type === "mutation",
      true: [
        idempotencyKeyLink(),
        retryLink({
          retry: ({ op, error, attempts }) =>
            IDEMPOTENT_MUTATIONS.has(op.path) &&
            attempts < MUTATION_ATTEMPTS &&
            !op.signal?.aborted &&
            unanswered(error),
          retryDelayMs,
        }),
        httpLink({
          url,
          fetch,
          transformer: superjson,
          headers: ({ op }): Record<string, string> =>
            typeof op.context.idempotencyKey === "string"
              ? { [IDEMPOTENCY_KEY_HEADER]: op.context.idempotencyKey }
              : {},
        }),
      ],
      false: httpBatchLink({ url, fetch, transformer: superjson }),
    }),
  ];
}
