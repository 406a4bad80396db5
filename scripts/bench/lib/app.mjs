/**
 * The production server under test: waiting for it to answer, finding the
 * node process that serves (for CPU accounting), and the request budgets
 * it runs with during a benchmark.
 */
import { readFileSync } from "node:fs";

import { request } from "./http.mjs";
import { childPids, isRunning, sleep } from "./process.mjs";

/**
 * Budgets no benchmark reaches (the most lib/env.mjs accepts), so that the
 * limiter runs on every call, as in production, but never refuses one: one
 * user at thousands of requests per second would spend the default 600 a
 * minute in a fraction of a second.
 */
export const UNREACHED_BUDGETS = {
  RATE_LIMIT_API_PER_MINUTE: "1000000",
  RATE_LIMIT_EXPENSIVE_PER_MINUTE: "1000000",
  RATE_LIMIT_CREATE_PER_HOUR: "1000000",
  RATE_LIMIT_REGISTER_PER_HOUR: "1000000",
};

/** Polls `url` until it answers 200; fails early when `child` exits. */
export async function waitFor(url, { child, timeoutMs, what }) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child && !isRunning(child))
      throw new Error(`${child.label} exited while waiting for ${what}:\n${child.output.slice(-4000)}`);
    try {
      const res = await request(url, { timeoutMs: 3000 });
      if (res.status === 200) return res;
      last = `HTTP ${res.status} ${res.text.slice(0, 200)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(300);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${last})`);
}

/**
 * The node process running server.js under start.mjs (for CPU accounting),
 * or null. Next renames its process ("next-server (vX)"), so match either.
 */
export function findServerPid(startPid) {
  for (const pid of childPids(startPid)) {
    try {
      if (/server\.js|next-server/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"))) return pid;
    } catch {
      /* gone, or not Linux */
    }
  }
  return null;
}
