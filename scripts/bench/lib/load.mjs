/** Load generation with autocannon: a warm-up, then one measured run. */
import autocannon from "autocannon";

import { cpuTimeMs } from "./process.mjs";

function fire(opts) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    // autocannon stops on its own after `duration`; nothing else to wire up.
    instance.on("error", () => {});
  });
}

/**
 * Warms `url` up for `warmup` seconds, then measures it for `duration`
 * seconds at `connections` concurrent connections (one request in flight
 * per connection). `cpuPid`, when given, is the server process whose CPU
 * time per request is reported; `dbCpu`, when given, samples the database's
 * CPU (async () → sample) and `dbCpuDelta(before, after)` turns two samples
 * into milliseconds. `beforeMeasure` / `afterMeasure` run just around the
 * measured run (e.g. to start and stop a profiler).
 */
export async function measure({
  url,
  headers = {},
  connections,
  duration,
  warmup,
  cpuPid,
  dbCpu,
  dbCpuDelta,
  beforeMeasure,
  afterMeasure,
}) {
  const common = { url, headers, connections, pipelining: 1, timeout: 10 };
  if (warmup > 0) await fire({ ...common, duration: warmup });

  if (beforeMeasure) await beforeMeasure();
  const dbBefore = dbCpu ? await dbCpu() : null;
  const cpuBefore = cpuPid ? cpuTimeMs(cpuPid) : null;
  const result = await fire({ ...common, duration });
  const cpuAfter = cpuPid ? cpuTimeMs(cpuPid) : null;
  const dbMs = dbCpu ? dbCpuDelta(dbBefore, await dbCpu()) : null;
  if (afterMeasure) await afterMeasure();

  const total = result.requests.total;
  return {
    requests: total,
    durationS: result.duration,
    reqPerSec: round(result.requests.average, 1),
    latencyMs: {
      mean: round(result.latency.mean, 2),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    // Status code → { count }, to tell what the non-2xx answers were.
    statusCodes: result.statusCodeStats ?? null,
    errors: result.errors,
    timeouts: result.timeouts,
    serverCpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && total > 0 ? round((cpuAfter - cpuBefore) / total, 3) : null,
    // PostgreSQL backends of the benchmark database (all of them: the other target is idle meanwhile).
    dbCpuMsPerRequest: dbMs !== null && total > 0 ? round(dbMs / total, 3) : null,
  };
}

export function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
