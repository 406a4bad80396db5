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
    vi.stubEnv("OTEL_TRACES_SAMPLER", "always_on");
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
    vi.stubEnv("OTEL_TRACES_SAMPLER", "always_on");
    const exporter = new InMemorySpanExporter();
    const { flushTracing, startTracing } = await import("@/server/observability/tracing");
    await startTracing({ exporter });
    trace.getTracer("specline").startSpan("named").end();
    await flushTracing();
    expect(exporter.getFinishedSpans()[0]?.resource.attributes["service.name"]).toBe("specline-eu");
  });

  it("keeps one trace in ten by default, follows the parent, and leaves a configured sampler to the SDK", async () => {
    vi.stubEnv("OTEL_TRACES_SAMPLER", undefined);
    vi.stubEnv("OTEL_TRACES_SAMPLER_ARG", undefined);
    const exporter = new InMemorySpanExporter();
    const { DEFAULT_TRACE_RATIO, flushTracing, startTracing } = await import("@/server/observability/tracing");
    await startTracing({ exporter });
    const tracer = trace.getTracer("specline");
    let recording = 0;
    for (let i = 0; i < 2_000; i++) {
      tracer.startActiveSpan("root", (root) => {
        if (root.isRecording()) recording++;
        // A child follows its parent's decision, sampled or not.
        const child = tracer.startSpan("child");
        expect(child.isRecording()).toBe(root.isRecording());
        child.end();
        root.end();
      });
    }
    // 2,000 draws at 0.1: 200 expected, outside 120–280 once in billions of runs.
    expect(recording).toBeGreaterThan(2_000 * DEFAULT_TRACE_RATIO - 80);
    expect(recording).toBeLessThan(2_000 * DEFAULT_TRACE_RATIO + 80);
    await flushTracing();
    expect(exporter.getFinishedSpans()).toHaveLength(recording * 2);
  });

  it("builds the default sampler from OTEL_TRACES_SAMPLER_ARG alone, and none when a sampler is named", async () => {
    const sdk = await import("@opentelemetry/sdk-trace-node");
    const { defaultSampler } = await import("@/server/observability/tracing");
    expect(defaultSampler({ OTEL_TRACES_SAMPLER: "always_on" }, sdk)).toBeUndefined();
    expect(defaultSampler({}, sdk)?.toString()).toBe(
      "ParentBased{root=TraceIdRatioBased{0.1}, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}",
    );
    expect(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: "1" }, sdk)?.toString()).toContain("TraceIdRatioBased{1}");
    // Out of range or not a number: the default ratio.
    expect(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: "7" }, sdk)?.toString()).toContain("TraceIdRatioBased{0.1}");
    expect(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: "lots" }, sdk)?.toString()).toContain("TraceIdRatioBased{0.1}");
  });
});
