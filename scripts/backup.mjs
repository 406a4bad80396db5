#!/usr/bin/env node
/**
 * `npm run backup -- [--out <dir>]`: one folder with everything durable —
 * the database, the attachment files (unless an S3 bucket holds them) and,
 * for the embedded database, its generated AUTH_SECRET — plus a manifest
 * that `npm run restore` checks the restore against (scripts/backup-format.mjs
 * lists the files).
 *
 * - DATABASE_URL set: the system pg_dump (or PG_DUMP) in custom format,
 *   against a snapshot exported from a read-only transaction, so the
 *   manifest's migrations and row counts describe exactly what the dump
 *   holds. The app may keep running.
 * - Embedded: PGlite's own copy of its data directory (dumpDataDir). The
 *   directory is single-process, so the app must be stopped.
 *
 * The database is dumped first, then the attachments copied: files are
 * written once under new names, so every attachment row in the dump has its
 * file by then (a file without a row — an upload after the dump — is
 * harmless). The folder is assembled under a hidden temporary name and
 * renamed at the end: a backup that failed never looks complete.
 */
import { existsSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

import {
  ATTACHMENTS,
  AUTH_SECRET_FILE,
  appliedMigrations,
  BACKUP_PREFIX,
  BackupError,
  copyHashed,
  countRows,
  dataDirOf,
  FORMAT_VERSION,
  libpqEnv,
  listFiles,
  log,
  MANIFEST,
  operatorPath,
  PGLITE_DUMP,
  POSTGRES_DUMP,
  pgClient,
  pgliteOpen,
  root,
  runScript,
  serverVersion,
  settings,
  sha256File,
  stopTheAppFirst,
  toolMajor,
  utcStamp,
} from "./backup-format.mjs";
import { run } from "./run.mjs";

const USAGE = `Usage: npm run backup -- [--out <dir>]

Writes a folder specline-backup-<UTC time> into <dir> (default: DATA_DIR/backups)
holding the database, the attachment files and a manifest. See "Backups and
restore" in docs/deploy.md.`;

/** pg_dump of DATABASE_URL into `file`, consistent with the migrations and counts read beside it. */
async function dumpPostgres(databaseUrl, file) {
  const pgDump = process.env.PG_DUMP || "pg_dump";
  const tool = await toolMajor(pgDump, "PG_DUMP");
  const client = pgClient(databaseUrl);
  await client.connect().catch((err) => {
    throw new BackupError(`Cannot connect to DATABASE_URL: ${err.message}`);
  });
  try {
    const server = await serverVersion(client);
    if (tool.major < server.major) {
      throw new BackupError(
        `${pgDump} is version ${tool.version}, but the server runs PostgreSQL ${server.version}: pg_dump must be ` +
          `at least as new as the server. Install the PostgreSQL ${server.major} client programs (Debian: ` +
          `postgresql-client-${server.major}) and set PG_DUMP to its pg_dump, e.g. ` +
          `PG_DUMP=/usr/lib/postgresql/${server.major}/bin/pg_dump.`,
      );
    }
    // One snapshot for pg_dump and for the manifest's counts: the dump and the manifest agree even while the app
    // writes. The exporting transaction must stay open until pg_dump has started from it.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SET LOCAL idle_in_transaction_session_timeout = 0");
    const { rows } = await client.query("SELECT pg_export_snapshot() AS snapshot");
    const migrations = await appliedMigrations(client);
    const rowCounts = await countRows(client);
    log(`dumping the database with ${pgDump} ${tool.version} (PostgreSQL ${server.version})…`);
    await run(pgDump, ["--format=custom", "--no-owner", "--no-acl", `--snapshot=${rows[0].snapshot}`, "--file", file], {
      env: libpqEnv(databaseUrl),
      quiet: true,
    });
    await client.query("COMMIT");
    await chmod(file, 0o600);
    return {
      migrations,
      rowCounts,
      database: { file: POSTGRES_DUMP, format: "pg_dump custom", pgDump: tool.version, server: server.version },
    };
  } finally {
    await client.end().catch(() => {});
  }
}

/** PGlite's data directory as a gzipped tarball, with the migrations and counts read from the same session. */
async function dumpEmbedded(pgliteDir, file) {
  if (!existsSync(path.join(pgliteDir, "PG_VERSION"))) {
    throw new BackupError(
      `There is no embedded database in ${pgliteDir}. Set DATA_DIR to the instance's data folder, or DATABASE_URL ` +
        "to back up a PostgreSQL server.",
    );
  }
  if (pgliteOpen(pgliteDir)) throw stopTheAppFirst(pgliteDir);
  const { PGlite } = await import("@electric-sql/pglite");
  log(`dumping the embedded database in ${pgliteDir}…`);
  const db = await PGlite.create({ dataDir: pgliteDir });
  try {
    const migrations = await appliedMigrations(db);
    const rowCounts = await countRows(db);
    const server = await serverVersion(db);
    // Everything on disk first, so the copy needs no recovery when it is loaded.
    await db.query("CHECKPOINT");
    const tarball = await db.dumpDataDir("gzip");
    await writeFile(file, Buffer.from(await tarball.arrayBuffer()), { mode: 0o600 });
    return {
      migrations,
      rowCounts,
      database: { file: PGLITE_DUMP, format: "PGlite data directory", server: server.version },
    };
  } finally {
    await db.close();
  }
}

/** DATA_DIR/uploads into `target`, as it is laid out, with each file's size and SHA-256. */
async function copyUploads(uploads, target) {
  const files = [];
  for (const name of await listFiles(uploads)) {
    const to = path.join(target, ...name.split("/"));
    await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
    files.push({ path: name, ...(await copyHashed(path.join(uploads, ...name.split("/")), to)) });
  }
  return files;
}

/** `base`, or `base-2`, `base-3`… when a backup of the same second exists. */
function freeName(base) {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!existsSync(candidate)) return candidate;
  }
}

