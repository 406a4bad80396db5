#!/usr/bin/env node
/**
 * `npm run restore -- <backup-dir> [--force]`: puts a backup made by
 * `npm run backup` back, with the app stopped, into the database this
 * environment names (DATABASE_URL, or the embedded one in DATA_DIR/pglite)
 * and DATA_DIR/uploads.
 *
 * Everything that can refuse is checked before anything is changed: the
 * manifest's format and migrations (none newer than this checkout's), the
 * SHA-256 of every file in the backup, an empty target (or --force), and
 * attachment files already present under the same name with other bytes.
 * Then the database is restored — pg_restore in one transaction, or PGlite
 * loading the tarball into a fresh directory — the attachment files copied
 * and checked again, and the restored row counts compared with the manifest.
 *
 * --force on PostgreSQL: pg_restore --clean --if-exists, in the same single
 * transaction — the backup's tables are dropped and re-created, tables it
 * does not have are left alone, and a failure leaves the database as it was.
 * --force on the embedded database: the existing DATA_DIR/pglite (and a
 * different auth-secret) are moved aside to `*.before-restore-<time>`.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

import {
  appliedMigrations,
  BackupError,
  copyHashed,
  countRows,
  dataDirOf,
  insideFolder,
  libpqEnv,
  log,
  operatorPath,
  PGLITE_DUMP,
  POSTGRES_DUMP,
  pgClient,
  pgliteOpen,
  publicTables,
  readManifest,
  runScript,
  serverVersion,
  settings,
  sha256File,
  shippedMigrations,
  stopTheAppFirst,
  toolMajor,
  utcStamp,
} from "./backup-format.mjs";
import { run } from "./run.mjs";

const USAGE = `Usage: npm run restore -- <backup-dir> [--force]

Restores a folder written by npm run backup into DATABASE_URL (or the embedded
database in DATA_DIR/pglite) and DATA_DIR/uploads. Stop the app first. The
target database must be empty unless --force is given. See "Backups and
restore" in docs/deploy.md.`;

/** The backup's migrations must all be known to this checkout; newer ones are applied by the next start. */
async function checkMigrations(manifest) {
  const shipped = new Set(await shippedMigrations());
  const unknown = (manifest.migrations ?? []).filter((m) => !shipped.has(m));
  if (unknown.length) {
    throw new BackupError(
      `The backup's database has migrations this version of Specline does not know (${unknown.join(", ")}): it ` +
        `was made by a newer version (${manifest.app?.version ?? "unknown"}). Restore with the version that made ` +
        "the backup.",
    );
  }
  return [...shipped].filter((m) => !manifest.migrations.includes(m));
}

/** Every file the manifest lists must have the bytes it had at backup time. */
async function checkBackupFiles(dir, manifest) {
  const expectSame = async (relative, sha256, what) => {
    const file = insideFolder(dir, relative);
    if (!existsSync(file)) throw new BackupError(`The backup is incomplete: ${what} ${relative} is missing.`);
    if ((await sha256File(file)) !== sha256) {
      throw new BackupError(`The backup is damaged: ${what} ${relative} does not match its SHA-256 in the manifest.`);
    }
  };
  await expectSame(manifest.database.file, manifest.database.sha256, "the database file");
  if (manifest.authSecret?.file) await expectSame(manifest.authSecret.file, manifest.authSecret.sha256, "the file");
  for (const f of attachmentFiles(manifest)) {
    await expectSame(path.posix.join(manifest.attachments.directory, f.path), f.sha256, "the attachment");
  }
}

const attachmentFiles = (manifest) => (manifest.attachments?.storage === "local" ? manifest.attachments.files : []);

/**
 * Attachment files to copy, and ones already in place with the same bytes. A
 * file of the same name with other bytes is refused: names are random, so it
 * is not the same attachment, and it is not ours to overwrite.
 */
async function planAttachments(manifest, uploads) {
  const copy = [];
  let present = 0;
  for (const f of attachmentFiles(manifest)) {
    const target = insideFolder(uploads, f.path);
    if (!existsSync(target)) copy.push(f);
    else if ((await sha256File(target)) === f.sha256) present++;
    else {
      throw new BackupError(
        `${target} exists with other bytes than the backup's file of the same name; move it away and run the ` +
          "restore again.",
      );
    }
  }
  return { copy, present };
}

