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

/** Applies pending Prisma migrations to `databaseUrl` (offline: JS schema engine + pg adapter). */
export async function migrate(databaseUrl, { quiet = true } = {}) {
  const prismaCli = require.resolve("prisma/build/index.js");
  await run(process.execPath, [prismaCli, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    quiet,
  });
}