async function main() {
  const { values } = parseArgs({
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const env = settings();
  const dataDir = dataDirOf(env);
  const mode = env.DATABASE_URL ? "postgresql" : "embedded";
  const outDir = values.out ? operatorPath(values.out) : path.join(dataDir, "backups");
  await mkdir(outDir, { recursive: true, mode: 0o700 });

  const createdAt = new Date();
  const name = `${BACKUP_PREFIX}${utcStamp(createdAt)}`;
  // Same folder as the result, so the final rename cannot cross file systems. mkdtemp makes it 0700: the
  // backup holds password hashes and, in the embedded mode, the auth secret.
  const work = await mkdtemp(path.join(outDir, `.${name}.partial-`));
  try {
    const dumped =
      mode === "postgresql"
        ? await dumpPostgres(env.DATABASE_URL, path.join(work, POSTGRES_DUMP))
        : await dumpEmbedded(path.join(dataDir, "pglite"), path.join(work, PGLITE_DUMP));
    const dumpFile = path.join(work, dumped.database.file);
    const database = {
      ...dumped.database,
      bytes: (await stat(dumpFile)).size,
      sha256: await sha256File(dumpFile),
    };

    let attachments;
    if (env.S3_BUCKET) {
      attachments = {
        storage: "s3",
        bucket: env.S3_BUCKET,
        prefix: env.S3_PREFIX ?? "",
        note:
          `Attachment files are in the S3 bucket ${env.S3_BUCKET} and are not in this backup: back the bucket up ` +
          "with the provider's tools (versioning, replication or a copy), at least as often as the database.",
      };
      log(attachments.note);
    } else {
      log("copying attachments…");
      const files = await copyUploads(path.join(dataDir, "uploads"), path.join(work, ATTACHMENTS));
      attachments = {
        storage: "local",
        directory: ATTACHMENTS,
        count: files.length,
        bytes: files.reduce((sum, f) => sum + f.bytes, 0),
        files,
      };
    }

    let authSecret;
    const secretFile = path.join(dataDir, AUTH_SECRET_FILE);
    // The start script generates it into DATA_DIR when AUTH_SECRET is not set (the embedded mode only).
    if (mode === "embedded" && existsSync(secretFile)) {
      await copyFile(secretFile, path.join(work, AUTH_SECRET_FILE));
      authSecret = { file: AUTH_SECRET_FILE, sha256: await sha256File(secretFile) };
    } else {
      authSecret = {
        note:
          `AUTH_SECRET comes from the app's environment${mode === "embedded" ? ` (there is no ${secretFile})` : ""} ` +
          "and is not in this backup: keep it with your other secrets. " +
          "Restore with the same value, or everyone is signed out, emailed links stop working and two-factor " +
          "sign-in fails (authenticator secrets are encrypted under it; recovery codes still work).",
      };
    }

    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    const manifest = {
      format: FORMAT_VERSION,
      createdAt: createdAt.toISOString(),
      app: { name: pkg.name, version: pkg.version },
      mode,
      database,
      migrations: dumped.migrations,
      rowCounts: dumped.rowCounts,
      attachments,
      authSecret,
    };
    await writeFile(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

    const final = freeName(path.join(outDir, name));
    await rename(work, final);
    const files = attachments.storage === "local" ? `${attachments.count} attachment files` : "attachments in S3";
    log(
      `backup written to ${final}: ${mode} database (${database.bytes} bytes, ${dumped.migrations.length} ` +
        `migrations), ${files}, ${Object.entries(dumped.rowCounts)
          .map(([t, n]) => `${n} ${t}`)
          .join(", ")}`,
    );
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

await runScript("backup", main);
