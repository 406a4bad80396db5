/**
 * `npm run backup` and `npm run restore`, end to end: content made through
 * the services (a requirement with three versions, an issue with a comment
 * and a trace link, an attachment stored on local disk), backed up by the
 * script in a child process, restored into an empty database and an empty
 * DATA_DIR, then read back through the app and compared row for row and
 * byte for byte. On PostgreSQL the scripts use pg_dump / pg_restore and the
 * restore goes into a fresh CREATE DATABASE; on the embedded database the
 * app's PGlite data directory lives in a temporary DATA_DIR, as `npm start`
 * keeps it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { poolConfig } from "@/lib/database-url.mjs";
import { resetEnvCache } from "@/lib/env.mjs";
import { db, disconnectDb } from "@/server/db";
import { addAttachment, readAttachment } from "@/server/services/attachments/attachments";

import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.mjs";
import { callerFor, createProjectWithCast, projectScopeFor } from "../helpers/factories";

const mode = inject("dbMode");
const root = path.join(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(os.tmpdir(), "specline-backup-test-"));
const sourceDataDir = path.join(work, "source");
const NOTES = new TextEncoder().encode("# Restore drill\n\nEvery byte of this file must come back.\n");

type Embedded = Awaited<ReturnType<typeof startEmbeddedPostgres>>;
let sourceDb: Embedded | undefined;
let restoredDb: Embedded | undefined;
const createdDatabases: string[] = [];

// The app writes into the temporary DATA_DIR; in the embedded mode its database lives there too, on disk.
process.env.DATA_DIR = sourceDataDir;
if (mode === "pglite") {
  sourceDb = await startEmbeddedPostgres({
    dataDir: path.join(sourceDataDir, "pglite"),
    loadDataDir: new Blob([await readFile(inject("pgliteDump"))]),
  });
  process.env.DATABASE_URL = sourceDb.url;
}
const sourceUrl = process.env.DATABASE_URL!;
resetEnvCache();

/** Runs scripts/<name>.mjs as `npm run <name>` would, with this environment on top of the test's. */
function script(name: "backup" | "restore", args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", `${name}.mjs`), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: undefined, S3_BUCKET: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** A target for a restore: an empty database and an empty DATA_DIR. */
async function emptyTarget(label: string) {
  const dataDir = path.join(work, label);
  if (mode === "pglite") return { dataDir, env: { DATA_DIR: dataDir } };
  const name = `${new URL(sourceUrl).pathname.slice(1)}_${label.replace(/\W/g, "")}`.slice(0, 63);
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  createdDatabases.push(name);
  const url = new URL(sourceUrl);
  url.pathname = `/${name}`;
  return { dataDir, env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() } };
}

const sourceEnv = () => ({ DATA_DIR: sourceDataDir, DATABASE_URL: mode === "postgres" ? sourceUrl : undefined });

/** What a target holds, to show a refused restore changed nothing: every file under DATA_DIR, every table's rows. */
async function stateOf(target: { dataDir: string; env: { DATABASE_URL?: string } }) {
  const files: Record<string, string> = {};
  if (existsSync(target.dataDir)) {
    for (const entry of readdirSync(target.dataDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(target.dataDir, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
    }
  }
  const rows: Record<string, number> = {};
  if (target.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: poolConfig(target.env.DATABASE_URL).connectionString });
    await client.connect();
    const tables = await client.query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    for (const { t } of tables.rows) {
      rows[t] = Number((await client.query(`SELECT count(*) AS n FROM "${t}"`)).rows[0].n);
    }
    await client.end();
  }
  return { files, rows };
}

/** Everything the test wrote, as the app reads it. */
async function contentOf(requirementKey: string) {
  return {
    requirements: await db.requirement.findMany({ orderBy: { id: "asc" } }),
    versions: await db.requirementVersion.findMany({ orderBy: { id: "asc" } }),
    issues: await db.issue.findMany({ orderBy: { id: "asc" } }),
    comments: await db.comment.findMany({ orderBy: { id: "asc" } }),
    links: await db.traceLink.findMany({ orderBy: { id: "asc" } }),
    attachments: await db.attachment.findMany({ orderBy: { id: "asc" } }),
    audit: await db.auditEvent.count(),
    // …and through the API, as people read it.
    history: (await callerFor(cast.maintainer.id).requirement.history({ key: requirementKey })).items.map((v) => ({
      version: v.version,
      title: v.title,
      author: v.author?.id,
    })),
  };
}

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let requirementKey: string;
let attachmentId: string;
let source: Awaited<ReturnType<typeof contentOf>>;
let backupDir: string;
let manifest: {
  mode: string;
  migrations: string[];
  rowCounts: Record<string, number>;
  attachments: { storage: string; count: number; files: { path: string; sha256: string; bytes: number }[] };
  authSecret: { file?: string; note?: string };
};

