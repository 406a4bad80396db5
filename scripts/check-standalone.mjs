#!/usr/bin/env node
/**
 * Checks that the container image's runtime layout works, without Docker.
 *
 * 1. Builds (`next build`) when there is no standalone build yet, or when a
 *    source is newer than it (the same rule as scripts/start.mjs).
 * 2. Assembles in a temporary folder exactly what the Dockerfile's runtime
 *    stage copies into /app: .next/standalone, .next/static, public/,
 *    prisma/migrations, the migrator folder, deploy/docker-entrypoint.sh +
 *    deploy/healthcheck.mjs and the server entry scripts/serve.mjs. Symlinks are copied as they are (as Docker
 *    does), and every one must point inside the folder.
 * 3. The entrypoint's refusals: DATABASE_URL without AUTH_SECRET, a short
 *    AUTH_SECRET, and (no DATABASE_URL) a DATA_DIR the server cannot write.
 * 4. One container with nothing configured (`docker run -v specline:/data`):
 *    the entrypoint, under tini as in the image, with only a DATA_DIR
 *    folder the server's user owns. It must start the embedded database,
 *    generate the auth secret, migrate and turn ready; the first account
 *    registered becomes the admin, files an issue in a new project and
 *    attaches a file; DATA_DIR then holds the database, the secret (0600)
 *    and the upload. SIGTERM must drain the server and close the database
 *    (exit 0); started again on the same folder, the same session cookie is
 *    still signed in and the issue and the attachment's bytes are there.
 * 5. Creates two fresh PostgreSQL databases. Against the empty one, starts
 *    `node serve.mjs` directly (no migrations): /api/health must answer 200
 *    and /api/ready 503.
 * 6. Runs the image's entrypoint against the other one, with a minimal
 *    environment (the image's ENV plus DATABASE_URL, a random AUTH_SECRET
 *    and a DATA_DIR folder): it must apply the migrations and start the
 *    server; /api/health and /api/ready must answer 200 with status
 *    "ready", the healthcheck script must pass, static assets and the
 *    next-auth CSRF endpoint must be served. Then the same upload, SIGTERM
 *    (exit 0) and restart as in 4.
 * 7. Stops the servers, drops the databases, removes the folders.
 *
 * What differs from the real image (be aware when reading a green result):
 * - migrator/node_modules is a symlink to this repository's node_modules
 *   (the same prisma / @prisma/adapter-pg / pg versions the image pins; this
 *   is checked), whereas the image installs only those three packages. Set
 *   CHECK_MIGRATOR_INSTALL=1 to install them for real with
 *   `npm install --omit=dev --no-save --ignore-scripts` (needs the registry).
 * - Node and the OS libraries are this machine's, not node:20-bookworm-slim's.
 *   When run as root, the servers run as `nobody` (uid/gid 65534) over
 *   root-owned files with only .next/cache and DATA_DIR writable, like the
 *   image's `node` user; otherwise as the current user.
 * - The build is the one in this checkout (.next), built here if missing or
 *   stale, from the working tree as it is (tests included in the type check,
 *   untracked files too); the image builds from a clean `npm ci` and the
 *   context .dockerignore leaves.
 *
 * Env: PG_ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
 *      CHECK_MIGRATOR_INSTALL=1, CHECK_KEEP=1 (keep the assembled folder).
 * Exit code 0 when every check passes, 1 otherwise.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import pg from "pg";
import { registerUser, request, signIn } from "./bench/lib/http.mjs";
import { buildStaleness, freePort } from "./run.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const adminUrl = process.env.PG_ADMIN_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
const READY_TIMEOUT_MS = 60_000;
// As root, run the image's processes as nobody, like the image's unprivileged user.
const runAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
const OVERALL_TIMEOUT_MS = 10 * 60_000;

const log = (msg) => console.log(`[check-standalone] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class CheckError extends Error {}
function check(condition, message) {
  if (!condition) throw new CheckError(message);
}

/* ------------------------------------------------------------ processes */

const children = new Set();

/** Starts a process in its own process group, capturing its output. */
function start(cmd, args, { cwd, env, name, user = {} }) {
  const child = spawn(cmd, args, { cwd, env, ...user, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.output = "";
  child.label = name;
  const append = (d) => {
    child.output += d;
    if (child.output.length > 200_000) child.output = child.output.slice(-100_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  child.exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on("error", (err) => {
      append(String(err));
      children.delete(child);
      resolve({ code: -1, signal: null });
    });
  });
  children.add(child);
  return child;
}

/** Runs a command to completion. */
async function runToEnd(cmd, args, opts) {
  const child = start(cmd, args, opts);
  const { code, signal } = await child.exited;
  return { code, signal, output: child.output };
}

/** SIGTERM to the whole process group, SIGKILL after 10 s. */
async function stop(child) {
  if (!children.has(child)) return child.exited;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }, 10_000);
  const result = await child.exited;
  clearTimeout(timer);
  return result;
}

