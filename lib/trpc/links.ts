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
import {
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  type TRPCClientError,
  type TRPCLink,
} from "@trpc/client";
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

/** A live stream that failed without an answer, or with 503, is opened again after 1, 2, 4 … 30 s. */
export const subscriptionRetryDelayMs = (attempt: number) => Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));

type EventSourceConstructor = typeof EventSource;

export function apiLinks(opts: {
  url: string;
  fetch?: typeof globalThis.fetch;
  /** Sent with every query and mutation (a program's `Authorization: Bearer spl_…`); the browser sends none. */
  headers?: Record<string, string>;
  /** Where the platform has none (Node): an EventSource implementation, with its options (cookies, …). */
  EventSource?: EventSourceConstructor;
  eventSourceOptions?: EventSourceInit & Record<string, unknown>;
}): TRPCLink<AppRouter>[] {
  const { url, fetch, headers = {} } = opts;
  return [
    // Subscriptions (`live.events`) are server-sent event streams, one per tab; the server sends each
    // change with its number as the event id, and a stream opened again (by EventSource itself after a
    // dropped connection, or by the retry below) names the last one and gets exactly what it missed.
    splitLink({
      condition: (op) => op.type === "subscription",
      true: [
        retryLink({
          retry: ({ op, error, attempts }) => op.type === "subscription" && attempts < 1_000 && unanswered(error),
          retryDelayMs: subscriptionRetryDelayMs,
        }),
        httpSubscriptionLink({
          url,
          transformer: superjson,
          ...(opts.EventSource ? { EventSource: opts.EventSource } : {}),
          ...(opts.eventSourceOptions ? { eventSourceOptions: opts.eventSourceOptions } : {}),
        }),
      ],
      false: queriesAndMutations(url, fetch, headers),
    }),
  ];
}

function queriesAndMutations(
  url: string,
  fetch: typeof globalThis.fetch | undefined,
  headers: Record<string, string>,
): TRPCLink<AppRouter> {
  return splitLink({
    condition: (op) => op.type === "mutation",
    true: [
      idempotencyKeyLink(),
      retryLink({
        retry: ({ op, error, attempts }) =>
          IDEMPOTENT_MUTATIONS.has(op.path) && attempts < MUTATION_ATTEMPTS && !op.signal?.aborted && unanswered(error),
        retryDelayMs,
      }),
      httpLink({
        url,
        fetch,
        transformer: superjson,
        headers: ({ op }): Record<string, string> =>
          typeof op.context.idempotencyKey === "string"
            ? { ...headers, [IDEMPOTENCY_KEY_HEADER]: op.context.idempotencyKey }
            : headers,
      }),
    ],
    false: httpBatchLink({ url, fetch, transformer: superjson, headers }),
  });
}
