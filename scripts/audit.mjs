#!/usr/bin/env node
/**
 * Dependency advisories as a decision, not a red build nobody can fix.
 *
 * Runs `npm audit --omit=dev --json` and fails when a runtime dependency has
 * an advisory of severity high or critical that `audit-allowlist.json` does
 * not accept. Each accepted advisory names its id (the GHSA id or the
 * advisory URL), the package, why it is accepted, and the date it is
 * accepted until: an entry past its date fails the run, so every acceptance
 * is looked at again.
 *
 * When the advisory service cannot be reached, the run says so and passes
 * (the allow-list's dates are still checked); AUDIT_REQUIRED=1 makes that a
 * failure for pipelines that must not ship unaudited.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { z } from "zod";

const SEVERITY_RANK = { info: 0, low: 1, moderate: 2, high: 3, critical: 4 };
export const FAIL_AT = "high";

const allowlistSchema = z.array(
  z.object({
    id: z.string().min(3),
    package: z.string().min(1),
    reason: z.string().min(10),
    until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD"),
  }),
);

/** @typedef {z.infer<typeof allowlistSchema>[number]} Acceptance */

/** Parses and validates the allow-list file's content. @returns {Acceptance[]} */
export function parseAllowlist(text) {
  return allowlistSchema.parse(JSON.parse(text));
}

/** The advisory's ids as the allow-list may name them: GHSA id (from the URL) and the URL. */
function advisoryIds(via) {
  const ids = [String(via.source), via.url].filter(Boolean);
  const ghsa = /GHSA-[\w-]+/.exec(via.url ?? "")?.[0];
  if (ghsa) ids.push(ghsa);
  return ids;
}

/**
 * Judges an `npm audit --json` report against the allow-list on `today`
 * (YYYY-MM-DD). Returns the blocking advisories, the accepted ones and the
 * expired acceptances; the run passes when the first and last are empty.
 * @param {{ vulnerabilities?: Record<string, { via: Array<string | { source: number | string, name: string, title: string, url?: string, severity: string }> }> }} report
 * @param {Acceptance[]} allowlist
 * @param {string} today
 */
export function judgeAudit(report, allowlist, today) {
  const expired = allowlist.filter((a) => a.until < today);
  const active = allowlist.filter((a) => a.until >= today);
  const seen = new Set();
  const blocking = [];
  const accepted = [];
  for (const entry of Object.values(report.vulnerabilities ?? {})) {
    for (const via of entry.via) {
      // A string names another vulnerable package; its own advisories are listed under it.
      if (typeof via === "string") continue;
      const key = `${via.source}:${via.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if ((SEVERITY_RANK[via.severity] ?? 0) < SEVERITY_RANK[FAIL_AT]) continue;
      const ids = advisoryIds(via);
      const acceptance = active.find((a) => a.package === via.name && ids.includes(a.id));
      const item = { package: via.name, severity: via.severity, title: via.title, url: via.url ?? "", ids };
      if (acceptance) accepted.push({ ...item, until: acceptance.until });
      else blocking.push(item);
    }
  }
  return { blocking, accepted, expired };
}

function npmAudit(cwd) {
  return new Promise((resolve) => {
    const child = spawn("npm", ["audit", "--omit=dev", "--json"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", () => resolve({ out, err }));
  });
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const allowlist = parseAllowlist(readFileSync(path.join(root, "audit-allowlist.json"), "utf8"));
  const today = new Date().toISOString().slice(0, 10);
  const { out, err } = await npmAudit(root);
  let report;
  try {
    report = JSON.parse(out);
  } catch {
    report = null;
  }
  let failed = false;
  const { blocking, accepted, expired } = judgeAudit(report?.vulnerabilities ? report : {}, allowlist, today);
  for (const a of expired) {
    failed = true;
    console.error(`[audit] acceptance of ${a.id} (${a.package}) expired on ${a.until}: fix it or decide again`);
  }
  if (!report?.vulnerabilities) {
    const why = report?.message ?? report?.error?.summary ?? (err.trim().split("\n").pop() || "no report");
    console.warn(`[audit] WARNING: the advisory service could not be reached (${why}); advisories were not checked`);
    if (process.env.AUDIT_REQUIRED === "1") failed = true;
  } else {
    for (const a of accepted) console.log(`[audit] accepted until ${a.until}: ${a.package} ${a.severity} — ${a.title}`);
    for (const b of blocking) {
      failed = true;
      console.error(`[audit] ${b.severity}: ${b.package} — ${b.title} ${b.url}`);
    }
    if (!blocking.length)
      console.log(`[audit] no unaccepted advisory of severity ${FAIL_AT} or above in runtime dependencies`);
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
