/**
 * Tracing off costs nothing: without an OTLP endpoint `startTracing()`
 * imports no SDK module and registers nothing, so every span is the API's
 * no-op. With an exporter it records, and `stopTracing()` puts the no-ops back.
 */
import { SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { afterEach, describe, expect, it, vi } from "vitest";

const SDK_MODULES = [
  "@opentelemetry/sdk-trace-node",
  "@opentelemetry/resources",
  "@opentelemetry/instrumentation",
  "@opentelemetry/instrumentation-pg",
  "@opentelemetry/instrumentation-undici",
  "@opentelemetry/exporter-trace-otlp-http",
];

const ENDPOINTS = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED"] as const;

afterEach(async () => {
  const { stopTracing } = await import("@/server/observability/tracing");
  await stopTracing();
  for (const name of SDK_MODULES) vi.doUnmock(name);
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("startTracing", () => {
  it("without an endpoint imports no SDK module and leaves the tracer a no-op", async () => {
    for (const name of ENDPOINTS) vi.stubEnv(name, undefined);
    const imported: string[] = [];
    for (const name of SDK_MODULES) {
      vi.doMock(name, () => {
        imported.push(name);
        return {};
      });
    }
    const { startTracing, tracingRunning } = await import("@/server/observability/tracing");

    expect(await startTracing()).toBe(false);
    expect(imported).toEqual([]);
    expect(tracingRunning()).toBe(false);
    const span = trace.getTracer("specline").startSpan("probe");
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
  });

  it("stays off with OTEL_SDK_DISABLED even when an endpoint is set", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
    vi.stubEnv("OTEL_SDK_DISABLED", "true");
    const { startTracing, tracingConfigured } = await import("@/server/observability/tracing");
    expect(tracingConfigured()).toBe(false);
    expect(await startTracing()).toBe(false);
  });

  it("reads either endpoint variable", async () => {
    const { tracingConfigured } = await import("@/server/observability/tracing");
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
  });

  it("records spans with the service's resource once started, and stops back to the no-ops", async () => {
    vi.stubEnv("OTEL_SERVICE_NAME", undefined);
    const exporter = new InMemorySpanExporter();
    const { flushTracing, startTracing, stopTracing, tracingRunning } = await import("@/server/observability/tracing");

    expect(await startTracing({ exporter })).toBe(true);
    expect(await startTracing({ exporter })).toBe(true);
    const tracer = trace.getTracer("specline");
    tracer.startActiveSpan("outer", { kind: SpanKind.SERVER }, (outer) => {
      tracer.startSpan("inner").end();
      outer.end();
    });
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["inner", "outer"]);
    const [inner, outer] = spans;
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(outer?.resource.attributes["service.name"]).toBe("specline");
    expect(outer?.resource.attributes["service.instance.id"]).toEqual(expect.any(String));

    await stopTracing();
    expect(tracingRunning()).toBe(false);
    expect(trace.getTracer("specline").startSpan("after").isRecording()).toBe(false);
  });

  it("lets OTEL_SERVICE_NAME name the service", async () => {
    vi.stubEnv("OTEL_SERVICE_NAME", "specline-eu");
    const exporter = new InMemorySpanExporter();
    const { flushTracing, startTracing } = await import("@/server/observability/tracing");
    await startTracing({ exporter });
    trace.getTracer("specline").startSpan("named").end();
    await flushTracing();
    expect(exporter.getFinishedSpans()[0]?.resource.attributes["service.name"]).toBe("specline-eu");
  });
});
