#!/usr/bin/env node
/**
 * `npm run bench:accounts`: what the account lifecycle costs, and whether its
 * answers give away which addresses have accounts.
 *
 *   1. Session check. `user.me` through the real tRPC route handler with a
 *      session cookie (the caller lookup joins the `Session` row), against
 *      raw `pg` running the same lookup statement.
 *   2. Password reset requests for addresses with and without an account,
 *      interleaved, through the route handler: median and p90 of each and
 *      their ratio (1.00 = indistinguishable by time), beside raw `pg`
 *      inserting one outbox row (the floor of any write).
 *   3. Sign-up with a new and with a taken address, interleaved (argon2id
 *      hashing dominates both).
 *
 * In-process on a throwaway database (BENCH_PG_ADMIN_URL or PG_ADMIN_URL, else
 * the local server), rate limits off. Prints the tables; exits 1 on a failed
 * request or if the two kinds of answer differ in status or body.
 *
 *   node --import tsx scripts/bench/accounts.mjs
 * Env: BENCH_ACCOUNTS_RESETS (300 of each), BENCH_ACCOUNTS_SIGNUPS (40 of each).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";

import { migrate } from "../run.mjs";
import { createDatabase, DEFAULT_ADMIN_URL, databaseUrl, dropDatabase } from "./lib/db.mjs";
import { intEnv } from "./lib/env.mjs";

const log = (msg) => console.log(`[bench:accounts] ${msg}`);
const RESETS = intEnv("BENCH_ACCOUNTS_RESETS", 300, 10, 100_000);
const SIGNUPS = intEnv("BENCH_ACCOUNTS_SIGNUPS", 40, 4, 10_000);
const adminUrl = process.env.BENCH_PG_ADMIN_URL || process.env.PG_ADMIN_URL || DEFAULT_ADMIN_URL;
const name = `specline_bench_accounts_${Date.now().toString(36)}`;
const url = databaseUrl(adminUrl, name);
const dataDir = mkdtempSync(path.join(os.tmpdir(), "specline-bench-accounts-"));

const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (x) => `${x.toFixed(2)} ms`;

async function timed(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

await createDatabase(adminUrl, name);
let failed = false;
try {
  await migrate(url);
  Object.assign(process.env, {
    DATABASE_URL: url,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    DATA_DIR: dataDir,
    RATE_LIMITS: "off",
    BACKGROUND_JOBS: "off",
    NODE_ENV: "production",
  });
  delete process.env.SMTP_URL;
  delete process.env.REDIS_URL;

  const route = await import("../../app/api/trpc/[trpc]/route.ts");
  const { startSession } = await import("../../server/auth/sessions.ts");
  const { db } = await import("../../server/db.ts");
  const { encode } = await import("next-auth/jwt");
  const raw = new pg.Pool({ connectionString: url, max: 2 });

  async function post(procedure, input, cookie) {
    const res = await route.POST(
      new Request(`http://localhost/api/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ json: input }),
      }),
    );
    return { status: res.status, body: await res.text() };
  }

  // Someone to be: a verified user with a live session.
  const user = await db.user.create({
    data: { email: "known@example.com", name: "Known Person", emailVerifiedAt: new Date() },
    select: { id: true },
  });
  const sid = await startSession(user.id, { userAgent: "bench" });
  const cookie = `next-auth.session-token=${await encode({ token: { sub: user.id, sid }, secret: process.env.AUTH_SECRET })}`;

  // 1. The session check.
  const lookup = `SELECT u.id, u.email, u.name, u.role, u."emailVerifiedAt", s."lastSeenAt"
    FROM "User" u LEFT JOIN "Session" s ON s.id = $2 AND s."userId" = u.id
      AND s."idleExpiresAt" > now() AND s."expiresAt" > now()
    LEFT JOIN "Project" p ON p.key = NULL LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = u.id
    WHERE u.id = $1 AND u."deactivatedAt" IS NULL`;
  const meTimes = [];
  const rawTimes = [];
  for (let i = 0; i < 2_200; i++) {
    const me = await timed(() =>
      route.GET(new Request("http://localhost/api/trpc/user.me", { headers: { cookie } })).then((r) => r.status),
    );
    const base = await timed(() => raw.query(lookup, [user.id, sid]));
    if (me.result !== 200) throw new Error(`user.me answered ${me.result}`);
    if (i >= 200) {
      meTimes.push(me.ms);
      rawTimes.push(base.ms);
    }
  }

  // 2. Reset requests, known and unknown addresses interleaved.
  const known = [];
  const unknown = [];
  const floor = [];
  let reference = null;
  for (let i = 0; i < RESETS; i++) {
    const a = await timed(() => post("auth.requestPasswordReset", { email: "known@example.com" }));
    const b = await timed(() => post("auth.requestPasswordReset", { email: `nobody-${i}@example.com` }));
    const c = await timed(() =>
      raw.query(
        `INSERT INTO "OutboxEvent" (id, type, payload, "createdAt", "availableAt") VALUES ($1, 'bench.floor', '{}', now(), now())`,
        [randomUUID()],
      ),
    );
    reference ??= a.result;
    for (const answer of [a.result, b.result]) {
      if (answer.status !== reference.status || answer.body !== reference.body) {
        throw new Error(`reset answers differ: ${JSON.stringify(reference)} vs ${JSON.stringify(answer)}`);
      }
    }
    known.push(a.ms);
    unknown.push(b.ms);
    floor.push(c.ms);
  }

  // 3. Sign-up, new and taken addresses interleaved.
  const fresh = [];
  const taken = [];
  let signupReference = null;
  for (let i = 0; i < SIGNUPS; i++) {
    const password = "bench-sign-up-passphrase-1";
    const a = await timed(() => post("auth.register", { email: `new-${i}@example.com`, name: "New", password }));
    const b = await timed(() => post("auth.register", { email: "known@example.com", name: "Again", password }));
    signupReference ??= a.result;
    for (const answer of [a.result, b.result]) {
      if (answer.status !== signupReference.status || answer.body !== signupReference.body) {
        throw new Error(`sign-up answers differ: ${JSON.stringify(signupReference)} vs ${JSON.stringify(answer)}`);
      }
    }
    if (i > 0) {
      fresh.push(a.ms);
      taken.push(b.ms);
    }
  }
  await raw.end();

  const rows = [
    ["user.me with its session checked", meTimes, "raw pg, the same lookup", rawTimes],
    ["reset request, address with an account", known, "raw pg, one outbox insert", floor],
    ["reset request, address without one", unknown, "raw pg, one outbox insert", floor],
    ["sign-up, new address", fresh, "sign-up, taken address", taken],
  ];
  console.log("");
  console.log("| measurement | p50 | p90 | against | p50 | ratio (p50) |");
  console.log("|---|---|---|---|---|---|");
  for (const [label, xs, against, ys] of rows) {
    const [p50, p90, q50] = [quantile(xs, 0.5), quantile(xs, 0.9), quantile(ys, 0.5)];
    console.log(`| ${label} | ${ms(p50)} | ${ms(p90)} | ${against} | ${ms(q50)} | ${(p50 / q50).toFixed(2)} |`);
  }
  const ratio = quantile(known, 0.5) / quantile(unknown, 0.5);
  console.log("");
  log(`reset requests: with an account / without, p50 ratio ${ratio.toFixed(2)} (1.00 = the same time)`);
  log(`identical status and body for every pair of reset requests (${RESETS}) and sign-ups (${SIGNUPS})`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await dropDatabase(adminUrl, name).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