/* ---------------------------------------------------------------- HTTP */

async function get(url, { timeoutMs = 5000 } = {}) {
  const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Polls `url` until `accept(response)` or the timeout; fails early if `child` exits. */
async function waitFor(url, accept, { child, timeoutMs = READY_TIMEOUT_MS, what }) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!children.has(child)) throw new CheckError(`${child.label} exited while waiting for ${what}`);
    try {
      const res = await get(url, { timeoutMs: 3000 });
      if (accept(res)) return res;
      last = `HTTP ${res.status} ${res.text.slice(0, 200)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await sleep(250);
  }
  throw new CheckError(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${last})`);
}

/* ------------------------------------------------------------ database */

function databaseUrl(name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/* -------------------------------------------------------------- layout */

/** Copies `src` to `dest` keeping symlinks verbatim (fs.cp would otherwise make relative links absolute). */
function copy(src, dest, filter) {
  cpSync(src, dest, { recursive: true, verbatimSymlinks: true, filter });
}

/** Every symlink under `dir` (not descending into `skip`) must resolve inside `dir`. */
function assertSelfContained(dir, skip) {
  const real = realpathSync(dir);
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (p === skip) continue;
      if (entry.isSymbolicLink()) {
        let target;
        try {
          target = realpathSync(p);
        } catch {
          throw new CheckError(`dangling symlink in the image layout: ${path.relative(dir, p)}`);
        }
        check(
          target === real || target.startsWith(real + path.sep),
          `symlink escapes the image layout: ${path.relative(dir, p)} -> ${target}`,
        );
      } else if (entry.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(dir);
}

async function ensureBuild() {
  const staleness = buildStaleness(root);
  if (!staleness) return;
  log(`${staleness}: running next build…`);
  const result = await runToEnd(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    name: "next build",
  });
  if (result.code !== 0) {
    console.error(result.output);
    throw new CheckError("next build failed");
  }
  check(
    existsSync(path.join(root, ".next/standalone/server.js")),
    'next build produced no .next/standalone/server.js (is output: "standalone" set?)',
  );
}

async function migratorVersionsMatch() {
  const { migratorPackages } = await import(pathToFileURL(path.join(root, "deploy/migrator-packages.mjs")).href);
  const pins = migratorPackages(path.join(root, "package-lock.json"));
  for (const { name, version } of pins) {
    const installed = JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
    check(
      installed === version,
      `node_modules/${name} is ${installed} but package-lock.json pins ${version} (run npm ci)`,
    );
  }
  return pins;
}

/** Mirrors the Dockerfile's migrator and runtime stages. */
async function assemble(dir, pins) {
  const standalone = path.join(root, ".next/standalone");
  // start.mjs copies static/ and public/ into the standalone folder; the image copies them from the build instead.
  copy(standalone, dir, (src) => {
    const rel = path.relative(standalone, src);
    return rel !== path.join(".next", "static") && rel !== "public";
  });
  copy(path.join(root, ".next/static"), path.join(dir, ".next/static"));
  mkdirSync(path.join(dir, "public"), { recursive: true });
  if (existsSync(path.join(root, "public"))) copy(path.join(root, "public"), path.join(dir, "public"));
  copy(path.join(root, "prisma/migrations"), path.join(dir, "prisma/migrations"));

  const migrator = path.join(dir, "migrator");
  mkdirSync(path.join(migrator, "prisma"), { recursive: true });
  mkdirSync(path.join(migrator, "scripts"), { recursive: true });
  copy(path.join(root, "prisma.config.ts"), path.join(migrator, "prisma.config.ts"));
  mkdirSync(path.join(migrator, "lib"), { recursive: true });
  copy(path.join(root, "lib/database-url.mjs"), path.join(migrator, "lib/database-url.mjs"));
  copy(path.join(root, "prisma/schema.prisma"), path.join(migrator, "prisma/schema.prisma"));
  copy(path.join(root, "prisma/migrations"), path.join(migrator, "prisma/migrations"));
  for (const script of ["migrate.mjs", "run.mjs", "embedded-postgres.mjs", "embedded-launch.mjs"]) {
    copy(path.join(root, "scripts", script), path.join(migrator, "scripts", script));
  }
  if (process.env.CHECK_MIGRATOR_INSTALL === "1") {
    log(`installing the migrator packages: ${pins.map((p) => `${p.name}@${p.version}`).join(" ")}`);
    // An existing node_modules makes npm install here, not into the standalone folder above.
    mkdirSync(path.join(migrator, "node_modules"));
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = await runToEnd(
      npm,
      [
        "install",
        "--omit=dev",
        "--no-save",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        ...pins.map((p) => `${p.name}@${p.version}`),
      ],
      { cwd: migrator, env: process.env, name: "npm install" },
    );
    if (result.code !== 0) {
      console.error(result.output);
      throw new CheckError("npm install of the migrator packages failed");
    }
    for (const { name } of pins) {
      check(
        existsSync(path.join(migrator, "node_modules", name, "package.json")),
        `migrator/node_modules/${name} was not installed`,
      );
    }
  } else {
    symlinkSync(path.join(root, "node_modules"), path.join(migrator, "node_modules"), "dir");
  }

  copy(path.join(root, "deploy/docker-entrypoint.sh"), path.join(dir, "docker-entrypoint.sh"));
  copy(path.join(root, "deploy/healthcheck.mjs"), path.join(dir, "healthcheck.mjs"));
  copy(path.join(root, "scripts/serve.mjs"), path.join(dir, "serve.mjs"));

  // Like the image: application files stay as they are (root's when run as root), only .next/cache and DATA_DIR
  // (the image's /data volume; here one folder per check) are writable.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, ".next/cache"), { recursive: true });
  imageHome = path.join(dir, ".home");
  mkdirSync(imageHome);
  if (runAs.uid !== undefined) {
    chownSync(path.join(dir, ".next/cache"), runAs.uid, runAs.gid);
    chownSync(imageHome, runAs.uid, runAs.gid);
  }

  check(existsSync(path.join(dir, "server.js")), "server.js missing from the standalone output");
  check(
    existsSync(path.join(dir, "node_modules/next/package.json")),
    "node_modules/next missing from the standalone output",
  );
  check(
    existsSync(path.join(dir, "node_modules/.prisma/client")),
    "the generated Prisma client is missing from the standalone output",
  );
  check(readdirSync(path.join(dir, ".next/static")).length > 0, ".next/static is empty");
  check(lstatSync(path.join(dir, "prisma/migrations")).isDirectory(), "prisma/migrations missing");
  // The standalone node_modules must not reach back into the repository.
  assertSelfContained(
    dir,
    process.env.CHECK_MIGRATOR_INSTALL === "1" ? undefined : path.join(migrator, "node_modules"),
  );
}

/** A static asset the build emitted, as a URL path. */
function someStaticAsset(dir) {
  const base = path.join(dir, ".next/static");
  const stack = [base];
  while (stack.length) {
    const d = stack.pop();
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else if (/\.(js|css)$/.test(entry.name))
        return `/_next/static/${path.relative(base, p).split(path.sep).join("/")}`;
    }
  }
  return null;
}