beforeAll(async () => {
  cast = await createProjectWithCast();
  const maintainer = callerFor(cast.maintainer.id);
  const requirement = await maintainer.requirement.create({
    projectKey: cast.key,
    title: "Backups",
    statement: "Operators can back up the instance.",
  });
  requirementKey = requirement.key;
  await maintainer.requirement.update({
    key: requirementKey,
    expectedVersion: 1,
    statement: "Operators can back up and restore the instance.",
  });
  await maintainer.requirement.update({ key: requirementKey, expectedVersion: 2, title: "Backups", tags: ["ops"] });
  const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Restore drill" });
  await maintainer.issue.comments.add({ key: issue.key, body: "Restored on a spare machine." });
  await maintainer.traceLink.create({ projectKey: cast.key, from: issue.key, to: requirementKey, type: "VERIFIES" });
  const attachment = await addAttachment({
    scope: await projectScopeFor(cast.reporter.id, cast.key),
    input: { key: issue.key, filename: "notes.md", content: NOTES },
  });
  attachmentId = attachment.id;
  source = await contentOf(requirementKey);
  expect(source.versions.filter((v) => v.requirementId === source.requirements[0]?.id)).toHaveLength(3);

  await disconnectDb();
  if (sourceDb) {
    // As `npm start` keeps it when AUTH_SECRET is not set; the embedded backup carries it.
    writeFileSync(path.join(sourceDataDir, "auth-secret"), "generated-secret-generated-secret-0123456789");
    // The backup of the embedded database needs the app stopped.
    await sourceDb.stop();
    sourceDb = undefined;
  }

  const backup = await script("backup", ["--out", path.join(work, "backups")], sourceEnv());
  expect(backup.output).toContain("backup written to");
  expect(backup.code).toBe(0);
  const [name, ...others] = readdirSync(path.join(work, "backups"));
  expect(others).toEqual([]);
  expect(name).toMatch(/^specline-backup-\d{8}T\d{6}Z$/);
  backupDir = path.join(work, "backups", name!);
  manifest = JSON.parse(readFileSync(path.join(backupDir, "manifest.json"), "utf8"));
}, 60_000);

