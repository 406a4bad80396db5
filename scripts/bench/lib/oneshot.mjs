/**
 * Timed one-shot operations: requests too heavy (or too stateful, e.g.
 * creating a baseline) to load-test with autocannon. Each operation is sent
 * `repeat` times, one at a time, alternating app and baseline so that both
 * see the same machine load; the time is the client-side wall time from
 * sending the request to having read the whole body.
 *
 * A scenario lists them in `operations(state)`:
 *   { name, description?, repeat, warmup? (1), targetMs? (compared with the app's median),
 *     session? (an addUser label; default the bench user),
 *     setup?({ pool, state, call, log }) → opState   (untimed; `call(type, procedure, input)`
 *                                                      sends a tRPC call to the app and returns its data)
 *     app(opState, i)      → { type: "query" | "mutation", procedure, input }
 *     baseline(opState, i) → params for the raw handler `baseline[name](pool, state, params)`
 *     check(appData, baselineData, opState, i) → error | null   (every pair, warm-up included) }
 */
import { performance } from "node:perf_hooks";

import { trpcQueryPath } from "./http.mjs";
import { round } from "./load.mjs";
import { cpuTimeMs } from "./process.mjs";

/** Sends one request and times it (headers and the whole body read). */
export async function timedRequest(url, { method = "GET", headers = {}, body, timeoutMs = 60_000 } = {}) {
  const started = performance.now();
  const res = await fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const ms = performance.now() - started;
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { ms, status: res.status, text, json, bytes: Buffer.byteLength(text) };
}

/** The request an app operation sends: a query as GET with ?input=, a mutation as JSON POST. */
export function appRequest(base, cookie, { type, procedure, input }) {
  const headers = { cookie, accept: "application/json" };
  if (type === "mutation") {
    return {
      url: `${base}/api/trpc/${procedure}`,
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    };
  }
  return { url: `${base}${trpcQueryPath(procedure, input)}`, method: "GET", headers };
}

/** The raw baseline's request: POST /<scenario>/<operation> with the params as JSON. */
export function baselineRequest(baselineBase, scenario, name, params) {
  return {
    url: `${baselineBase}/${scenario}/${name}`,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(params ?? {}),
  };
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summary of successful runs: median, min, max, mean (ms), server CPU per run, response size. */
export function summarize(runs) {
  const ok = runs.filter((r) => r.ok);
  const ms = ok.map((r) => r.ms).sort((a, b) => a - b);
  const cpu = ok.map((r) => r.cpuMs).filter((c) => c !== null);
  const db = ok.map((r) => r.dbCpuMs).filter((c) => c !== null);
  const mean = (xs) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 1) : null);
  return {
    runs: runs.length,
    failures: runs.length - ok.length,
    medianMs: ms.length ? round(median(ms), 1) : null,
    minMs: ms.length ? round(ms[0], 1) : null,
    maxMs: ms.length ? round(ms[ms.length - 1], 1) : null,
    meanMs: mean(ms),
    // /proc CPU time has 10 ms resolution; averaged over the runs.
    serverCpuMsPerRun: mean(cpu),
    // CPU of the benchmark database's PostgreSQL backends during the run (lib/db.mjs backendCpu).
    dbCpuMsPerRun: mean(db),
    responseBytes: ok.length ? ok[ok.length - 1].bytes : null,
    samplesMs: runs.map((r) => (r.ok ? round(r.ms, 1) : null)),
    firstError: runs.find((r) => !r.ok)?.error ?? null,
  };
}

async function runOnce(send, cpuPid, dbCpu, dbCpuDelta) {
  const dbBefore = dbCpu ? await dbCpu() : null;
  const cpuBefore = cpuPid ? cpuTimeMs(cpuPid) : null;
  try {
    const res = await send();
    const cpuAfter = cpuPid ? cpuTimeMs(cpuPid) : null;
    const cpuMs = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    const dbCpuMs = dbCpu ? dbCpuDelta(dbBefore, await dbCpu()) : null;
    const data = res.json?.result?.data?.json;
    if (res.status !== 200 || data === undefined) {
      return { ok: false, ms: res.ms, cpuMs, dbCpuMs, error: `HTTP ${res.status}: ${res.text.slice(0, 300)}` };
    }
    return { ok: true, ms: res.ms, cpuMs, dbCpuMs, bytes: res.bytes, data };
  } catch (err) {
    return { ok: false, ms: null, cpuMs: null, dbCpuMs: null, error: err.cause?.code ?? err.message };
  }
}

/**
 * Runs `warmup` untimed pairs, then `repeat` timed pairs, app first in each
 * pair. `sendApp(i)` / `sendBaseline(i)` return a timedRequest result;
 * `check(appData, baselineData, i)` returns an error message or null: a
 * failed check stops the operation (the figures would mean nothing).
 * `appPid` / `baselinePid`: processes whose CPU time per run is reported;
 * `dbCpu` / `dbCpuDelta`: database CPU sampler, as for load.mjs measure().
 * `beforeMeasure` / `afterMeasure` run around the timed pairs.
 */
export async function timeOperation({
  repeat,
  warmup = 1,
  sendApp,
  sendBaseline,
  check,
  appPid,
  baselinePid,
  dbCpu,
  dbCpuDelta,
  beforeMeasure,
  afterMeasure,
}) {
  const app = [];
  const baseline = [];
  for (let i = 0; i < warmup + repeat; i++) {
    if (i === warmup && beforeMeasure) await beforeMeasure();
    const a = await runOnce(() => sendApp(i), appPid, dbCpu, dbCpuDelta);
    const b = await runOnce(() => sendBaseline(i), baselinePid, dbCpu, dbCpuDelta);
    if (a.ok && b.ok && check) {
      const problem = check(a.data, b.data, i);
      if (problem) throw new Error(problem);
    }
    if (i >= warmup) {
      app.push(a);
      baseline.push(b);
    } else if (!a.ok || !b.ok) {
      throw new Error(`warm-up failed: ${a.ok ? "" : `app ${a.error} `}${b.ok ? "" : `baseline ${b.error}`}`);
    }
  }
  if (afterMeasure) await afterMeasure();
  return { app: summarize(app), baseline: summarize(baseline) };
}

/** An untimed tRPC caller for operation set-ups: `call(type, procedure, input)` → data, or throws. */
export function appCaller(base, cookie) {
  return async (type, procedure, input) => {
    const { url, ...init } = appRequest(base, cookie, { type, procedure, input });
    const res = await timedRequest(url, { ...init, timeoutMs: 120_000 });
    const data = res.json?.result?.data?.json;
    if (res.status !== 200 || data === undefined)
      throw new Error(`${procedure} answered ${res.status}: ${res.text.slice(0, 500)}`);
    return data;
  };
}
