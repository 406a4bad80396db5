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
 */
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

import { IDEMPOTENCY_KEY_HEADER } from "@/lib/idempotency";

import { isLiveEventsRequest, liveEventsResponse, registerNodeLiveEvents } from "@/server/api/live-sse";
import { appRouter } from "@/server/api/root";
import { type ApiRefusal, admitApiWrite, apiContext, apiResponseHeaders } from "@/server/http/api-request";
import { requestInit } from "@/server/http/body-limit";
import { preflight } from "@/server/http/cors";
import { withRequest } from "@/server/http/route-helpers";

export const dynamic = "force-dynamic";

// From now on the production server entry serves `live.events` itself (see server/api/live-sse.ts).
registerNodeLiveEvents();

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
function handler(incoming: Request) {
  const url = new URL(incoming.url);
  if (isLiveEventsRequest(incoming.method, url.pathname + url.search)) return liveEventsResponse(incoming);
  return withRequest(incoming, "trpc", ({ requestId }) => answer(incoming, requestId), { carrier: true });
}

async function answer(incoming: Request, requestId: string) {
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
      return apiContext(req, { requestId, signal: incoming.signal });
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

export { handler as GET, handler as POST, preflight as OPTIONS };
