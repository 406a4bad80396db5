#!/usr/bin/env node
/**
 * The container without a database server: docker-entrypoint.sh hands over
 * to this launcher when DATABASE_URL is not set, so that
 *
 *   docker run -p 3000:3000 -v specline:/data <image>
 *
 * is a working Specline. Everything durable lives under DATA_DIR (the
 * image's /data volume): the embedded database (PGlite) in `pglite/`, the
 * auth secret generated on first start in `auth-secret`, attachments in
 * `uploads/`, outgoing mail in `mail/` — so a re-created container with the
 * same volume carries on where the last one stopped. The first account
 * registered becomes the instance admin.
 *
 * This process hosts the database and runs the given command (the image's
 * `node serve.mjs`) beside it, after applying pending migrations; it passes
 * SIGTERM and SIGINT on, and closes the database once the server has
 * drained and exited, then exits with the server's code. One container,
 * one replica: the embedded database serves a single instance.
 *
 * Usage: node embedded-launch.mjs <command> [args…]
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import path from "node:path";

import { startEmbeddedMode } from "./embedded-postgres.mjs";
import { migrate, supervise } from "./run.mjs";

const log = (msg) => console.log(`[specline] ${msg}`);

function fail(message) {
  console.error(`[specline] ${message}`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (!command) fail("usage: embedded-launch.mjs <command> [args…]");

const dataDir = path.resolve(process.env.DATA_DIR || "/data");
try {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  accessSync(dataDir, constants.W_OK);
} catch {
  fail(
    `DATA_DIR (${dataDir}) is not writable by uid ${process.getuid?.()}: mount a volume there ` +
      "(docker run -v specline:/data …) or set DATABASE_URL to use a PostgreSQL server",
  );
}

log(`no DATABASE_URL: embedded database (PGlite), everything durable in ${dataDir}`);
const database = await startEmbeddedMode(dataDir);

// Stopped before the server runs: close the database cleanly all the same.
const early = () => {
  void database.stop().finally(() => process.exit(143));
};
process.once("SIGTERM", early);
process.once("SIGINT", early);

let code = 1;
try {
  log("applying database migrations…");
  // From the folder holding prisma.config.ts and the migrations (the image's /app/migrator).
  await migrate(process.env.DATABASE_URL, { quiet: false, cwd: path.resolve(import.meta.dirname, "..") });
  process.off("SIGTERM", early);
  process.off("SIGINT", early);
  log(`starting: ${[command, ...args].join(" ")}`);
  code = await supervise(command, args);
} catch (err) {
  console.error(`[specline] ${err instanceof Error ? err.message : err}`);
} finally {
  await database.stop().catch((err) => console.error(`[specline] closing the database: ${err.message}`));
}
process.exit(code);
