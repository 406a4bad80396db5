/** Small process helpers for the start, migrate and test scripts. */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";

const require = createRequire(import.meta.url);

/** Runs a command asynchronously (never blocking this event loop, which may be serving PGlite). */
export function run(cmd, args, { env = process.env, cwd = process.cwd(), quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (quiet) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(new Error(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})${quiet ? `\n${output}` : ""}`));
    });
  });
}

/**
 * Runs the server process `cmd args` with the terminal (or container log)
 * as its output, passes SIGTERM and SIGINT on to it, and resolves with its
 * exit code once it has exited (128 + n when a signal ended it). Used where
 * this process must outlive the server: it hosts the embedded database.
 */
export function supervise(cmd, args, { env = process.env, cwd = process.cwd() } = {}) {
  const child = spawn(cmd, args, { env, cwd, stdio: "inherit" });
  const forward = (signal) => child.kill(signal);
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (err) => {
      console.error(err);
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      for (const s of ["SIGTERM", "SIGINT"]) process.off(s, forward);
      resolve(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGKILL" ? 9 : 15));
    });
  });
}

const MIGRATE_DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * Applies pending Prisma migrations to `databaseUrl` (offline: JS schema
 * engine + pg adapter), from `cwd`, where prisma.config.ts is. The CLI keeps an internal timer alive for about ten
 * seconds after it has finished; once it reports success (every migration
 * committed) we stop waiting for it.
 */
export function migrate(databaseUrl, { quiet = true, cwd = process.cwd() } = {}) {
  const prismaCli = require.resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let done = false;
    const onData = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
      if (!done && MIGRATE_DONE.test(output)) {
        done = true;
        child.kill("SIGTERM");
        resolve(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (done) return;
      if (code === 0) resolve(output);
      else reject(new Error(`prisma migrate deploy failed (${signal ?? `exit ${code}`})\n${output}`));
    });
  });
}

/** What a production build is made from; newer files than the build mean it is stale. */
const BUILD_SOURCES = [
  "app",
  "server",
  "lib",
  "components",
  "public",
  "prisma",
  "next.config.mjs",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Why `root` needs a (re)build, or null when its standalone build is newer than every source file. */
export function buildStaleness(root) {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(path.join(root, ".next/standalone/server.js")) || !existsSync(buildId))
    return "no production build yet";
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(...BUILD_SOURCES.map((e) => newestMtime(path.join(root, e))));
  return sources > built ? "sources changed since the last build" : null;
}

/** Asks the OS for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
