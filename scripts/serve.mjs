#!/usr/bin/env node
/**
 * The production server entry: Next's standalone server (server.js beside
 * this file) plus one thing Next cannot do. Route handlers never see the
 * socket, and Next fills X-Forwarded-For only when the client sent none, so
 * before Next sees a request this entry writes the TCP peer's address into
 * `x-specline-client-address`, replacing anything a client sent under that
 * name. server/auth/client-ip.ts trusts that header only when the process
 * carries the mark set below, so running `node server.js` directly makes
 * every client "local" rather than letting clients pick their address.
 *
 * It also serves the tRPC endpoint (`/api/trpc/…`, live updates included)
 * on the socket directly, through the app's own handlers
 * (server/api/trpc-endpoint.ts), which register themselves on globalThis
 * when the endpoint first loads: Next's request handling costs as much as a
 * cheap procedure. Until then, and for everything else, Next answers.
 *
 * `npm start` copies this file next to .next/standalone/server.js and runs
 * it; the container image runs it as /app/serve.mjs.
 */
import http from "node:http";

const HEADER = "x-specline-client-address";

/** The socket address as the app's only source of the client address; a client's own value is dropped. */
function stamp(req) {
  const address = req.socket?.remoteAddress ?? "";
  // Node builds these two lazily from rawHeaders and a count of its entries:
  // build them first, then change all three alike.
  const { headers, headersDistinct } = req;
  headers[HEADER] = address;
  headersDistinct[HEADER] = [address];
  const raw = req.rawHeaders;
  const kept = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== HEADER) kept.push(raw[i], raw[i + 1]);
  }
  kept.push(HEADER, address);
  req.rawHeaders = kept;
}

const TRPC = Symbol.for("specline.trpcNodeHandler");

/** Next's request listener, with the tRPC endpoint taken off it once the app has registered its handler. */
function withTrpc(listener) {
  return function serve(req, res) {
    const trpc = globalThis[TRPC];
    if (trpc?.matches(req.url)) return trpc.handle(req, res);
    return listener.call(this, req, res);
  };
}

const createServer = http.createServer;
http.createServer = function createStampingServer(...args) {
  const at = args.findIndex((arg) => typeof arg === "function");
  if (at !== -1) args[at] = withTrpc(args[at]);
  const server = createServer.apply(this, args);
  // Ahead of every other listener, however Next attaches its own.
  server.prependListener("request", stamp);
  server.prependListener("upgrade", stamp);
  return server;
};
globalThis[Symbol.for("specline.clientAddressStamped")] = true;

await import("./server.js");
