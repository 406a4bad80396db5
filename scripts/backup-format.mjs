/**
 * What a backup folder holds, and the helpers `npm run backup`
 * (scripts/backup.mjs) and `npm run restore` (scripts/restore.mjs) share.
 *
 * A backup is a folder `specline-backup-<UTC time>` with
 *   manifest.json    what is in it: mode, migrations, row counts, a SHA-256 per file
 *   database.dump    PostgreSQL mode: pg_dump's custom format (-Fc --no-owner --no-acl)
 *   pglite.tar.gz    embedded mode: PGlite's data directory (dumpDataDir)
 *   auth-secret      embedded mode: the generated AUTH_SECRET, when the instance uses one
 *   attachments/     DATA_DIR/uploads as it was (`<project>/<uuid>`), unless S3 holds them
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";

import pg from "pg";

import { poolConfig } from "../lib/database-url.mjs";
import { parseEnv } from "../lib/env.mjs";
import { run } from "./run.mjs";

/** Bumped when a backup's layout changes in a way an older restore cannot read. */
export const FORMAT_VERSION = 1;
export const BACKUP_PREFIX = "specline-backup-";
export const MANIFEST = "manifest.json";
export const POSTGRES_DUMP = "database.dump";
export const PGLITE_DUMP = "pglite.tar.gz";
export const AUTH_SECRET_FILE = "auth-secret";
export const ATTACHMENTS = "attachments";

/** Counted at backup and compared after a restore: the tables that hold what people wrote. */
export const COUNTED_TABLES = [
  "User",
  "Project",
  "Requirement",
  "RequirementVersion",
  "Baseline",
  "TraceLink",
  "Issue",
  "Comment",
  "Attachment",
  "AuditEvent",
];

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** A failure with a message meant for the operator (printed without a stack). */
export class BackupError extends Error {}

/** The app's settings from the environment (lib/env.mjs), or a BackupError saying what is wrong. */
export function settings() {
  try {
    return parseEnv(process.env);
  } catch (err) {
    throw new BackupError(err.message);
  }
}

export const log = (msg) => console.log(`[specline] ${msg}`);

/**
 * Runs `main` and exits non-zero with a readable message when it fails:
 * BackupError's message alone, anything else with its stack.
 */
export async function runScript(name, main) {
  try {
    await main();
  } catch (err) {
    console.error(`[specline] ${name} failed: ${err instanceof BackupError ? err.message : (err?.stack ?? err)}`);
    process.exitCode = 1;
  }
}

/** A path the operator typed: relative to where they ran `npm run` (npm itself runs scripts from the root). */
export function operatorPath(p) {
  return path.resolve(process.env.INIT_CWD || process.cwd(), p);
}

/** DATA_DIR as the start script resolves it (relative to the repository root). */
export function dataDirOf(env) {
  return path.resolve(root, env.DATA_DIR);
}

