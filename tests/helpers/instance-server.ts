/**
 * The real tRPC endpoint (server/api/trpc-endpoint.ts: the same handler,
 * session cookie, checks and limits as the app) served on node:http as the
 * production server entry serves it, for tests that talk to Specline over
 * HTTP — in the test's own process, or as a separate instance
 * (app-instance.ts).
 */
import http from "node:http";

import { handler, isTrpcRequest, serveTrpcNode } from "@/server/api/trpc-endpoint";
import { preflight } from "@/server/http/cors";
import { serveFetchHandlers } from "@/server/http/node-bridge";

/**
 * `carrier`: how the endpoint is carried — on the socket as the production
 * server entry does (`node`, the default: live streams written to the socket),
 * or every request as the route handler's fetch Response (`fetch`, as under
 * `next dev`, live streams included).
 */
export function createInstanceServer({ carrier = "node" }: { carrier?: "node" | "fetch" } = {}): http.Server {
  const server = http.createServer((req, res) => {
    if (!isTrpcRequest(req.url)) {
      res.writeHead(404).end();
      return;
    }
    if (carrier === "node") void serveTrpcNode(req, res);
    else void serveFetchHandlers(req, res, { GET: handler, POST: handler, OPTIONS: preflight });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
