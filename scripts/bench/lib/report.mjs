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

export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? "–" : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** "p99 < 50 ms: met" for a load-tested endpoint with a target, else null. */
function endpointGoal(row) {
  if (!row.targetP99Ms) return null;
  return `p99 < ${row.targetP99Ms} ms: ${row.app.latencyMs.p99 < row.targetP99Ms ? "met" : "MISSED"}`;
}

/** "median < 1000 ms: met" for a one-shot operation with a target, else null. */
export function operationGoal(row) {
  if (!row.targetMs || row.app.medianMs === null) return null;
  return `median < ${row.targetMs} ms: ${row.app.medianMs < row.targetMs ? "met" : "MISSED"}${row.app.maxMs >= row.targetMs ? ` (max ${row.app.maxMs})` : ""}`;
}

/** Adds the app/baseline ratios to one operation's figures. */
export function withOperationRatios(row) {
  const { app, baseline } = row;
  return {
    ...row,
    ratio: {
      // > 1: the app takes that many times as long as the raw baseline.
      median: app.medianMs && baseline.medianMs ? round(app.medianMs / baseline.medianMs, 2) : null,
    },
  };
}

export function formatScenario(result) {
  const withGoals = result.endpoints.some((r) => r.targetP99Ms);
  const header = [
    "endpoint",
    "target",
    "req/s",
    "p50 ms",
    "p99 ms",
    "cpu ms/req",
    "db cpu ms/req",
    "non-2xx",
    "errors",
    "app/base req/s",
    "app/base p99",
  ];
  if (withGoals) header.push("goal");
  const rows = [];
  for (const row of result.endpoints) {
    for (const target of ["app", "baseline"]) {
      const m = row[target];
      if (!m) continue;
      const cells = [
        row.name,
        target,
        m.reqPerSec,
        m.latencyMs.p50,
        m.latencyMs.p99,
        m.serverCpuMsPerRequest,
        m.dbCpuMsPerRequest,
        m.non2xx,
        m.errors + m.timeouts,
        target === "app" ? row.ratio.throughput : "",
        target === "app" ? row.ratio.p99 : "",
      ];
      if (withGoals) cells.push(target === "app" ? (endpointGoal(row) ?? "") : "");
      rows.push(cells);
    }
  }
  let out = `\n${result.scenario}: ${result.title}\n`;
  if (rows.length) out += `${table(header, rows)}\n`;
  if (result.operations?.length) {
    const opHeader = [
      "operation",
      "target",
      "runs",
      "median ms",
      "min ms",
      "max ms",
      "cpu ms/run",
      "db cpu ms/run",
      "failed",
      "app/base median",
      "goal",
    ];
    const opRows = [];
    for (const row of result.operations) {
      for (const target of ["app", "baseline"]) {
        const m = row[target];
        opRows.push([
          row.name,
          target,
          m.runs,
          m.medianMs,
          m.minMs,
          m.maxMs,
          m.serverCpuMsPerRun,
          m.dbCpuMsPerRun,
          m.failures,
          target === "app" ? row.ratio.median : "",
          target === "app" ? (operationGoal(row) ?? "") : "",
        ]);
      }
    }
    out += `\n${table(opHeader, opRows)}\n`;
  }
  return out;
}

export function writeResult(dir, result) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
