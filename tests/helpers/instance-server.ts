/**
 * The real tRPC endpoint (app/api/trpc/[trpc]/route.ts: the same handler,
 * session cookie, checks and limits as the app; live streams as the
 * production server entry serves them) served on node:http, for
 * tests that talk to Specline over HTTP — in the test's own process, or as
 * a separate instance (app-instance.ts).
 */
import http from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { handleLiveEventsNode, isLiveEventsRequest } from "@/server/api/live-sse";

function toRequest(req: http.IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * `carrier`: how `live.events` streams are carried — on the socket as the
 * production server entry does (`node`, the default), or as the route
 * handler's fetch Response (`fetch`, as under `next dev`).
 */
export function createInstanceServer({ carrier = "node" }: { carrier?: "node" | "fetch" } = {}): http.Server {
  const server = http.createServer(async (req, res) => {
    if (carrier === "node" && isLiveEventsRequest(req.method, req.url)) {
      handleLiveEventsNode(req, res);
      return;
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    try {
      if (!req.url?.startsWith("/api/trpc/")) {
        res.writeHead(404).end();
        return;
      }
      const request = toRequest(req, abort.signal);
      const response = await (req.method === "POST" ? POST : GET)(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      if (!response.body) {
        res.end();
        return;
      }
      const body = Readable.fromWeb(response.body as NodeReadableStream);
      body.on("error", () => res.destroy());
      body.pipe(res);
    } catch (err) {
      console.error("[instance] request failed", err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
