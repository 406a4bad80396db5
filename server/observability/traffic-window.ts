/**
 * This instance's traffic over the last 15 minutes, per procedure and route,
 * for /admin/system: request count and rate, p95 latency, and the share of
 * 5xx and 4xx answers. Fed by `recordRequest` (metrics.ts) with every
 * finished request; Prometheus has the same numbers over any period, this is
 * the view without one.
 *
 * Memory is bounded: one bucket per minute (the last 15 kept), and in each
 * bucket at most MAX_NAMES names — requests for further names in that minute
 * count under "other" — each with a fixed log-scale latency histogram
 * (bins about 15 % wide, so a p95 is within about 7 % of the true value).
 */

export const WINDOW_MINUTES = 15;
const MINUTE_MS = 60_000;
export const MAX_NAMES = 500;
export const OTHER = "other";

/** Latency bins: [0, 0.1 ms), then each 15 % wider than the last, up to about 2 minutes; the last is open-ended. */
const FIRST_BOUND_MS = 0.1;
const GROWTH = 1.15;
const BINS = 100;
const LOG_GROWTH = Math.log(GROWTH);

function binOf(ms: number): number {
  if (!(ms >= FIRST_BOUND_MS)) return 0;
  return Math.min(BINS - 1, 1 + Math.floor(Math.log(ms / FIRST_BOUND_MS) / LOG_GROWTH));
}

/** A representative latency of a bin: the geometric middle of its bounds. */
function binValue(bin: number): number {
  if (bin === 0) return FIRST_BOUND_MS / 2;
  return FIRST_BOUND_MS * GROWTH ** (bin - 0.5);
}

interface Entry {
  kind: "procedure" | "route";
  count: number;
  serverErrors: number;
  clientErrors: number;
  minMs: number;
  maxMs: number;
  bins: Uint32Array;
}

interface Bucket {
  minute: number;
  entries: Map<string, Entry>;
}

export interface TrafficSample {
  kind: "procedure" | "route";
  name: string;
  status: number;
  durationMs: number;
}

export interface TrafficRow {
  kind: "procedure" | "route";
  name: string;
  count: number;
  perSecond: number;
  p95Ms: number;
  /** Share of answers with status 500 or above, 0 … 1. */
  serverErrorRate: number;
  /** Share of answers with status 400 … 499, 0 … 1. */
  clientErrorRate: number;
}

export interface TrafficSummary {
  /** The seconds the rates are over: the window, or less while the process is younger than it. */
  windowSeconds: number;
  total: Omit<TrafficRow, "name" | "kind">;
  rows: TrafficRow[];
}

export class TrafficWindow {
  private readonly buckets: (Bucket | undefined)[] = new Array(WINDOW_MINUTES);
  private readonly since: number;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxNames = MAX_NAMES,
  ) {
    this.since = now();
  }

  record(sample: TrafficSample): void {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const slot = minute % WINDOW_MINUTES;
    let bucket = this.buckets[slot];
    if (bucket?.minute !== minute) {
      bucket = { minute, entries: new Map() };
      this.buckets[slot] = bucket;
    }
    let name = sample.name;
    let entry = bucket.entries.get(name);
    if (!entry && bucket.entries.size >= this.maxNames) {
      name = OTHER;
      entry = bucket.entries.get(name);
    }
    if (!entry) {
      entry = {
        kind: sample.kind,
        count: 0,
        serverErrors: 0,
        clientErrors: 0,
        minMs: Number.POSITIVE_INFINITY,
        maxMs: 0,
        bins: new Uint32Array(BINS),
      };
      bucket.entries.set(name, entry);
    }
    const ms = Math.max(0, sample.durationMs);
    entry.count += 1;
    if (sample.status >= 500) entry.serverErrors += 1;
    else if (sample.status >= 400) entry.clientErrors += 1;
    entry.minMs = Math.min(entry.minMs, ms);
    entry.maxMs = Math.max(entry.maxMs, ms);
    const bin = binOf(ms);
    entry.bins[bin] = (entry.bins[bin] ?? 0) + 1;
  }

  /** The window's rows, the busiest first (`limit` of them), with the totals over every name. */
  summary(limit = 50): TrafficSummary {
    const now = this.now();
    const minute = Math.floor(now / MINUTE_MS);
    const oldest = minute - WINDOW_MINUTES + 1;
    const merged = new Map<string, Entry>();
    const all = emptyEntry("procedure");
    for (const bucket of this.buckets) {
      if (!bucket || bucket.minute < oldest || bucket.minute > minute) continue;
      for (const [name, entry] of bucket.entries) {
        let into = merged.get(name);
        if (!into) {
          into = emptyEntry(entry.kind);
          merged.set(name, into);
        }
        add(into, entry);
        add(all, entry);
      }
    }
    const windowSeconds = Math.max(1, (now - Math.max(oldest * MINUTE_MS, this.since)) / 1000);
    const rows = [...merged]
      .map(([name, e]) => ({ name, kind: e.kind, ...stats(e, windowSeconds) }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
      .slice(0, limit);
    return { windowSeconds: Math.round(windowSeconds), total: stats(all, windowSeconds), rows };
  }
}

function emptyEntry(kind: Entry["kind"]): Entry {
  return {
    kind,
    count: 0,
    serverErrors: 0,
    clientErrors: 0,
    minMs: Number.POSITIVE_INFINITY,
    maxMs: 0,
    bins: new Uint32Array(BINS),
  };
}

function add(into: Entry, from: Entry) {
  into.count += from.count;
  into.serverErrors += from.serverErrors;
  into.clientErrors += from.clientErrors;
  into.minMs = Math.min(into.minMs, from.minMs);
  into.maxMs = Math.max(into.maxMs, from.maxMs);
  for (let i = 0; i < BINS; i++) into.bins[i] = (into.bins[i] ?? 0) + (from.bins[i] ?? 0);
}

function stats(e: Entry, windowSeconds: number): Omit<TrafficRow, "name" | "kind"> {
  return {
    count: e.count,
    perSecond: e.count / windowSeconds,
    p95Ms: e.count === 0 ? 0 : percentile(e, 0.95),
    serverErrorRate: e.count === 0 ? 0 : e.serverErrors / e.count,
    clientErrorRate: e.count === 0 ? 0 : e.clientErrors / e.count,
  };
}

/** The latency below which `q` of the requests fall, from the histogram, kept within the observed range. */
function percentile(e: Entry, q: number): number {
  const rank = Math.ceil(q * e.count);
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += e.bins[i] ?? 0;
    if (seen >= rank) return Math.min(e.maxMs, Math.max(e.minMs, binValue(i)));
  }
  return e.maxMs;
}

// One window per process, on globalThis like the metrics registry: every bundle records into the same one.
const globalForTraffic = globalThis as unknown as { specline_traffic?: TrafficWindow };

export function trafficWindow(): TrafficWindow {
  globalForTraffic.specline_traffic ??= new TrafficWindow();
  return globalForTraffic.specline_traffic;
}
