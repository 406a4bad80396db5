/**
 * The tRPC HTTP endpoint. Queries over GET, mutations only as JSON POST (a
 * form-encoded or multipart POST is refused before tRPC sees it, so a
 * cross-site form cannot ride the session cookie). A POST body is read with
 * a ceiling (REQUEST_BODY_MAX_BYTES, chunked or not) before anything parses
 * it: larger is 413 PAYLOAD_TOO_LARGE.
 *
 * An `Idempotency-Key` header names one call, so a batch of several calls
 * carrying one is refused (BAD_REQUEST) rather than guessed at: the browser
 * client sends each mutation in a request of its own.
 *
 * `live.events`, the one subscription, is served by server/api/live-sse.ts
 * (the same call, carried for fan-out to many streams).
 *
 * Two carriers of the same handlers: Next, through the route module
 * app/api/trpc/[trpc]/route.ts (`next dev`, and a process's first request
 * to the endpoint, which loads this module), and `serveTrpcNode`, which the
 * production server entry (scripts/serve.mjs) finds registered on globalThis
 * once this module has loaded and then hands every `/api/trpc/` request to,
 * on the socket (server/http/node-bridge.ts), without Next's router.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { IDEMPOTENCY_KEY_HEADER } from "@/lib/idempotency";

import { handleLiveEventsNode, isLiveEventsRequest, liveEventsResponse } from "@/server/api/live-sse";
import { appRouter } from "@/server/api/root";
import { type ApiRefusal, admitApiWrite, apiContext, apiResponseHeaders } from "@/server/http/api-request";
import { requestInit } from "@/server/http/body-limit";
import { preflight } from "@/server/http/cors";
import { serveFetchHandlers, TRPC_NODE_HANDLER } from "@/server/http/node-bridge";
import { withRequest } from "@/server/http/route-helpers";

/** The error tRPC itself would send (superjson-wrapped), so the typed client reads it like any other. */
function refuse({ status, code, message }: ApiRefusal) {
  const error = { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } };
  return Response.json({ error: { json: error } }, { status });
}

/**
 * Each call has its log line, metric and span (the tRPC middleware in server/api/trpc.ts), under the
 * server's span of the HTTP request. A request of one call is logged and counted as that call alone; a
 * batch, or a request refused before any call ran, also gets a line and metric of its own (route `trpc`).
 * A live stream logs its opening and its end instead.
 */
export function handler(incoming: Request, signal: AbortSignal = incoming.signal) {
  const url = new URL(incoming.url);
  if (isLiveEventsRequest(incoming.method, url.pathname + url.search)) return liveEventsResponse(incoming, signal);
  return withRequest(incoming, "trpc", ({ requestId }) => answer(incoming, requestId, signal), { carrier: true });
}

async function answer(incoming: Request, requestId: string, signal: AbortSignal) {
  let req = incoming;
  if (req.method === "POST") {
    const admitted = await admitApiWrite(req);
    if (!admitted.ok) return refuse(admitted.refusal);
    req = new Request(req.url, requestInit(req, admitted.bytes));
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ info }) => {
      if (req.headers.get(IDEMPOTENCY_KEY_HEADER) !== null && info.calls.length > 1) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `An ${IDEMPOTENCY_KEY_HEADER} names one call; send each call that carries one in a request of its own`,
        });
      }
      return apiContext(req, { requestId, signal });
    },
    responseMeta: ({ ctx, errors }) => ({
      headers: apiResponseHeaders(
        req,
        requestId,
        ctx,
        errors.map((e) => e.code),
      ),
    }),
  });
}

/** The endpoint on node:http: live streams on the socket, every other call through the same handlers. */
export function serveTrpcNode(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  if (isLiveEventsRequest(req.method, req.url)) return handleLiveEventsNode(req, res);
  return serveFetchHandlers(req, res, { GET: handler, POST: handler, OPTIONS: preflight });
}

/** `/api/trpc/…`: the requests the node carrier takes. */
export function isTrpcRequest(url: string | undefined): boolean {
  return url?.startsWith("/api/trpc/") === true;
}

// From now on the production server entry serves this endpoint itself.
(globalThis as Record<symbol, unknown>)[TRPC_NODE_HANDLER] = { matches: isTrpcRequest, handle: serveTrpcNode };
