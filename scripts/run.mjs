/** Small process helpers for the start, migrate and test scripts. */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

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
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})${quiet ? `\n${output}` : ""}`));
    });
  });
}

const MIGRATE_DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/**
 * Applies pending Prisma migrations to `databaseUrl` (offline: JS schema
 * engine + pg adapter). The CLI keeps an internal timer alive for about ten
 * seconds after it has finished; once it reports success (every migration
 * committed) we stop waiting for it.
 */
export function migrate(databaseUrl, { quiet = true } = {}) {
  const prismaCli = require.resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, "migrate", "deploy"], {
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
