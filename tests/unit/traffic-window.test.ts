/**
 * The per-procedure traffic window behind /admin/system: counts and rates over the last 15 minutes, p95
 * latency from the per-minute histograms, 5xx and 4xx shares, buckets expiring minute by minute, and a cap
 * on distinct names so memory stays bounded.
 */
import { describe, expect, it } from "vitest";

import { OTHER, TrafficWindow, WINDOW_MINUTES } from "@/server/observability/traffic-window";

const MINUTE = 60_000;

function clock(start = 1_000 * MINUTE) {
  const c = { now: start, fn: () => c.now };
  return c;
}

function call(w: TrafficWindow, name: string, durationMs: number, status = 200) {
  w.record({ kind: "procedure", name, status, durationMs });
}

describe("TrafficWindow", () => {
  it("counts per name, busiest first, with the rate over the time seen", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    for (let i = 0; i < 30; i++) call(w, "issue.list", 5);
    for (let i = 0; i < 10; i++) call(w, "issue.create", 5);
    c.now += 10_000;
    const s = w.summary();
    expect(s.rows.map((r) => [r.name, r.count])).toEqual([
      ["issue.list", 30],
      ["issue.create", 10],
    ]);
    // The process is 10 s old: the rate is over those 10 s, not the whole window.
    expect(s.windowSeconds).toBe(10);
    expect(s.rows[0]?.perSecond).toBeCloseTo(3);
    expect(s.total.count).toBe(40);
    expect(s.total.perSecond).toBeCloseTo(4);
  });

  it("rates over the full window once the process is older than it", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    c.now += 60 * MINUTE;
    for (let i = 0; i < 900; i++) call(w, "requirement.list", 3);
    const s = w.summary();
    expect(s.windowSeconds).toBeGreaterThanOrEqual((WINDOW_MINUTES - 1) * 60);
    expect(s.windowSeconds).toBeLessThanOrEqual(WINDOW_MINUTES * 60);
    expect(s.rows[0]?.perSecond).toBeCloseTo(900 / s.windowSeconds);
  });

  it("finds the p95 within the histogram's resolution", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    // 1 … 100 ms, shuffled across minutes: the 95th is 95 ms.
    for (let i = 1; i <= 100; i++) {
      call(w, "search.query", i);
      if (i % 25 === 0) c.now += MINUTE;
    }
    const p95 = w.summary().rows[0]?.p95Ms ?? 0;
    expect(p95).toBeGreaterThan(95 * 0.92);
    expect(p95).toBeLessThan(95 * 1.08);
  });

  it("keeps a p95 inside the latencies seen (one request, a zero latency)", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    call(w, "a", 42);
    call(w, "b", 0);
    const rows = Object.fromEntries(w.summary().rows.map((r) => [r.name, r]));
    expect(rows.a?.p95Ms).toBe(42);
    expect(rows.b?.p95Ms).toBe(0);
  });

  it("separates 5xx and 4xx shares", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    for (let i = 0; i < 6; i++) call(w, "issue.update", 10, 200);
    call(w, "issue.update", 10, 500);
    call(w, "issue.update", 10, 503);
    call(w, "issue.update", 10, 404);
    call(w, "issue.update", 10, 409);
    const row = w.summary().rows[0];
    expect(row?.count).toBe(10);
    expect(row?.serverErrorRate).toBeCloseTo(0.2);
    expect(row?.clientErrorRate).toBeCloseTo(0.2);
  });

  it("drops minutes older than the window, and reuses their slots", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    call(w, "old", 1);
    c.now += 5 * MINUTE;
    call(w, "middle", 1);
    c.now += (WINDOW_MINUTES - 5) * MINUTE;
    // The first minute fell out; the fifth is still in.
    expect(w.summary().rows.map((r) => r.name)).toEqual(["middle"]);
    call(w, "new", 1);
    expect(
      w
        .summary()
        .rows.map((r) => r.name)
        .sort(),
    ).toEqual(["middle", "new"]);
    c.now += WINDOW_MINUTES * MINUTE;
    expect(w.summary().rows).toEqual([]);
    expect(w.summary().total.count).toBe(0);
  });

  it("counts names past the cap under 'other' in that minute (the cap's names plus 'other')", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn, 3);
    for (const name of ["a", "b", "c", "d", "e"]) call(w, name, 1);
    call(w, "a", 1);
    const rows = w.summary().rows;
    expect(rows.map((r) => [r.name, r.count])).toEqual([
      ["a", 2],
      [OTHER, 2],
      ["b", 1],
      ["c", 1],
    ]);
    expect(w.summary().total.count).toBe(6);
    // A new minute starts with room again.
    c.now += MINUTE;
    call(w, "d", 1);
    expect(w.summary().rows.find((r) => r.name === "d")?.count).toBe(1);
  });

  it("answers at most `limit` rows, the totals still over every name", () => {
    const c = clock();
    const w = new TrafficWindow(c.fn);
    for (let i = 0; i < 60; i++) for (let j = 0; j <= i; j++) call(w, `p${i}`, 1);
    const s = w.summary(50);
    expect(s.rows).toHaveLength(50);
    expect(s.rows[0]?.name).toBe("p59");
    expect(s.total.count).toBe((60 * 61) / 2);
  });
});
