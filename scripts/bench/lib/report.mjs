/** Benchmark output: a plain-text table on stdout and a JSON file per scenario. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { round } from "./load.mjs";

/** Adds the app/baseline ratios to one endpoint's figures. */
export function withRatios(row) {
  const { app, baseline } = row;
  return {
    ...row,
    ratio: {
      // < 1: the app serves fewer requests per second than the raw baseline.
      throughput: baseline?.reqPerSec ? round(app.reqPerSec / baseline.reqPerSec, 3) : null,
      // > 1: the app's tail latency is that many times the baseline's.
      p99: baseline?.latencyMs.p99 ? round(app.latencyMs.p99 / baseline.latencyMs.p99, 2) : null,
    },
  };
}

function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? "–" : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function formatScenario(result) {
  const header = ["endpoint", "target", "req/s", "p50 ms", "p99 ms", "cpu ms/req", "non-2xx", "errors", "app/base req/s", "app/base p99"];
  const rows = [];
  for (const row of result.endpoints) {
    for (const target of ["app", "baseline"]) {
      const m = row[target];
      if (!m) continue;
      rows.push([
        row.name,
        target,
        m.reqPerSec,
        m.latencyMs.p50,
        m.latencyMs.p99,
        m.serverCpuMsPerRequest,
        m.non2xx,
        m.errors + m.timeouts,
        target === "app" ? row.ratio.throughput : "",
        target === "app" ? row.ratio.p99 : "",
      ]);
    }
  }
  return `\n${result.scenario}: ${result.title}\n${table(header, rows)}\n`;
}

export function writeResult(dir, result) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
