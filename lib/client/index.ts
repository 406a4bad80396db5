/**
 * `@specline/client`: Specline's typed API for other TypeScript programs.
 *
 *     import { createSpeclineClient } from "@specline/client";
 *     const specline = createSpeclineClient({ url: "https://specline.example.com", token: process.env.SPECLINE_TOKEN! });
 *     const issue = await specline.issue.create.mutate({ projectKey: "PAY", title: "Refund fails", severity: "HIGH" });
 *
 * It is the browser's own link chain (lib/trpc/links.ts) with the token as a bearer header: queries batched,
 * superjson on the wire (dates arrive as Dates), each create sent with its own `Idempotency-Key` and retried
 * with it when no answer came back, and `live.events` as a server-sent event stream that reconnects and resumes
 * where it left off. Node has no EventSource of its own; the `eventsource` package is used everywhere, since it
 * can send the token (a browser's built-in EventSource cannot send headers). Built into a package by
 * `npm run client:pack` (scripts/client-pack.mjs).
 */
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";

import { apiLinks } from "@/lib/trpc/links";
import type { AppRouter } from "@/server/api/root";

export type { AppRouter };
/** What each procedure takes, e.g. `RouterInputs["issue"]["create"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** What each procedure answers with, e.g. `RouterOutputs["issue"]["byKey"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export { TRPCClientError };

export interface SpeclineClientOptions {
  /** The instance's address, e.g. `https://specline.example.com` (no path). */
  url: string;
  /** An API token (`spl_…`), made under Settings → API tokens; a read token cannot change anything. */
  token: string;
  /** A fetch implementation; the platform's by default. */
  fetch?: typeof globalThis.fetch;
}

/** A client for one Specline instance, acting as the token's owner with the token's scope. */
export function createSpeclineClient(options: SpeclineClientOptions) {
  if (!/^spl_[A-Za-z0-9_-]+$/.test(options.token)) {
    throw new TypeError("A Specline API token starts with spl_ (make one under Settings → API tokens)");
  }
  const base = new URL(options.url);
  const url = new URL("/api/trpc", base).toString();
  const authorization = `Bearer ${options.token}`;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  return createTRPCClient<AppRouter>({
    links: apiLinks({
      url,
      fetch: fetchImpl,
      headers: { Authorization: authorization },
      EventSource: EventSource as unknown as typeof globalThis.EventSource,
      eventSourceOptions: {
        fetch: (input: string | URL | Request, init?: RequestInit) =>
          fetchImpl(input, { ...init, headers: { ...toRecord(init?.headers), Authorization: authorization } }),
      },
    }),
  });
}

export type SpeclineClient = ReturnType<typeof createSpeclineClient>;

function toRecord(headers: HeadersInit | undefined): Record<string, string> {
  return headers ? Object.fromEntries(new Headers(headers)) : {};
}
