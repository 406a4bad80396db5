#!/usr/bin/env node
/**
 * `npm start` and `npm run dev`: one command from a fresh clone to a running app.
 *
 * - No DATABASE_URL: embedded mode. PGlite serves PostgreSQL on loopback with
 *   its data under DATA_DIR (default .data/); the auth secret is generated
 *   once and kept there; the first start seeds a DEMO project and an admin
 *   whose generated password is printed once.
 * - DATABASE_URL set: production mode against that PostgreSQL; AUTH_SECRET required.
 *
 * Then: validate the environment, apply pending migrations and, for
 * `npm start`, build if the build is missing or stale and run the standalone
 * Next.js server through scripts/serve.mjs (which stamps each request's
 * client address, and drains on SIGTERM); for `npm run dev` (`--dev`), run
 * `next dev` with hot reload against the same database (no stamping there:
 * every client is "local" to the rate limits unless TRUSTED_PROXIES is set).
 * Signals are passed on to the server; the embedded database closes once
 * it has exited.
 */
import { cpSync, existsSync } from "node:fs";
import path from "node:path";

import { appUrl, parseEnv } from "../lib/env.mjs";
import { startEmbeddedMode } from "./embedded-postgres.mjs";
import { buildStaleness, migrate, run, supervise } from "./run.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

const dev = process.argv.includes("--dev");
const log = (msg) => console.log(`[specline] ${msg}`);

function fail(message) {
  console.error(`[specline] ${message}`);
  process.exit(1);
}

const dataDir = path.resolve(process.env.DATA_DIR || ".data");
// Absolute, because the standalone server runs from its own folder.
process.env.DATA_DIR = dataDir;
const embedded = !process.env.DATABASE_URL;
let embeddedDb;

if (embedded) {
  log(`embedded PostgreSQL (PGlite), data in ${path.relative(root, dataDir) || dataDir}/`);
  embeddedDb = await startEmbeddedMode(dataDir);
} else if (!process.env.AUTH_SECRET) {
  fail("Invalid environment configuration:\n  AUTH_SECRET: required when DATABASE_URL is set (at least 32 characters)");
}

let env;
try {
  env = parseEnv(process.env);
} catch (err) {
  fail(err.message);
}
process.env.NEXTAUTH_URL = appUrl(env);
process.env.NODE_ENV = dev ? "development" : "production";

const nextBin = path.join("node_modules", "next", "dist", "bin", "next");

async function shutdown(code) {
  if (embeddedDb) await embeddedDb.stop().catch(() => {});
  process.exit(code);
}

try {
  log("applying migrations…");
  await migrate(process.env.DATABASE_URL);
  if (embedded) {
    await run(process.execPath, ["--import", "tsx", "prisma/seed.ts"], { env: process.env });
  }
  const staleness = dev ? null : buildStaleness(root);
  if (staleness) {
    log(`${staleness} — building…`);
    await run(process.execPath, [nextBin, "build"], { env: process.env });
  }
} catch (err) {
  console.error(err);
  await shutdown(1);
}

const hostname = process.env.HOSTNAME_BIND ?? (dev ? "localhost" : "0.0.0.0");
let exited;
if (dev) {
  exited = supervise(process.execPath, [nextBin, "dev", "--port", String(env.PORT), "--hostname", hostname]);
} else {
  // The standalone server serves static assets from its own folder.
  cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
  if (existsSync("public")) cpSync("public", ".next/standalone/public", { recursive: true });
  // The server entry that stamps each request's socket address and drains on SIGTERM (scripts/serve.mjs), as in the image.
  cpSync("scripts/serve.mjs", ".next/standalone/serve.mjs");
  exited = supervise(process.execPath, [".next/standalone/serve.mjs"], {
    env: { ...process.env, PORT: String(env.PORT), HOSTNAME: hostname },
  });
}
log(`listening on ${process.env.NEXTAUTH_URL}`);
await shutdown(await exited);
