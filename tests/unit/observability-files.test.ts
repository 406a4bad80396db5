/**
 * The alerting rules (deploy/prometheus/specline-rules.yml) and the Grafana
 * dashboard (deploy/grafana/specline-dashboard.json) parse, and every metric
 * they query is one this app's registry exports — so renaming a metric
 * without updating them fails here rather than in an operator's silent panel.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { registryWithRuntimeGauges } from "@/server/observability/runtime-gauges";

const root = path.resolve(import.meta.dirname, "../..");

/** Series Prometheus itself or the blackbox exporter writes, not the app. */
const EXTERNAL = new Set(["up", "probe_success"]);
/** The series a histogram or summary family exposes beside its name. */
const SUFFIXES = ["_bucket", "_sum", "_count"];

async function exportedFamilies(): Promise<Map<string, string>> {
  const metrics = await registryWithRuntimeGauges().getMetricsAsJSON();
  return new Map(metrics.map((m) => [m.name, String(m.type)]));
}

/** The metric names in a PromQL expression: identifiers followed by a selector, a range or nothing, not a function call. */
function metricNames(expr: string): string[] {
  // Quoted label values and Grafana's variables ($job, $__rate_interval) are not metrics either.
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\$\{?\w+\}?/g, "1m");
  const names = new Set<string>();
  for (const [, name] of withoutStrings.matchAll(/\b([a-z_][a-z0-9_]*_[a-z0-9_]+|up)\b(?!\s*\()/g)) {
    if (name) names.add(name);
  }
  // Grouping labels (`by (le, name)`) and range/aggregation keywords are not metrics.
  for (const [, labels] of withoutStrings.matchAll(
    /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
  )) {
    for (const label of (labels ?? "").split(",")) names.delete(label.trim());
  }
  for (const [, labels] of withoutStrings.matchAll(/\{([^}]*)\}/g)) {
    for (const [, label] of (labels ?? "").matchAll(/([a-z_][a-z0-9_]*)\s*[=!]~?/g)) if (label) names.delete(label);
  }
  return [...names];
}

function unknownMetrics(exprs: string[], families: Map<string, string>): string[] {
  const unknown: string[] = [];
  for (const name of exprs.flatMap(metricNames)) {
    if (EXTERNAL.has(name) || families.has(name)) continue;
    const suffix = SUFFIXES.find((s) => name.endsWith(s));
    const base = suffix ? name.slice(0, -suffix.length) : null;
    if (base && ["histogram", "summary"].includes(families.get(base) ?? "")) continue;
    unknown.push(name);
  }
  return unknown;
}

describe("metricNames", () => {
  it("finds metrics, not functions, grouping labels or label matchers", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, name) (rate(http_server_request_duration_seconds_bucket{job="specline", kind="procedure"}[5m]))) > 1',
      ),
    ).toEqual(["http_server_request_duration_seconds_bucket"]);
    expect(metricNames('up{job="specline"} == 0')).toEqual(["up"]);
  });
});

describe("deploy/prometheus/specline-rules.yml", () => {
  const file = parse(readFileSync(path.join(root, "deploy/prometheus/specline-rules.yml"), "utf8")) as {
    groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: { severity?: string } }[] }[];
  };
  const rules = file.groups.flatMap((g) => g.rules);

  it("is a rule file of alerts, each with an expression, a duration and a severity", () => {
    expect(file.groups.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Specline[A-Za-z]+$/);
      expect(rule.expr.trim()).not.toBe("");
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(["warning", "critical"]).toContain(rule.labels?.severity);
    }
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "SpeclineDatabasePoolSaturated",
      "SpeclineHighErrorRate",
      "SpeclineInstanceDown",
      "SpeclineNotReady",
      "SpeclineOutboxLagging",
      "SpeclineSlowProcedure",
    ]);
  });

  it("queries only metrics the app exports", async () => {
    const families = await exportedFamilies();
    expect(
      unknownMetrics(
        rules.map((r) => r.expr),
        families,
      ),
    ).toEqual([]);
  });

  it("notices a metric the app does not export", async () => {
    const families = await exportedFamilies();
    expect(unknownMetrics(["rate(specline_outbox_dispatches_total[5m])"], families)).toEqual([
      "specline_outbox_dispatches_total",
    ]);
  });
});

describe("deploy/grafana/specline-dashboard.json", () => {
  const dashboard = JSON.parse(readFileSync(path.join(root, "deploy/grafana/specline-dashboard.json"), "utf8")) as {
    uid: string;
    panels: { id: number; title: string; targets: { expr: string }[] }[];
    templating: { list: { name: string; query: unknown }[] };
  };

  it("has panels with unique ids, each with at least one query", () => {
    expect(dashboard.uid).toBe("specline-overview");
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) expect(panel.targets.length, panel.title).toBeGreaterThan(0);
  });

  it("queries only metrics the app exports", async () => {
    const families = await exportedFamilies();
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const variable of dashboard.templating.list) {
      const q = variable.query;
      if (q && typeof q === "object" && "query" in q) exprs.push(String((q as { query: unknown }).query));
    }
    expect(unknownMetrics(exprs, families)).toEqual([]);
  });

  it("shows every metric family of Specline's own", async () => {
    const families = await exportedFamilies();
    const queried = new Set(
      dashboard.panels
        .flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)))
        .map((n) => n.replace(/_(bucket|sum|count)$/, "")),
    );
    const own = [...families.keys()].filter((n) => n.startsWith("specline_") || n.startsWith("http_server_"));
    expect(own.filter((n) => !queried.has(n))).toEqual([]);
  });
});