/** `20260131T120000Z` */
export function utcStamp(date = new Date()) {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** The migrations this checkout ships (prisma/migrations/<name>/migration.sql). */
export async function shippedMigrations() {
  const dir = path.join(root, "prisma", "migrations");
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
}

// --- the database, through either client (pg.Client and PGlite both answer `query(sql) → { rows }`)

/** Migrations that finished and were not rolled back, oldest first. */
export async function appliedMigrations(db) {
  const { rows } = await db
    .query(
      `SELECT migration_name FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    )
    .catch((err) => {
      if (err.code !== "42P01") throw err;
      throw new BackupError("The database has no migration history: it is not a (migrated) Specline database.");
    });
  return rows.map((r) => r.migration_name);
}

/** Exact row counts of COUNTED_TABLES. */
export async function countRows(db) {
  const counts = {};
  for (const table of COUNTED_TABLES) {
    const { rows } = await db.query(`SELECT count(*)::text AS n FROM "${table}"`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

/** The tables of schema public (where the app's tables live). */
export async function publicTables(db) {
  const { rows } = await db.query(
    `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  return rows.map((r) => r.tablename);
}

// --- PostgreSQL servers and their client programs

/** A pg client for DATABASE_URL (the app's own parameters, such as connection_limit, removed). */
export function pgClient(databaseUrl) {
  return new pg.Client({ connectionString: poolConfig(databaseUrl).connectionString });
}

/** libpq's variables for this URL parameter, for the ones pg_dump and pg_restore understand. */
const LIBPQ_PARAMS = {
  host: "PGHOST",
  sslmode: "PGSSLMODE",
  sslrootcert: "PGSSLROOTCERT",
  sslcert: "PGSSLCERT",
  sslkey: "PGSSLKEY",
  sslcrl: "PGSSLCRL",
  channel_binding: "PGCHANNELBINDING",
  gssencmode: "PGGSSENCMODE",
  target_session_attrs: "PGTARGETSESSIONATTRS",
  connect_timeout: "PGCONNECT_TIMEOUT",
  application_name: "PGAPPNAME",
  options: "PGOPTIONS",
};

/**
 * The environment for pg_dump / pg_restore to reach DATABASE_URL: the
 * connection goes in libpq's variables, so the password is never on a
 * command line (visible to every user in `ps`) or in a log line, and
 * parameters libpq does not know (Prisma's `connection_limit`, `schema`…)
 * are left out rather than rejected.
 */
export function libpqEnv(databaseUrl) {
  const url = new URL(databaseUrl);
  const env = { ...process.env, PGDATABASE: decodeURIComponent(url.pathname.slice(1)) || "postgres" };
  if (url.hostname) env.PGHOST = decodeURIComponent(url.hostname.replace(/^\[|\]$/g, ""));
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  else delete env.PGPASSWORD;
  for (const [param, variable] of Object.entries(LIBPQ_PARAMS)) {
    const value = url.searchParams.get(param);
    if (value !== null) env[variable] = value;
  }
  return env;
}

/** The major version of a PostgreSQL client program (`pg_dump --version` → 15), or a BackupError saying how to get one. */
export async function toolMajor(bin, envVar) {
  let output;
  try {
    output = await run(bin, ["--version"], { quiet: true });
  } catch (err) {
    const missing = err.code === "ENOENT";
    throw new BackupError(
      `${missing ? `${bin} was not found` : `${bin} --version failed: ${err.message}`}. Install the PostgreSQL ` +
        `client programs (Debian: postgresql-client) or set ${envVar} to the path of ${envVar.toLowerCase()}.`,
    );
  }
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(output);
  if (!match) throw new BackupError(`Could not read the version of ${bin} from: ${output.trim()}`);
  return { major: Number(match[1]), version: output.trim().split(/\s+/)[2] ?? match[1] };
}

/** The server's version: `{ major: 15, version: "15.20" }`. */
export async function serverVersion(db) {
  const { rows } = await db.query("SELECT current_setting('server_version_num')::int AS num, version() AS text");
  const num = Number(rows[0].num);
  return { major: Math.floor(num / 10_000), version: /PostgreSQL\s+(\S+)/.exec(rows[0].text)?.[1] ?? String(num) };
}

// --- the embedded database

/**
 * Whether a PGlite data directory is open (PGlite writes `postmaster.pid`
 * when it opens one and removes it when it closes). PGlite does not refuse a
 * second opener, and two processes writing one directory corrupt it, so a
 * backup or restore must not go near a directory the app holds.
 */
export function pgliteOpen(dir) {
  return existsSync(path.join(dir, "postmaster.pid"));
}

export function stopTheAppFirst(dir) {
  return new BackupError(
    `The embedded database in ${dir} is in use (postmaster.pid): stop the app first (Ctrl-C on npm start or ` +
      "npm run dev, or stop its service). If the app is not running, its last run ended without closing the " +
      "database: start it once and stop it again, then retry.",
  );
}

// --- files

export async function sha256File(file) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}

/** Copies `from` to a new file `to` (never overwriting one), hashing the bytes as they pass. */
export async function copyHashed(from, to) {
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    await pipeline(
      createReadStream(from),
      async function* (source) {
        for await (const chunk of source) {
          hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(to, { flags: "wx", mode: 0o600 }),
    );
  } catch (err) {
    // A half-written copy would look like a different file to the next run; one that was there is not ours.
    if (err.code !== "EEXIST") await rm(to, { force: true });
    throw err;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Every file under `dir` as a `/`-separated relative path, sorted; [] when `dir` does not exist. */
export async function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  // Node before 20.12 calls the entry's folder `path`.
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .map((file) => path.relative(dir, file).split(path.sep).join("/"))
    .sort();
}

/** A manifest file path must stay inside its folder (a hand-edited manifest could say `../../x`). */
export function insideFolder(dir, relative) {
  const resolved = path.resolve(dir, relative);
  if (path.isAbsolute(relative) || !resolved.startsWith(dir + path.sep)) {
    throw new BackupError(`The manifest names a file outside the backup: ${relative}`);
  }
  return resolved;
}

/** The backup's manifest, checked for a format this version reads. */
export async function readManifest(dir) {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) throw new BackupError(`${dir} is not a backup: it has no ${MANIFEST}`);
  let manifest;
  try {
    manifest = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new BackupError(`${file} is not readable JSON: ${err.message}`);
  }
  if (manifest?.format !== FORMAT_VERSION) {
    throw new BackupError(
      `${file} has format ${JSON.stringify(manifest?.format)}; this version reads format ${FORMAT_VERSION}. ` +
        "Restore with the version that made the backup.",
    );
  }
  return manifest;
}