afterAll(async () => {
  await disconnectDb();
  await restoredDb?.stop();
  await sourceDb?.stop();
  if (createdDatabases.length) {
    const admin = new pg.Client({ connectionString: inject("adminUrl") });
    await admin.connect();
    for (const name of createdDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  await rm(work, { recursive: true, force: true });
});

describe("npm run backup", () => {
  it("writes the database, the attachment files and a manifest describing them", () => {
    expect(manifest.mode).toBe(mode === "postgres" ? "postgresql" : "embedded");
    expect(existsSync(path.join(backupDir, mode === "postgres" ? "database.dump" : "pglite.tar.gz"))).toBe(true);
    expect(manifest.migrations.length).toBeGreaterThan(10);
    expect(manifest.rowCounts).toMatchObject({
      Requirement: source.requirements.length,
      RequirementVersion: source.versions.length,
      Issue: source.issues.length,
      Attachment: 1,
      AuditEvent: source.audit,
    });
    const [row] = source.attachments;
    expect(manifest.attachments).toMatchObject({ storage: "local", count: 1 });
    expect(manifest.attachments.files).toEqual([
      { path: row!.storageKey, bytes: NOTES.byteLength, sha256: row!.sha256 },
    ]);
    expect(readFileSync(path.join(backupDir, "attachments", row!.storageKey))).toEqual(Buffer.from(NOTES));
    if (mode === "pglite") expect(manifest.authSecret).toMatchObject({ file: "auth-secret" });
    else expect(manifest.authSecret.note).toMatch(/AUTH_SECRET comes from the app's environment/);
  });

  it("records a note instead of copying files when attachments live in S3", async () => {
    const out = path.join(work, "backups-s3");
    const backup = await script("backup", ["--out", out], {
      ...sourceEnv(),
      S3_BUCKET: "specline-files",
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
    });
    expect(backup.code, backup.output).toBe(0);
    const [name] = readdirSync(out);
    const s3 = JSON.parse(readFileSync(path.join(out, name!, "manifest.json"), "utf8"));
    expect(s3.attachments).toMatchObject({ storage: "s3", bucket: "specline-files" });
    expect(s3.attachments.note).toMatch(/back the bucket up/);
    expect(existsSync(path.join(out, name!, "attachments"))).toBe(false);
  });

  it.runIf(mode === "pglite")("refuses while the app holds the embedded database, leaving no folder", async () => {
    const running = await startEmbeddedPostgres({ dataDir: path.join(sourceDataDir, "pglite") });
    try {
      const out = path.join(work, "backups-refused");
      const backup = await script("backup", ["--out", out], sourceEnv());
      expect(backup.code).not.toBe(0);
      expect(backup.output).toMatch(/stop the app first/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  it.runIf(mode === "postgres")(
    "names the pg_dump it needs when the one it finds is older than the server",
    async () => {
      const fake = path.join(work, "old-pg_dump");
      writeFileSync(fake, '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
      const out = path.join(work, "backups-old");
      const backup = await script("backup", ["--out", out], { ...sourceEnv(), PG_DUMP: fake });
      expect(backup.code).not.toBe(0);
      expect(backup.output).toMatch(/pg_dump must be at least as new as the server.*PG_DUMP=/s);
      expect(readdirSync(out)).toEqual([]);
    },
  );
});

describe("npm run restore", () => {
  it("brings back every requirement version, issue and attachment into an empty database", async () => {
    const target = await emptyTarget("restored");
    const restore = await script("restore", [backupDir], target.env);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toMatch(/row counts match the backup/);
    expect(restore.output).toMatch(/1 files copied/);

    // The app, pointed at the restored database and DATA_DIR, reads the same content and serves the same bytes.
    if (mode === "pglite") {
      restoredDb = await startEmbeddedPostgres({ dataDir: path.join(target.dataDir, "pglite") });
      process.env.DATABASE_URL = restoredDb.url;
    } else {
      process.env.DATABASE_URL = target.env.DATABASE_URL;
    }
    process.env.DATA_DIR = target.dataDir;
    resetEnvCache();
    try {
      expect(await contentOf(requirementKey)).toEqual(source);
      const file = await readAttachment({ userId: cast.maintainer.id, id: attachmentId, requestId: "backup-test" });
      expect(Buffer.from(file.bytes)).toEqual(Buffer.from(NOTES));
      if (mode === "pglite") {
        expect(readFileSync(path.join(target.dataDir, "auth-secret"), "utf8")).toBe(
          "generated-secret-generated-secret-0123456789",
        );
      }
    } finally {
      await disconnectDb();
      await restoredDb?.stop();
      restoredDb = undefined;
    }

    // Into the same, now non-empty, target: refused without --force, and nothing changes.
    const before = await stateOf(target);
    const refused = await script("restore", [backupDir], target.env);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(mode === "pglite" ? /already holds a database.*--force/s : /is not empty.*--force/s);
    expect(await stateOf(target)).toEqual(before);

    // With --force it goes ahead (the embedded database moved aside, PostgreSQL's tables replaced in one transaction).
    const forced = await script("restore", [backupDir, "--force"], target.env);
    expect(forced.code, forced.output).toBe(0);
    expect(forced.output).toMatch(/row counts match the backup/);
    if (mode === "pglite") {
      expect(readdirSync(target.dataDir).filter((f) => f.startsWith("pglite.before-restore-"))).toHaveLength(1);
    }
  });

  it("refuses a backup whose attachment file was changed, before touching the target", async () => {
    const tampered = path.join(work, "tampered");
    cpSync(backupDir, tampered, { recursive: true });
    const file = path.join(tampered, "attachments", manifest.attachments.files[0]!.path);
    const bytes = readFileSync(file);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(file, bytes);

    const target = await emptyTarget("tampered");
    const before = await stateOf(target);
    const restore = await script("restore", [tampered], target.env);
    expect(restore.code).not.toBe(0);
    expect(restore.output).toMatch(/does not match its SHA-256/);
    expect(await stateOf(target)).toEqual(before);
  });

  it("refuses a backup made with migrations this version does not have", async () => {
    const newer = path.join(work, "newer");
    cpSync(backupDir, newer, { recursive: true });
    writeFileSync(
      path.join(newer, "manifest.json"),
      JSON.stringify({ ...manifest, migrations: [...manifest.migrations, "20991231000000_from_a_newer_version"] }),
    );

    const target = await emptyTarget("newer");
    const before = await stateOf(target);
    const restore = await script("restore", [newer], target.env);
    expect(restore.code).not.toBe(0);
    expect(restore.output).toMatch(
      /20991231000000_from_a_newer_version.*Restore with the version that made the backup/s,
    );
    expect(await stateOf(target)).toEqual(before);
  });
});
