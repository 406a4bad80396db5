#!/usr/bin/env node
/**
 * Checks that `npm run dev` works with nothing configured, as on a fresh
 * clone: no DATABASE_URL, REDIS_URL or AUTH_SECRET, an empty data folder.
 *
 * It starts `npm run dev` on a free port and a temporary DATA_DIR, then:
 * /api/ready must answer 200 (embedded database up, migrations applied); the
 * administrator whose password the first start prints must be able to sign
 * in with it; `user.me` must answer with that account and the seeded DEMO
 * project page must render. The process tree is stopped and the folder
 * removed whatever happens. Exit code 0 when every check passes.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "./run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const READY_TIMEOUT_MS = 180_000;
const log = (msg) => console.log(`[check-dev] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await freePort();
const base = `http://localhost:${port}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "specline-dev-"));
const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" };
for (const name of ["DATABASE_URL", "REDIS_URL", "AUTH_SECRET", "APP_URL", "NEXTAUTH_URL", "NODE_ENV"])
  delete env[name];

const child = spawn("npm", ["run", "dev"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
let output = "";
child.stdout.on("data", (d) => (output += d));
child.stderr.on("data", (d) => (output += d));

function stop() {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
}

async function waitForReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/ready`, { signal: AbortSignal.timeout(30_000) });
      if (res.status === 200) return;
    } catch {}
    await sleep(1000);
  }
  throw new Error(`/api/ready did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Cookies from a response, merged into a jar. */
function keepCookies(jar, res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
const cookieHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function signIn(email, password) {
  const jar = new Map();
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  keepCookies(jar, csrfRes);
  const { csrfToken } = await csrfRes.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), origin: base },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${base}/projects`, json: "true" }),
  });
  keepCookies(jar, res);
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token"))) {
    throw new Error(`sign-in as ${email} set no session cookie (status ${res.status})`);
  }
  return jar;
}

let failed = false;
try {
  log(`starting npm run dev on ${base} with an empty data folder`);
  await waitForReady();
  log("/api/ready answered 200");

  const password = /password:\s+(\S+)/.exec(output)?.[1];
  const email = /email:\s+(\S+@\S+)/.exec(output)?.[1];
  if (!password || !email) throw new Error("the first start printed no administrator credentials");
  const jar = await signIn(email, password);
  log(`signed in as ${email}`);

  const me = await fetch(`${base}/api/trpc/user.me`, { headers: { cookie: cookieHeader(jar) } });
  const meBody = await me.text();
  if (me.status !== 200 || !meBody.includes(email))
    throw new Error(`user.me answered ${me.status}: ${meBody.slice(0, 300)}`);
  log("user.me answered with the administrator");

  const page = await fetch(`${base}/projects/DEMO/requirements`, { headers: { cookie: cookieHeader(jar) } });
  const html = await page.text();
  if (page.status !== 200 || !html.includes("DEMO-1"))
    throw new Error(`the DEMO requirements page answered ${page.status}`);
  log("the DEMO requirements page rendered");
  log("passed");
} catch (err) {
  failed = true;
  console.error(`[check-dev] FAILED: ${err.message}\n--- npm run dev output ---\n${output.slice(-8000)}`);
} finally {
  stop();
  await sleep(1500);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
