/**
 * server/http/node-bridge.ts over real sockets: a fetch-style handler served on node:http as the
 * production server entry serves the tRPC endpoint — the request as the handler sees it, the response
 * as the client gets it, a method the route does not serve, a client that goes away, a handler that
 * fails, and the caller's trace context.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { noContentPolicy, securityHeaders } from "@/lib/security-headers.mjs";
import { type FetchHandler, type FetchHandlers, serveFetchHandlers } from "@/server/http/node-bridge";
import { startTracing, stopTracing } from "@/server/observability/tracing";

let handlers: FetchHandlers = {};

/** A body's cancel callback and a promise that resolves when it is called. */
function cancellation() {
  let cancelled!: () => void;
  const wasCancelled = new Promise<void>((resolve) => {
    cancelled = resolve;
  });
  return { cancelled, wasCancelled };
}

/** The route's handlers, by method (a map, so a handler is never mistaken for a component). */
function route(...entries: [keyof FetchHandlers, FetchHandler][]): FetchHandlers {
  return Object.fromEntries(entries);
}
const server = http.createServer((req, res) => void serveFetchHandlers(req, res, handlers));
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders = {},
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d) => {
        text += String(d);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("serveFetchHandlers", () => {
  it("gives the handler the URL, method, headers and body, and the client the status, headers and body", async () => {
    handlers = route([
      "POST",
      async (request) => {
        const url = new URL(request.url);
        const headers = new Headers({ "content-type": "application/json", "x-answer": "yes" });
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2; Path=/");
        return new Response(
          JSON.stringify({
            url: url.href,
            method: request.method,
            custom: request.headers.get("x-custom"),
            body: await request.text(),
          }),
          { status: 201, headers },
        );
      },
    ]);
    const res = await send("POST", "/api/trpc/thing?x=1", { host: "specline.example:8443", "x-custom": "v" }, "hello");
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({
      url: "http://specline.example:8443/api/trpc/thing?x=1",
      method: "POST",
      custom: "v",
      body: "hello",
    });
    expect(res.headers["x-answer"]).toBe("yes");
    expect(res.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    // What next.config.mjs gives every API response.
    for (const { key, value } of securityHeaders) expect(res.headers[key.toLowerCase()]).toBe(value);
    expect(res.headers["content-security-policy"]).toBe(noContentPolicy);
  });

  it("streams a large body with back-pressure, and cancels it when the client goes away", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(97);
    handlers = route([
      "GET",
      () => {
        let sent = 0;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent++ < 160) controller.enqueue(chunk);
              else controller.close();
            },
          }),
        );
      },
    ]);
    const whole = await send("GET", "/api/trpc/big");
    expect(whole.body.length).toBe(160 * chunk.length);

    const { cancelled, wasCancelled } = cancellation();
    handlers = route([
      "GET",
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            // Endless: only a cancel ends it.
            pull: (controller) => controller.enqueue(chunk),
            cancel: () => cancelled(),
          }),
        ),
    ]);
    const req = http.request(`${base}/api/trpc/endless`, { agent: false }, (res) => {
      res.once("data", () => req.destroy());
    });
    req.on("error", () => undefined);
    req.end();
    await wasCancelled;
  });

  it("cancels a body that waits between chunks as soon as the client goes away (a live stream)", async () => {
    const { cancelled, wasCancelled } = cancellation();
    handlers = route([
      "GET",
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start: (controller) => controller.enqueue(new TextEncoder().encode("data: first\n\n")),
            // Nothing more until a change arrives: only a cancel ends it.
            cancel: () => cancelled(),
          }),
        ),
    ]);
    const req = http.request(`${base}/api/trpc/live`, { agent: false }, (res) => {
      res.once("data", () => req.destroy());
    });
    req.on("error", () => undefined);
    req.end();
    const at = Date.now();
    await wasCancelled;
    expect(Date.now() - at).toBeLessThan(2_000);
  });

  it("answers 405 with Allow for a method the route does not serve", async () => {
    handlers = route(["GET", () => new Response("ok")], ["POST", () => new Response("ok")]);
    const res = await send("PUT", "/api/trpc/thing", {}, "x");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, POST");
  });

  it("puts a Host that cannot stand in a URL aside", async () => {
    handlers = route(["GET", (request) => new Response(new URL(request.url).host)]);
    expect((await send("GET", "/api/trpc/x", { host: "evil.example/@other" })).body).toBe("localhost");
    expect((await send("GET", "/api/trpc/x", { host: "[::1]:3000" })).body).toBe("[::1]:3000");
  });

  it("aborts the handler's signal when the client goes away", async () => {
    let aborted!: Promise<boolean>;
    handlers = route([
      "GET",
      (_request, signal) => {
        aborted = new Promise((resolve) => signal?.addEventListener("abort", () => resolve(true)));
        return new Promise<Response>(() => undefined);
      },
    ]);
    const req = http.request(`${base}/api/trpc/slow`, { agent: false });
    req.on("error", () => undefined);
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await expect(aborted).resolves.toBe(true);
  });

  it("answers 500 with no body when the handler throws, and keeps serving", async () => {
    handlers = route([
      "GET",
      () => {
        throw new Error("boom");
      },
    ]);
    const res = await send("GET", "/api/trpc/fail");
    expect(res.status).toBe(500);
    expect(res.body).toBe("");
    handlers = route(["GET", () => new Response("fine")]);
    expect((await send("GET", "/api/trpc/ok")).body).toBe("fine");
  });

  it("makes the caller's W3C trace context current for the handler", async () => {
    // What the server registers with tracing on: the context manager and the W3C propagator.
    await startTracing({ exporter: new InMemorySpanExporter() });
    try {
      handlers = route(["GET", () => new Response(trace.getSpanContext(context.active())?.traceId ?? "none")]);
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await send("GET", "/api/trpc/traced", { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      expect(res.body).toBe(traceId);
      expect((await send("GET", "/api/trpc/untraced")).body).toBe("none");
    } finally {
      await stopTracing();
    }
  });
});