function expectCounts(manifest, restored) {
  const differ = Object.entries(manifest.rowCounts).filter(([table, n]) => restored[table] !== n);
  if (differ.length) {
    throw new BackupError(
      `The restored database does not hold what the backup recorded: ${differ
        .map(([t, n]) => `${t} ${restored[t]} rows instead of ${n}`)
        .join(", ")}.`,
    );
  }
}

async function restorePostgres({ databaseUrl, backupDir, manifest, force, preflight }) {
  const pgRestore = process.env.PG_RESTORE || "pg_restore";
  const tool = await toolMajor(pgRestore, "PG_RESTORE");
  const dumpedWith = Number.parseInt(manifest.database.pgDump, 10);
  if (tool.major < dumpedWith) {
    throw new BackupError(
      `The backup was written by pg_dump ${manifest.database.pgDump}; ${pgRestore} ${tool.version} cannot read ` +
        `it. Install the PostgreSQL ${dumpedWith} client programs (or newer) and set PG_RESTORE to its pg_restore.`,
    );
  }
  const client = pgClient(databaseUrl);
  await client.connect().catch((err) => {
    throw new BackupError(`Cannot connect to DATABASE_URL: ${err.message}`);
  });
  try {
    const server = await serverVersion(client);
    if (server.major < Number.parseInt(manifest.database.server, 10)) {
      log(
        `warning: the backup comes from PostgreSQL ${manifest.database.server} and this server runs ` +
          `${server.version}; restoring into an older server may fail (nothing is changed if it does).`,
      );
    }
    const tables = await publicTables(client);
    if (tables.length && !force) {
      throw new BackupError(
        `The target database is not empty (${tables.length} tables in schema public, e.g. ${tables
          .slice(0, 3)
          .join(", ")}). Restore into an empty database (CREATE DATABASE …), or pass --force to replace the ` +
          "backup's tables in this one.",
      );
    }
    await preflight();
    if (tables.length) {
      log("--force: the backup's tables are dropped and re-created in the restore's transaction");
    }
    log(`restoring the database with ${pgRestore} ${tool.version}…`);
    const args = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"];
    if (tables.length) args.push("--clean", "--if-exists");
    const env = libpqEnv(databaseUrl);
    await run(pgRestore, [...args, "--dbname", env.PGDATABASE, insideFolder(backupDir, manifest.database.file)], {
      env,
      quiet: true,
    }).catch((err) => {
      throw new BackupError(`pg_restore failed; the database is unchanged.\n${err.message}`);
    });
    expectCounts(manifest, await countRows(client));
    return { migrations: await appliedMigrations(client) };
  } finally {
    await client.end().catch(() => {});
  }
}

async function restoreEmbedded({ dataDir, backupDir, manifest, force, preflight }) {
  const pgliteDir = path.join(dataDir, "pglite");
  const occupied = existsSync(pgliteDir) && readdirSync(pgliteDir).length > 0;
  if (occupied && pgliteOpen(pgliteDir)) throw stopTheAppFirst(pgliteDir);
  if (occupied && !force) {
    throw new BackupError(
      `${pgliteDir} already holds a database. Restore into an empty DATA_DIR, or pass --force to move the ` +
        "existing one aside (to pglite.before-restore-<time>).",
    );
  }
  await preflight();
  const stamp = utcStamp();
  let aside;
  if (occupied) {
    aside = path.join(dataDir, `pglite.before-restore-${stamp}`);
    await rename(pgliteDir, aside);
    log(`--force: the existing embedded database was moved to ${aside}`);
  }
  const { PGlite } = await import("@electric-sql/pglite");
  log(`loading the embedded database into ${pgliteDir}…`);
  try {
    await mkdir(pgliteDir, { recursive: true, mode: 0o700 });
    const tarball = await readFile(insideFolder(backupDir, manifest.database.file));
    const db = await PGlite.create({
      dataDir: pgliteDir,
      loadDataDir: new Blob([tarball], { type: "application/x-gzip" }),
    });
    try {
      expectCounts(manifest, await countRows(db));
      return { migrations: await appliedMigrations(db), aside };
    } finally {
      await db.close();
    }
  } catch (err) {
    // Leave the data folder as it was found.
    await rm(pgliteDir, { recursive: true, force: true });
    if (aside) await rename(aside, pgliteDir);
    throw err;
  }
}

