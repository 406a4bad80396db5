#!/usr/bin/env node
/**
 * The response transformer against superjson and plain JSON, on the payload
 * that made it worth having: a 90-day dashboard (and a page of 50 list rows
 * with dates). Prints µs per serialisation and the ratios.
 *
 *   node --import tsx scripts/bench/transformer.mjs
 */
import superjson from "superjson";

import { serializeFast } from "../../lib/transformer.ts";

const counts = (keys) => Object.fromEntries(keys.map((k, i) => [k, i * 7]));
const dashboard = {
  days: 90,
  from: "2026-09-03",
  to: "2026-12-01",
  computedAt: new Date(),
  current: { day: "2026-12-01", openIssues: 42, openBySeverity: counts(["LOW", "MEDIUM", "HIGH", "CRITICAL"]) },
  totals: { issuesCreated: 900, issuesClosed: 850, versionsWritten: 300 },
  series: Array.from({ length: 90 }, (_, i) => ({
    day: `2026-09-${String((i % 30) + 1).padStart(2, "0")}`,
    stat: {
      day: "2026-09-01",
      openBySeverity: counts(["LOW", "MEDIUM", "HIGH", "CRITICAL"]),
      issuesByStatus: counts(["OPEN", "TRIAGED", "IN_PROGRESS", "DONE", "WONT_FIX"]),
      issuesCreated: 3,
      issuesClosed: 4,
      requirementsByStatus: counts(["DRAFT", "IN_REVIEW", "APPROVED", "IMPLEMENTED", "VERIFIED", "DEPRECATED"]),
      versionsWritten: 5,
      suspectLinks: 3,
      coveragePct: 55.5,
    },
  })),
};
const list = {
  items: Array.from({ length: 50 }, (_, i) => ({
    id: `c${i}`,
    key: `PAY-${i}`,
    title: `Requirement ${i}`,
    status: "APPROVED",
    tags: ["security", "api"],
    version: 3,
    updatedAt: new Date(),
    createdAt: new Date(),
    parent: { key: "PAY-1" },
    childCount: 2,
  })),
  nextCursor: "abc",
};

function time(fn, runs = 5000) {
  for (let i = 0; i < 1000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return ((performance.now() - t) / runs) * 1000;
}

for (const [name, payload] of [
  ["dashboard, 90 days", dashboard],
  ["list page, 50 rows", list],
]) {
  const fast = time(() => serializeFast(payload));
  const sj = time(() => superjson.serialize(payload));
  const json = time(() => JSON.stringify(payload));
  console.log(
    `${name}: serializeFast ${fast.toFixed(1)} µs, superjson ${sj.toFixed(1)} µs, JSON.stringify ${json.toFixed(1)} µs` +
      ` — fast/superjson ${(fast / sj).toFixed(2)}, fast/JSON ${(fast / json).toFixed(2)}`,
  );
}
