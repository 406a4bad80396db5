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
import { randomUUID } from "node:crypto";

import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";

import { getEnv } from "@/lib/env.mjs";
import { IDEMPOTENCY_KEY_HEADER } from "@/lib/idempotency";

import { isLiveEventsRequest, liveEventsResponse, registerNodeLiveEvents } from "@/server/api/live-sse";
import { appRouter } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getRequestCredentials } from "@/server/auth/session";
import { RETRY_AFTER_SECONDS } from "@/server/errors";
import { readBodyWithin, requestInit } from "@/server/http/body-limit";
import { corsHeaders, crossOriginAllowed, preflight } from "@/server/http/cors";
import { isSameOrigin } from "@/server/http/route-helpers";
import { rateLimitHeaders } from "@/server/rate-limit";

export const dynamic = "force-dynamic";

// From now on the production server entry serves `live.events` itself (see server/api/live-sse.ts).
registerNodeLiveEvents();

type RefusalCode = "UNSUPPORTED_MEDIA_TYPE" | "FORBIDDEN" | "PAYLOAD_TOO_LARGE";

/** The error tRPC itself would send (superjson-wrapped), so the typed client reads it like any other. */
function refuse(status: number, code: RefusalCode, message: string) {
  const error = { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } };
  return Response.json({ error: { json: error } }, { status });
}

async function handler(incoming: Request) {
  let req = incoming;
  const url = new URL(req.url);
  if (isLiveEventsRequest(req.method, url.pathname + url.search)) return liveEventsResponse(req);
  if (req.method === "POST") {
    const type = req.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/json")) {
      return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Mutations must be sent as application/json");
    }
    // A cookie call must come from this app; a bearer-token call without a cookie carries no ambient credential.
    if (!crossOriginAllowed(req, isSameOrigin(req))) {
      return refuse(403, "FORBIDDEN", "Cross-origin requests are not allowed");
    }
    const max = getEnv().REQUEST_BODY_MAX_BYTES;
    const body = await readBodyWithin(req, max);
    if (!body.ok) return refuse(413, "PAYLOAD_TOO_LARGE", `Request bodies can be at most ${max} bytes`);
    req = new Request(req.url, requestInit(req, body.bytes));
  }
  const requestId = req.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ info }) => {
      const idempotencyKey = req.headers.get(IDEMPOTENCY_KEY_HEADER);
      if (idempotencyKey !== null && info.calls.length > 1) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `An ${IDEMPOTENCY_KEY_HEADER} names one call; send each call that carries one in a request of its own`,
        });
      }
      const credentials = await getRequestCredentials(req);
      return createContextInner({
        userId: credentials?.userId ?? null,
        sessionId: credentials?.sessionId,
        apiToken: credentials?.apiToken,
        requestId,
        ip: clientIp(req.headers),
        signal: incoming.signal,
        idempotencyKey,
      });
    },
    responseMeta: ({ ctx, errors }) => {
      const headers = new Headers({ "x-request-id": requestId, ...corsHeaders(req) });
      const decision = ctx?.rateLimit.decision;
      if (decision) for (const [name, value] of Object.entries(rateLimitHeaders(decision))) headers.set(name, value);
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      return { headers };
    },
  });
}

export { handler as GET, handler as POST, preflight as OPTIONS };