let imageHome = os.tmpdir();

/** The environment the container sees: the image's ENV plus what the operator passes. */
function imageEnv(extra) {
  return {
    PATH: process.env.PATH,
    HOME: imageHome,
    NODE_ENV: "production",
    HOSTNAME: "127.0.0.1", // the image uses 0.0.0.0; loopback only here
    NEXT_TELEMETRY_DISABLED: "1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    ...extra,
  };
}

/* ------------------------------------------------------------- volumes */

/** A folder the server's user owns, as a named volume mounted at /data is. */
function volume(name) {
  const at = path.join(volumesDir, name);
  mkdirSync(at, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) chownSync(at, runAs.uid, runAs.gid);
  return at;
}

let volumesDir = os.tmpdir();

/** The image's entrypoint as Docker runs it: under tini when this machine has it (the image always does). */
function entrypoint(command) {
  const tini = ["/usr/bin/tini", "/usr/sbin/tini"].find((p) => existsSync(p));
  // -s: not PID 1 here, so tini registers as the subreaper of what it starts.
  return tini
    ? [tini, ["-s", "--", "sh", "docker-entrypoint.sh", ...command]]
    : ["sh", ["docker-entrypoint.sh", ...command]];
}

const ATTACHMENT = Buffer.from(`Specline attachment check ${randomBytes(8).toString("hex")}\n`);

