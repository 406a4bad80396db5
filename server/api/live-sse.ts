/**
 * `live.events` over server-sent events: the one subscription, served for
 * thousands of open tabs.
 *
 * The call is a tRPC call like any other — the session, the procedure's
 * middleware (sign-in, rate limits), its input schema and its access check
 * run through `createCaller` — and the stream speaks tRPC's SSE framing, so
 * `httpSubscriptionLink` reads it. What differs from tRPC's own HTTP handler
 * is the carriage of the stream: tRPC pipes each message through a chain of
 * async generators and web streams per stream and serialises it per stream,
 * which at 10,000 open streams costs about a millisecond of CPU per stream
 * per change. Here a change is encoded once (server/live/sse.ts) and the
 * same bytes are written to every stream that may receive it; one timer
 * pings every stream.
 *
 * Two carriers: `liveEventsResponse` answers a fetch `Request` (the route
 * handler, app/api/trpc/[trpc]/route.ts); `handleLiveEventsNode` writes to a
 * node:http response directly: the tRPC endpoint's node carrier (the same
 * route, served by the production server entry without Next) hands it
 * `GET /api/trpc/live.events`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import { getErrorShape, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";

import { appRouter, createCaller } from "@/server/api/root";
import { type Context, createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getRequestCredentials } from "@/server/auth/session";
import { requestIdOf } from "@/server/http/request-id";
import { connectedFrame, Pinger, SSE_HEADERS, SseEncoder, usableEventId } from "@/server/live/sse";
import { type LiveSink, LiveStream } from "@/server/live/stream";
import { log } from "@/server/observability/log";
import { millisecondsSince } from "@/server/observability/observe";
import { rateLimitHeaders } from "@/server/rate-limit";

export const LIVE_EVENTS_PATH = "/api/trpc/live.events";
const PROCEDURE_PATH = "live.events";
/**
 * Bytes a stream holds for a reader that does not keep up (beyond what the
 * kernel's socket buffer takes); past it the stream skips changes and then
 * tells the page to resync.
 */
export const LIVE_STREAM_BUFFER_BYTES = 256 * 1024;

/** Where the stream's bytes go. */
export interface SseOutlet {
  /** Writes `bytes`; false when more than LIVE_STREAM_BUFFER_BYTES waits for the reader. */
  write(bytes: Uint8Array): boolean;
  /** Calls `fn` once the waiting bytes have gone out. */
  onDrain(fn: () => void): void;
  end(): void;
}

