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
 * And it owns shutdown (Next's own signal handling is switched off): on
 * SIGTERM or SIGINT the instance drains. Live streams (requests that accept
 * `text/event-stream`) are cut at once, so their clients reconnect, through
 * the proxy, to another instance and resume from their last event id;
 * requests in flight finish, with `Connection: close`; a request that
 * arrives while draining is answered 503 `Retry-After: 1` without being
 * handled (a proxy passes it to another instance: it was never processed),
 * except the probes and metrics, and /api/ready answers 503 "draining".
 * Once nothing is in flight and no request has come for QUIET_MS (the
 * proxy has stopped sending), or after SHUTDOWN_TIMEOUT_MS, the listener
 * and the remaining idle connections are closed, the app's shutdown hooks
 * run (the dispatcher finishes its event in hand and releases its leases,
 * the live fan-out disconnects, batched spans are sent) and the process
 * exits 0. Signals after the first are ignored (a terminal's Ctrl-C reaches
 * this process both directly and through `npm start`).
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

/* ------------------------------------------------------------ shutdown */

/**
 * Shared with the app (server/http/shutdown.ts): whether this instance is
 * draining, and the hooks to run once requests have drained.
 */
const SHUTDOWN = Symbol.for("specline.shutdown");
const shutdown = { draining: false, hooks: [] };
globalThis[SHUTDOWN] = shutdown;
// Next would close the server on a signal and exit with live streams still open.
process.env.NEXT_MANUAL_SIG_HANDLE = "true";

/** How long a drain may take before the remaining requests are cut (Kubernetes' grace period is 45 s, 5 s of it preStop). */
const SHUTDOWN_TIMEOUT_MS = positiveInteger(process.env.SHUTDOWN_TIMEOUT_MS, 30_000);
/** No request for this long while draining: the proxy in front has stopped sending here. */
const QUIET_MS = 500;
/** Answered while draining: the probes (readiness then says "draining") and the metrics. */
const SERVED_WHILE_DRAINING = /^\/api\/(health|ready|metrics)(\/|\?|$)/;

function positiveInteger(raw, fallback) {
  const n = Number(raw);
  return raw !== undefined && raw !== "" && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

const servers = new Set();
/** Responses not yet finished, each marked whether it is a live stream. */
const inFlight = new Map();
let lastArrival = 0;

function isProbe(req) {
  return SERVED_WHILE_DRAINING.test(req.url ?? "");
}

function track(req, res) {
  if (!isProbe(req)) lastArrival = Date.now();
  const stream = (req.headers.accept ?? "").includes("text/event-stream");
  inFlight.set(res, stream);
  res.once("close", () => inFlight.delete(res));
}

function refuse(res) {
  res.writeHead(503, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "retry-after": "1",
    "x-content-type-options": "nosniff",
    connection: "close",
  });
  res.end(
    JSON.stringify({ error: { code: "SERVICE_UNAVAILABLE", message: "This instance is shutting down: retry." } }),
  );
}

/** A line as the app's logger writes them (server/observability/log.ts). */
function logLine(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...fields, msg })}\n`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function drain(signal) {
  const started = Date.now();
  shutdown.draining = true;
  // Whatever happens below, the process ends: the hooks get what the timeout leaves, and 10 s more.
  setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS + 10_000).unref();
  let streams = 0;
  for (const [res, stream] of inFlight) {
    if (stream) {
      streams++;
      res.destroy();
    } else if (!res.headersSent) {
      // The connection ends with this response: the proxy opens its next one to another instance.
      res.shouldKeepAlive = false;
    }
  }
  logLine("info", "shutting down: draining", { signal, streams, inFlight: inFlight.size - streams });
  const deadline = started + SHUTDOWN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const busy = [...inFlight.values()].filter((stream) => !stream).length;
    if (busy === 0 && Date.now() - lastArrival >= QUIET_MS) break;
    await sleep(50);
  }
  const cut = inFlight.size;
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
  for (const hook of shutdown.hooks) {
    try {
      await hook();
    } catch (err) {
      logLine("error", "shutdown hook failed", { err: { message: err?.message ?? String(err) } });
    }
  }
  logLine("info", "shut down", { durationMs: Date.now() - started, cut });
  process.exit(0);
}

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void drain(signal);
  });
}

/* -------------------------------------------------------------- server */

/**
 * Next's request listener, with the tRPC endpoint taken off it once the app
 * has registered its handler, and requests tracked for the drain.
 */
function serving(listener) {
  return function serve(req, res) {
    if (shutdown.draining) {
      if (!isProbe(req)) {
        lastArrival = Date.now();
        return refuse(res);
      }
    }
    track(req, res);
    if (shutdown.draining) res.shouldKeepAlive = false;
    const trpc = globalThis[TRPC];
    if (trpc?.matches(req.url)) return trpc.handle(req, res);
    return listener.call(this, req, res);
  };
}

const createServer = http.createServer;
http.createServer = function createStampingServer(...args) {
  const at = args.findIndex((arg) => typeof arg === "function");
  if (at !== -1) args[at] = serving(args[at]);
  const server = createServer.apply(this, args);
  servers.add(server);
  // Ahead of every other listener, however Next attaches its own.
  server.prependListener("request", stamp);
  server.prependListener("upgrade", stamp);
  return server;
};
globalThis[Symbol.for("specline.clientAddressStamped")] = true;

await import("./server.js");