/** Registers the first account, files an issue in a new project and attaches a file to it. */
async function fileAnIssueWithAttachment(base) {
  const person = {
    email: "olive@example.com",
    name: "Olive Owner",
    password: `Harbor-${randomBytes(9).toString("hex")}`,
  };
  const user = await registerUser(base, person);
  const cookie = await signIn(base, person);
  const call = async (procedure, input) => {
    const res = await request(`${base}/api/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: base },
      body: JSON.stringify({ json: input }),
    });
    if (res.status !== 200) throw new CheckError(`${procedure} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return res.json.result.data.json;
  };
  await call("project.create", { key: "BOX", name: "Single container" });
  const issue = await call("issue.create", {
    projectKey: "BOX",
    title: "Kept across restarts",
    description: "With a file.",
  });
  const form = new FormData();
  form.append("file", new Blob([ATTACHMENT], { type: "text/plain" }), "notes.txt");
  const upload = await fetch(`${base}/api/issues/${issue.key}/attachments`, {
    method: "POST",
    headers: { cookie, origin: base },
    body: form,
  });
  const attachment = await upload.json().catch(() => null);
  check(upload.status === 201 && attachment?.id, `the upload answered ${upload.status}: ${JSON.stringify(attachment)}`);
  await expectAttachment(base, cookie, attachment.id);
  return { cookie, userId: user.id, role: user.role, issueKey: issue.key, attachmentId: attachment.id };
}

async function expectAttachment(base, cookie, id) {
  const res = await fetch(`${base}/api/attachments/${id}`, { headers: { cookie } });
  const bytes = Buffer.from(await res.arrayBuffer());
  check(res.status === 200 && bytes.equals(ATTACHMENT), `the attachment downloads byte for byte (HTTP ${res.status})`);
}

/** After a restart: the same session is still signed in, the issue and its attachment are there. */
async function expectFiled(base, saved) {
  const me = await request(`${base}/api/trpc/user.me`, { headers: { cookie: saved.cookie } });
  check(me.status === 200 && me.json?.result?.data?.json?.id === saved.userId, `the session survived (${me.status})`);
  const input = encodeURIComponent(JSON.stringify({ json: { key: saved.issueKey } }));
  const issue = await request(`${base}/api/trpc/issue.byKey?input=${input}`, { headers: { cookie: saved.cookie } });
  check(issue.status === 200, `the issue is there (issue.byKey answered ${issue.status}: ${issue.text.slice(0, 200)})`);
  await expectAttachment(base, saved.cookie, saved.attachmentId);
}

/* ---------------------------------------------------------------- main */

async function main() {
  await ensureBuild();
  const pins = await migratorVersionsMatch();

  const dir = mkdtempSync(path.join(os.tmpdir(), "specline-image-"));
  const stamp = `${Date.now()}_${randomBytes(3).toString("hex")}`;
  const emptyDb = `specline_check_${stamp}_empty`;
  const readyDb = `specline_check_${stamp}`;
  const created = [];
  const authSecret = randomBytes(32).toString("base64url");

  try {
    log(`assembling the runtime layout in ${dir}${runAs.uid !== undefined ? " (servers run as nobody)" : ""}`);
    await assemble(dir, pins);
    volumesDir = mkdtempSync(path.join(os.tmpdir(), "specline-volumes-"));
    chmodSync(volumesDir, 0o755);

    await withAdmin(async (c) => {
      for (const name of [emptyDb, readyDb]) {
        await c.query(`CREATE DATABASE "${name}"`);
        created.push(name);
      }
    });
    log(`created databases ${emptyDb} and ${readyDb}`);

    // The entrypoint refuses to start without its required settings.
    {
      const noSecret = await runToEnd("sh", ["docker-entrypoint.sh", "node", "-e", "process.exit(0)"], {
        cwd: dir,
        env: imageEnv({ PORT: "3000", DATABASE_URL: databaseUrl(emptyDb), DATA_DIR: volume("refusals") }),
        name: "entrypoint with DATABASE_URL and no AUTH_SECRET",
        user: runAs,
      });
      check(
        noSecret.code !== 0 && /AUTH_SECRET is required/.test(noSecret.output),
        `entrypoint with DATABASE_URL and no AUTH_SECRET should fail (exit ${noSecret.code}): ${noSecret.output}`,
      );
      const shortSecret = await runToEnd("sh", ["docker-entrypoint.sh", "node", "-e", "process.exit(0)"], {
        cwd: dir,
        env: imageEnv({ PORT: "3000", DATABASE_URL: databaseUrl(emptyDb), AUTH_SECRET: "too-short" }),
        name: "entrypoint with a short AUTH_SECRET",
        user: runAs,
      });
      check(
        shortSecret.code !== 0 && /at least 32/.test(shortSecret.output),
        `entrypoint with a short AUTH_SECRET should fail (exit ${shortSecret.code}): ${shortSecret.output}`,
      );
      const readOnly = await runToEnd("sh", ["docker-entrypoint.sh", "node", "-e", "process.exit(0)"], {
        cwd: dir,
        // No DATABASE_URL and a DATA_DIR the server's user cannot write: no volume mounted where one must be.
        env: imageEnv({ PORT: "3000", DATA_DIR: path.join(dir, "public") }),
        name: "entrypoint without a writable DATA_DIR",
        user: runAs,
      });
      check(
        runAs.uid === undefined || (readOnly.code !== 0 && /is not writable/.test(readOnly.output)),
        `entrypoint without DATABASE_URL and a read-only DATA_DIR should fail (exit ${readOnly.code}): ${readOnly.output}`,
      );
      log("ok: the entrypoint refuses a missing or short AUTH_SECRET with DATABASE_URL, and an unwritable DATA_DIR");
    }

    // 0. One container, nothing configured: the embedded database and everything else in the /data volume,
    //    kept across a re-created container.
    {
      const data = volume("single-container");
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = imageEnv({ PORT: String(port), DATA_DIR: data, APP_URL: base });
      const started = Date.now();
      let server = start(...entrypoint(["node", "serve.mjs"]), {
        cwd: dir,
        env,
        name: "single container",
        user: runAs,
      });
      try {
        await waitFor(`${base}/api/ready`, (r) => r.status === 200, { child: server, what: "/api/ready (embedded)" });
        log(
          `ok: no DATABASE_URL, no AUTH_SECRET → embedded database ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
        const saved = await fileAnIssueWithAttachment(base);
        check(saved.role === "ADMIN", `the first account registered becomes the instance admin (got ${saved.role})`);
        for (const entry of ["auth-secret", "pglite", "uploads"]) {
          check(existsSync(path.join(data, entry)), `DATA_DIR holds ${entry}`);
        }
        check(
          (statSync(path.join(data, "auth-secret")).mode & 0o077) === 0,
          "the generated auth secret is private (0600)",
        );
        log("ok: an issue with an attachment filed; database, secret and upload are in DATA_DIR");

        const stopped = await stop(server);
        check(
          stopped.code === 0,
          `the container stops cleanly on SIGTERM (${stopped.signal ?? `exit ${stopped.code}`})`,
        );
        check(/"msg":"shut down"/.test(server.output), "the server drained before the database closed");
        log("ok: stopped on SIGTERM: drained, database closed");

        server = start(...entrypoint(["node", "serve.mjs"]), {
          cwd: dir,
          env,
          name: "single container (again)",
          user: runAs,
        });
        await waitFor(`${base}/api/ready`, (r) => r.status === 200, { child: server, what: "/api/ready (re-created)" });
        await expectFiled(base, saved);
        log("ok: re-created on the same volume: the session, the issue and the attachment's bytes are all there");
        await stop(server);
      } catch (err) {
        console.error(`--- ${server.label} output ---\n${server.output}`);
        throw err;
      } finally {
        await stop(server);
      }
    }

    // 1. Unmigrated database: live but not ready.
    {
      const port = await freePort();
      const server = start(process.execPath, ["serve.mjs"], {
        cwd: dir,
        env: imageEnv({
          PORT: String(port),
          DATABASE_URL: databaseUrl(emptyDb),
          AUTH_SECRET: authSecret,
          NEXTAUTH_URL: `http://127.0.0.1:${port}`,
        }),
        name: "server (unmigrated database)",
        user: runAs,
      });
      try {
        await waitFor(`http://127.0.0.1:${port}/api/health`, (r) => r.status === 200, {
          child: server,
          what: "/api/health (unmigrated)",
        });
        const ready = await get(`http://127.0.0.1:${port}/api/ready`);
        check(
          ready.status === 503,
          `/api/ready on an unmigrated database should answer 503, got ${ready.status} ${ready.text}`,
        );
        check(
          ready.json && ready.json.status !== "ready",
          `/api/ready on an unmigrated database reported ${ready.text}`,
        );
        log(`ok: unmigrated database → /api/health 200, /api/ready 503 (${ready.json.status})`);
      } catch (err) {
        console.error(`--- ${server.label} output ---\n${server.output}`);
        throw err;
      } finally {
        await stop(server);
      }
    }

    // 2. The image's entrypoint: migrate, then serve.
    {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const started = Date.now();
      const env = imageEnv({
        PORT: String(port),
        DATABASE_URL: databaseUrl(readyDb),
        AUTH_SECRET: authSecret,
        APP_URL: base,
        DATA_DIR: volume("postgresql"),
      });
      let server = start(...entrypoint(["node", "serve.mjs"]), {
        cwd: dir,
        env,
        name: "entrypoint (migrate + server)",
        user: runAs,
      });
      try {
        await waitFor(`${base}/api/health`, (r) => r.status === 200, { child: server, what: "/api/health" });
        const ready = await waitFor(`${base}/api/ready`, (r) => r.status === 200, {
          child: server,
          what: "/api/ready",
        });
        check(ready.json?.status === "ready", `/api/ready answered ${ready.text}`);
        check(
          Array.isArray(ready.json.pendingMigrations) && ready.json.pendingMigrations.length === 0,
          `pending migrations: ${ready.text}`,
        );
        check(
          /All migrations have been successfully applied|No pending migrations/.test(server.output),
          "the entrypoint did not report applying migrations",
        );
        log(
          `ok: entrypoint migrated and started in ${((Date.now() - started) / 1000).toFixed(1)}s → /api/health 200, /api/ready 200 ${JSON.stringify(ready.json)}`,
        );

        const health = await runToEnd(process.execPath, ["healthcheck.mjs"], {
          cwd: dir,
          env: imageEnv({ PORT: String(port) }),
          name: "healthcheck",
          user: runAs,
        });
        check(health.code === 0, `healthcheck.mjs failed: ${health.output}`);
        log("ok: HEALTHCHECK script exits 0");

        const asset = someStaticAsset(dir);
        check(asset, "no static asset found");
        const assetRes = await get(`${base}${asset}`);
        check(assetRes.status === 200, `static asset ${asset} answered ${assetRes.status}`);
        log(`ok: static asset served (${asset})`);

        const csrf = await get(`${base}/api/auth/csrf`);
        check(
          csrf.status === 200 && typeof csrf.json?.csrfToken === "string",
          `/api/auth/csrf answered ${csrf.status} ${csrf.text.slice(0, 200)}`,
        );
        log("ok: next-auth answers (/api/auth/csrf)");

        const saved = await fileAnIssueWithAttachment(base);
        const { code, signal } = await stop(server);
        check(code === 0, `the server exits 0 on SIGTERM (${signal ?? `exit ${code}`})`);
        log("ok: an issue with an attachment filed; server stopped on SIGTERM (exit 0)");
        server = start(...entrypoint(["node", "serve.mjs"]), {
          cwd: dir,
          env,
          name: "entrypoint (again)",
          user: runAs,
        });
        await waitFor(`${base}/api/ready`, (r) => r.status === 200, { child: server, what: "/api/ready (restarted)" });
        await expectFiled(base, saved);
        log("ok: restarted: the session, the issue and the attachment's bytes are all there");
      } catch (err) {
        console.error(`--- ${server.label} output ---\n${server.output}`);
        throw err;
      } finally {
        await stop(server);
      }
    }
  } finally {
    for (const child of [...children]) await stop(child);
    if (created.length) {
      await withAdmin(async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }).catch((err) => console.error(`[check-standalone] could not drop ${created.join(", ")}: ${err.message}`));
    }
    if (process.env.CHECK_KEEP === "1") log(`kept ${dir}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      if (volumesDir !== os.tmpdir()) rmSync(volumesDir, { recursive: true, force: true });
    }
  }
}

const overall = setTimeout(() => {
  console.error(`[check-standalone] FAILED: took longer than ${OVERALL_TIMEOUT_MS / 60_000} minutes`);
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
overall.unref();

// On Ctrl-C, stop the children: main() then fails and its cleanup drops the databases.
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    console.error(`[check-standalone] ${sig}: stopping`);
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* gone */
      }
    }
    setTimeout(() => process.exit(130), 15_000).unref();
  });
}

try {
  await main();
  log("PASSED: the runtime image layout migrates, starts and reports ready");
  process.exit(0);
} catch (err) {
  console.error(`[check-standalone] FAILED: ${err instanceof CheckError ? err.message : err.stack}`);
  process.exit(1);
}
