/**
 * A fetch-style route handler (`(Request) => Promise<Response>`) served on a node:http request and
 * response: what Next does for a route handler, without its router. The production server entry
 * (scripts/serve.mjs) hands the tRPC endpoint's requests to it (app/api/trpc/[trpc]/route.ts registers
 * the carrier), because Next's request handling costs as much as a cheap procedure itself
 * (docs/benchmarks.md); tests' HTTP instances serve the endpoint the same way.
 *
 * What it does in Next's stead: the URL from the Host header, the body as a stream (the handler reads it
 * with its own ceiling), an abort signal that fires when the client goes away, the security headers and
 * the no-content policy next.config.mjs gives API responses, the W3C trace context of the request made
 * current (Next's server span is missing here, so `observe()` opens the request's span itself), and
 * 405 for a method the route does not serve. The response body is streamed with back-pressure.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";

import { noContentPolicy, securityHeaders } from "@/lib/security-headers.mjs";
import { log } from "@/server/observability/log";

/**
 * Where scripts/serve.mjs finds the tRPC endpoint's node carrier (`{ matches(url), handle(req, res) }`,
 * set by server/api/trpc-endpoint.ts); a unit test keeps the two names equal.
 */
export const TRPC_NODE_HANDLER = Symbol.for("specline.trpcNodeHandler");

/**
 * A route's handler. `signal` aborts when the client goes away; the node carrier passes it beside the
 * request rather than in it (a Request given a signal follows it through a signal of its own, at a cost
 * per request); under Next it is the request's own.
 */
export type FetchHandler = (request: Request, signal?: AbortSignal) => Promise<Response> | Response;

/** The route's handlers by method, as a route module exports them. */
export type FetchHandlers = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS", FetchHandler>>;

/** A Host header that can stand in a URL (a name or address, an optional port); anything else is `localhost`. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The web Request of a node:http request: URL, method, headers, and the body as a stream. */
export function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  const host = req.headers.host && HOST.test(req.headers.host) ? req.headers.host : "localhost";
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(`http://${host}${req.url ?? "/"}`, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

const API_HEADERS: [string, string][] = [
  ...securityHeaders.map(({ key, value }): [string, string] => [key, value]),
  ["Content-Security-Policy", noContentPolicy],
];

/** Writes a web Response to a node:http response: status, headers (every Set-Cookie), then the body. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  for (const [name, value] of API_HEADERS) res.setHeader(name, value);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.statusCode = response.status;
  if (!response.body) {
    res.end();
    return;
  }
  await writeBody(res, response.body);
}

/**
 * The body's chunks to the socket as they come, waiting for `drain` when the socket's buffer is full, and
 * cancelling the body when the client has gone (stream/promises' `pipeline` would do the same at the
 * price of an AbortController and a DOMException per response).
 */
async function writeBody(res: ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  // A client that leaves while the body waits for its next chunk (a live stream between messages).
  const left = () => {
    if (!res.writableFinished) reader.cancel().catch(() => undefined);
  };
  res.once("close", left);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      if (!res.write(value)) await drainedOrClosed(res);
    }
    res.end();
  } finally {
    res.off("close", left);
    reader.releaseLock();
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Serves `req` with the route's handler for its method. Never throws: a failure ends the response. */
export async function serveFetchHandlers(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: FetchHandlers,
): Promise<void> {
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  try {
    const handler = handlers[req.method as keyof FetchHandlers];
    if (!handler) {
      res.setHeader("allow", Object.keys(handlers).join(", "));
      await sendWebResponse(res, new Response(null, { status: 405 }));
      return;
    }
    const request = toWebRequest(req);
    // The caller's trace context (W3C traceparent) as the parent of the request's span; a no-op untraced.
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const response = await context.with(parent, () => handler(request, abort.signal));
    await sendWebResponse(res, response);
  } catch (err) {
    // The client went away mid-body (nothing to answer), or the handler failed outside its own guard.
    if (abort.signal.aborted || res.destroyed) return;
    log.error({ err, url: req.url?.split("?")[0] }, "serving a request failed");
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    } else res.destroy();
  }
}