export interface LiveRequest {
  url: string;
  headers: Headers;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** Whether a request is a `live.events` subscription (a single call, not a batch). */
export function isLiveEventsRequest(method: string | undefined, url: string | undefined): boolean {
  if (method !== "GET" || !url) return false;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return path === LIVE_EVENTS_PATH && !/[?&]batch=/.test(url);
}

const config = appRouter._def._config;
const encoder = new SseEncoder((value) => config.transformer.output.serialize(value));
/** The first event of every stream: the client's reconnect settings. */
const CONNECTED = connectedFrame(config.sse?.client ?? {});

/** Every open stream, pinged together. */
const pinger = new Pinger(config.sse?.ping?.enabled ? (config.sse.ping.intervalMs ?? 0) : 0);

/** The response headers with the call's rate-limit answer, as every API response carries it. */
function withRateLimit(headers: Record<string, string>, ctx: Context | undefined): Record<string, string> {
  const decision = ctx?.rateLimit.decision;
  return decision ? { ...headers, ...rateLimitHeaders(decision) } : headers;
}

/** The last event id the browser sent: the header EventSource sends, or the query tRPC's client adds. */
function lastEventIdOf(url: URL, headers: Headers): string | null {
  return headers.get("last-event-id") ?? url.searchParams.get("lastEventId") ?? url.searchParams.get("Last-Event-Id");
}

/** The call's input as tRPC reads a GET: `?input=` in the API's transformer, with the last event id added. */
function inputOf(url: URL, lastEventId: string | null): unknown {
  const raw = url.searchParams.get("input");
  let input: unknown;
  if (raw !== null) {
    try {
      input = config.transformer.input.deserialize(JSON.parse(raw));
    } catch (cause) {
      throw new TRPCError({ code: "PARSE_ERROR", message: "The input is not valid JSON", cause });
    }
  }
  if (lastEventId) {
    if (input !== null && typeof input === "object" && !Array.isArray(input)) return { ...input, lastEventId };
    input ??= { lastEventId };
  }
  return input;
}

/**
 * Serves one `live.events` request: `respond` is called once with the
 * response headers and returns where the stream's bytes go. An error before
 * the stream starts (not signed in, no access, a limit) is the stream's only
 * event, as tRPC sends it. The call itself is logged by the tRPC middleware; the stream writes a line
 * when it opens and one when it ends, with how long it was open.
 */
export async function serveLiveEvents(req: LiveRequest, respond: (headers: Record<string, string>) => SseOutlet) {
  const start = performance.now();
  const requestId = requestIdOf(req.headers);
  const headers: Record<string, string> = { ...SSE_HEADERS, "x-request-id": requestId };
  let ctx: Context | undefined;
  let input: unknown;
  const shapeOf = (err: unknown) =>
    getErrorShape({
      config,
      ctx,
      error: getTRPCErrorFromUnknown(err),
      input,
      path: PROCEDURE_PATH,
      type: "subscription",
    });

  const url = new URL(req.url, "http://localhost");
  const lastEventId = lastEventIdOf(url, req.headers);
  let stream: LiveStream;
  try {
    input = inputOf(url, lastEventId);
    const credentials = await getRequestCredentials(req as unknown as Request);
    ctx = createContextInner({
      userId: credentials?.userId ?? null,
      sessionId: credentials?.sessionId,
      apiToken: credentials?.apiToken,
      requestId,
      ip: clientIp(req.headers),
      signal: req.signal,
      idempotencyKey: null,
    });
    const result: unknown = await createCaller(ctx, { signal: req.signal }).live.events(input as never);
    if (!(result instanceof LiveStream)) throw new Error("live.events answered something other than a live stream");
    stream = result;
  } catch (err) {
    const out = respond(withRateLimit(headers, ctx));
    out.write(CONNECTED);
    out.write(encoder.error(shapeOf(err)));
    out.end();
    return;
  }
  const out = respond(withRateLimit(headers, ctx));
  out.write(CONNECTED);

  let lastId = usableEventId(lastEventId);
  let finished = false;
  let detach: (() => void) | undefined;
  const finish = () => {
    if (finished) return;
    finished = true;
    detach?.();
    pinger.delete(out);
    clearTimeout(maxDuration);
    req.signal.removeEventListener("abort", finish);
    out.end();
    log.info(
      { requestId, userId: ctx?.userId, procedure: PROCEDURE_PATH, durationMs: millisecondsSince(start) },
      "live stream closed",
    );
  };
  const sink: LiveSink = {
    send(message, id) {
      if (finished) return true;
      if (id === undefined) return out.write(encoder.untracked(message, lastId));
      lastId = id;
      return out.write(encoder.tracked(message, id));
    },
    onDrain: (fn) => out.onDrain(fn),
    fail(error) {
      if (finished) return;
      out.write(encoder.error(shapeOf(error)));
      finish();
    },
  };
  // Ending after LIVE_MAX_DURATION_MS makes the browser reconnect, resume from its last id and be checked again.
  const maxDurationMs = config.sse?.maxDurationMs;
  const maxDuration = maxDurationMs ? setTimeout(finish, maxDurationMs) : undefined;
  maxDuration?.unref?.();
  if (req.signal.aborted) return finish();
  req.signal.addEventListener("abort", finish);
  detach = stream.attach(sink);
  pinger.add(out);
  log.info({ requestId, userId: ctx?.userId, procedure: PROCEDURE_PATH }, "live stream opened");
}

/** The stream as a fetch `Response` (route handlers). */
export function liveEventsResponse(request: Request, signal: AbortSignal = request.signal): Promise<Response> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  if (signal.aborted) abort.abort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return new Promise<Response>((resolve, reject) => {
    serveLiveEvents({ url: request.url, headers: request.headers, signal: abort.signal }, (headers) => {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const drains: (() => void)[] = [];
      let ended = false;
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => {
            controller = c;
          },
          pull: () => {
            for (const fn of drains.splice(0)) fn();
          },
          cancel: () => {
            ended = true;
            abort.abort();
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: LIVE_STREAM_BUFFER_BYTES }),
      );
      resolve(new Response(body, { status: 200, headers }));
      return {
        write(bytes) {
          if (ended) return true;
          controller.enqueue(bytes);
          return (controller.desiredSize ?? 0) > 0;
        },
        onDrain: (fn) => drains.push(fn),
        end() {
          if (ended) return;
          ended = true;
          controller.close();
          signal.removeEventListener("abort", onAbort);
        },
      };
    }).catch(reject);
  });
}

/** The stream on a node:http response (the production server entry, and tests' servers). */
export function handleLiveEventsNode(req: IncomingMessage, res: ServerResponse): void {
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  serveLiveEvents({ url: req.url ?? "/", headers, signal: abort.signal }, (responseHeaders) => {
    res.writeHead(200, responseHeaders);
    res.flushHeaders();
    return {
      write(bytes) {
        if (res.writableEnded || res.destroyed) return true;
        res.write(bytes);
        return res.writableLength < LIVE_STREAM_BUFFER_BYTES;
      },
      onDrain: (fn) => res.once("drain", fn),
      end() {
        if (!res.writableEnded) res.end();
      },
    };
  }).catch((err: unknown) => {
    log.error({ err, procedure: PROCEDURE_PATH }, "serving a live stream failed");
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}
