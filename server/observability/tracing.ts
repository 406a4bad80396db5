/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set.
 * instrumentation.ts calls `startTracing()` first thing in the Node.js
 * server, before any module that talks to the database or the network is
 * loaded, so the pg instrumentation can patch `pg` as it is required.
 * Without an endpoint it returns at once: the SDK is never imported, no
 * provider is registered, and every span the app opens (`observe()`,
 * `postGuarded`, `smtp.send`) is the API's no-op.
 *
 * With an endpoint: a NodeTracerProvider with a batch processor, the
 * standard OTEL_* variables read by the SDK itself (headers, timeout,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`;
 * unset, one trace in ten is kept: `defaultSampler`),
 * W3C trace-context propagation in and out, and spans for every `pg` query
 * and Redis command inside a request (Prisma goes through the same pg pool
 * as `queryRows`) and every outbound fetch (S3, Inngest). Webhook and Slack
 * POSTs (`postGuarded`, node:http) and SMTP sends open their own client
 * spans. Next.js opens the request's server span itself once a provider is
 * registered; the procedure and route spans of `observe()` nest under it.
 *
 * What spans never carry: query parameters (`enhancedDatabaseReporting`
 * off; statements are parameterized), Redis arguments (keys hold addresses
 * and emails for the rate limits), the path or query of an outbound URL
 * (webhook and Slack URLs, the Inngest event key and presigned S3 links are
 * secrets), headers, and mail recipients or content.
 *
 * `stopTracing()` flushes what is batched and shuts the exporter down; the
 * signal handler in server/jobs/background.ts awaits it before exiting.
 */
import { randomUUID } from "node:crypto";
import diagnostics from "node:diagnostics_channel";

import { context, propagation, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";

import pkg from "@/package.json";

/** How long a stop waits for the last spans to be sent. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

interface RunningTracing {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let running: RunningTracing | null = null;
let stopInstrumentations: (() => void) | null = null;

/**
 * Whether traces are to be exported. The OTEL_* variables belong to the SDK, which reads and validates
 * them itself; the app only asks whether an endpoint is set, so they are not part of lib/env.mjs.
 */
export function tracingConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

export interface TracingOptions {
  /** Where spans go instead of the OTLP exporter (tests); tracing then starts without an endpoint. */
  exporter?: SpanExporter;
}

/** The share of requests traced when no sampler is configured (see `defaultSampler`). */
export const DEFAULT_TRACE_RATIO = 0.1;

/**
 * The sampler when OTEL_TRACES_SAMPLER is unset: parent-based, tracing DEFAULT_TRACE_RATIO of the traces
 * that start here (or the ratio OTEL_TRACES_SAMPLER_ARG gives, 0 to 1). Every request traced costs a
 * cheap procedure a fifth of its throughput (docs/benchmarks.md); an unsampled request's spans are
 * non-recording and cost next to nothing. `undefined` when a sampler is configured: the SDK builds it.
 */
export function defaultSampler(
  env: Record<string, string | undefined>,
  sdk: Pick<typeof import("@opentelemetry/sdk-trace-node"), "ParentBasedSampler" | "TraceIdRatioBasedSampler">,
) {
  if (env.OTEL_TRACES_SAMPLER) return undefined;
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = env.OTEL_TRACES_SAMPLER_ARG && arg >= 0 && arg <= 1 ? arg : DEFAULT_TRACE_RATIO;
  return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio) });
}

/** Starts tracing when an endpoint is configured; true if a provider is (now) registered. Idempotent. */
export async function startTracing(options: TracingOptions = {}): Promise<boolean> {
  if (running) return true;
  if (!options.exporter && !tracingConfigured()) return false;

  const [sdk, resources, { registerInstrumentations }, pg, undici] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-undici"),
  ]);
  const { NodeTracerProvider, BatchSpanProcessor } = sdk;
  const exporter =
    options.exporter ?? new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();

  // Later resources win: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) override the defaults.
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({
        "service.name": "specline",
        "service.version": pkg.version,
        "service.instance.id": randomUUID(),
      }),
    )
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));

  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
    // Unset, the SDK reads OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG itself.
    sampler: defaultSampler(process.env, sdk),
  });
  // AsyncLocalStorage context and the W3C traceparent/tracestate (and baggage) propagators.
  provider.register();
  stopInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Only inside a request's span: the dispatcher's idle polls would otherwise each be a trace.
      // A query's span, not the pool's checkout and connect beside it (a span a query, not three).
      new pg.PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
      new undici.UndiciInstrumentation({
        // The origin only: paths and queries of outbound URLs carry secrets (see the top of this file).
        startSpanHook: (request) => ({ "url.full": request.origin, "url.path": undefined, "url.query": undefined }),
      }),
    ],
  });
  const stopRedis = traceRedisCommands(provider.getTracer("ioredis"));
  const stopPatches = stopInstrumentations;
  stopInstrumentations = () => {
    stopPatches();
    stopRedis();
  };
  running = provider;
  return true;
}

/**
 * ioredis 6 publishes each command on the `ioredis:command` tracing channel (the contrib instrumentation
 * patches the older client's prototype, which 6 no longer routes through): one client span per command
 * inside a request's span, named by the command, without its arguments.
 */
function traceRedisCommands(tracer: Tracer): () => void {
  const spans = new WeakMap<object, Span>();
  type Command = { command: string; serverAddress?: string; serverPort?: number; error?: unknown };
  const finish = (message: unknown) => {
    spans.get(message as object)?.end();
    spans.delete(message as object);
  };
  const handlers = {
    start(message: unknown) {
      const command = message as Command;
      if (!trace.getSpan(context.active())) return;
      spans.set(
        command,
        tracer.startSpan(command.command.toUpperCase(), {
          kind: SpanKind.CLIENT,
          attributes: {
            "db.system.name": "redis",
            "db.operation.name": command.command.toUpperCase(),
            "server.address": command.serverAddress,
            "server.port": command.serverPort,
          },
        }),
      );
    },
    error(message: unknown) {
      const span = spans.get(message as object);
      const error = (message as Command).error;
      span?.setAttribute("error.type", error instanceof Error ? error.name : "error");
      span?.setStatus({ code: SpanStatusCode.ERROR });
    },
    asyncEnd: finish,
    // A command that threw before returning its promise gets no asyncEnd.
    end(message: unknown) {
      if ((message as Command).error !== undefined) finish(message);
    },
    asyncStart() {},
  };
  const channel = diagnostics.tracingChannel("ioredis:command");
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}

/** Whether a provider is registered (startTracing ran with an endpoint or an exporter). */
export function tracingRunning(): boolean {
  return running !== null;
}

/** Exports every span ended so far (tests; the batch processor otherwise sends every few seconds). */
export async function flushTracing(): Promise<void> {
  await running?.forceFlush();
}

/** Flushes and shuts the provider down, leaving the API's no-ops behind; a no-op when tracing never started. */
export async function stopTracing(): Promise<void> {
  const provider = running;
  if (!provider) return;
  running = null;
  stopInstrumentations?.();
  stopInstrumentations = null;
  // An unreachable collector must not hold the process past its stop grace period.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    provider.shutdown(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  trace.disable();
  context.disable();
  propagation.disable();
}