/** The embedded instance's generated secret; one already there with another value is moved aside only with --force. */
async function planAuthSecret(manifest, backupDir, dataDir, force) {
  if (!manifest.authSecret?.file) return null;
  const target = path.join(dataDir, "auth-secret");
  const value = await readFile(insideFolder(backupDir, manifest.authSecret.file));
  if (!existsSync(target)) return { target, value, replace: false };
  if ((await readFile(target)).equals(value)) return null;
  if (!force) {
    throw new BackupError(
      `${target} holds another secret than the backup's. Restore into an empty DATA_DIR, or pass --force to ` +
        "move it aside.",
    );
  }
  return { target, value, replace: true };
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { force: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 1;
    return;
  }
  const env = settings();
  const force = Boolean(values.force);
  const backupDir = operatorPath(positionals[0]);
  const dataDir = dataDirOf(env);
  const uploads = path.join(dataDir, "uploads");
  const manifest = await readManifest(backupDir);
  const mode = env.DATABASE_URL ? "postgresql" : "embedded";
  if (manifest.mode !== mode) {
    throw new BackupError(
      manifest.mode === "embedded"
        ? "This is a backup of the embedded database: restore it without DATABASE_URL (into DATA_DIR/pglite)."
        : "This is a backup of a PostgreSQL database: set DATABASE_URL to the (empty) database to restore it into.",
    );
  }
  const expectedFile = mode === "postgresql" ? POSTGRES_DUMP : PGLITE_DUMP;
  if (manifest.database?.file !== expectedFile || !manifest.rowCounts || !Array.isArray(manifest.migrations)) {
    throw new BackupError(`${backupDir}/manifest.json does not describe a ${mode} database backup.`);
  }
  log(`restoring the backup of ${manifest.createdAt} (Specline ${manifest.app?.version}, ${mode})`);
  const pending = await checkMigrations(manifest);
  await checkBackupFiles(backupDir, manifest);

  let plan;
  let secret;
  // Run by each mode once its own target has been checked, before it changes anything.
  const preflight = async () => {
    plan = await planAttachments(manifest, uploads);
    secret = await planAuthSecret(manifest, backupDir, dataDir, force);
  };
  const restored =
    mode === "postgresql"
      ? await restorePostgres({ databaseUrl: env.DATABASE_URL, backupDir, manifest, force, preflight })
      : await restoreEmbedded({ dataDir, backupDir, manifest, force, preflight });

  for (const f of plan.copy) {
    const to = insideFolder(uploads, f.path);
    await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
    const copied = await copyHashed(
      insideFolder(backupDir, path.posix.join(manifest.attachments.directory, f.path)),
      to,
    );
    if (copied.sha256 !== f.sha256) {
      await rm(to, { force: true });
      throw new BackupError(`The copy of attachment ${f.path} does not match its SHA-256 (the database is restored).`);
    }
  }
  if (secret) {
    if (secret.replace) await rename(secret.target, `${secret.target}.before-restore-${utcStamp()}`);
    await writeFile(secret.target, secret.value, { mode: 0o600 });
  }

  const counts = Object.entries(manifest.rowCounts)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ");
  log(`restored: ${counts} (row counts match the backup)`);
  if (manifest.attachments?.storage === "local") {
    log(
      `attachments: ${plan.copy.length} files copied into ${uploads}` +
        `${plan.present ? `, ${plan.present} already there` : ""}; every SHA-256 matches the manifest`,
    );
  } else if (manifest.attachments?.note) {
    log(`attachments: ${manifest.attachments.note}`);
  }
  if (secret) log(`auth secret restored to ${secret.target}`);
  else if (manifest.authSecret?.note) log(`auth secret: ${manifest.authSecret.note}`);
  if (pending.length) log(`${pending.length} newer migrations will be applied when the app starts`);
  log(`${restored.migrations.length} migrations in the restored database; start the app (npm start)`);
}

await runScript("restore", main);
