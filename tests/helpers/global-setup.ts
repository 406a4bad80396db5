/**
 * Prepares one migrated template database per test run:
 * - TEST_DATABASE_URL or DATABASE_URL set: a real PostgreSQL server. A
 *   template database is created and migrated; each test file gets its own
 *   copy (tests/helpers/database-per-file.ts).
 * - otherwise: embedded PGlite. The migrated data directory is dumped once
 *   and every test file boots its own in-memory copy.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import type { TestProject } from "vitest/node";

import { startEmbeddedPostgres } from "../../scripts/embedded-postgres.mjs";
import { migrate } from "../../scripts/run.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    dbMode: "postgres" | "pglite";
    /** postgres mode: server URL (any database) and the template's name. */
    adminUrl: string;
    templateDb: string;
    /** pglite mode: path of the migrated data-directory dump. */
    pgliteDump: string;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (serverUrl) {
    const runId = `${Date.now().toString(36)}${process.pid}`;
    const templateDb = `specline_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${templateDb}"`);
    await admin.end();
    await migrate(withDatabase(serverUrl, templateDb));
    project.provide("dbMode", "postgres");
    project.provide("adminUrl", serverUrl);
    project.provide("templateDb", templateDb);
    project.provide("pgliteDump", "");
    return async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      const { rows } = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
        [`specline_t_${runId}_%`, templateDb],
      );
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      await c.end();
    };
  }

  const embedded = await startEmbeddedPostgres();
  await migrate(embedded.url);
  const dump = await embedded.db.dumpDataDir("none");
  await embedded.stop();
  const dir = await mkdtemp(path.join(os.tmpdir(), "specline-test-"));
  const dumpPath = path.join(dir, "template.tar");
  await writeFile(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide("dbMode", "pglite");
  project.provide("adminUrl", "");
  project.provide("templateDb", "");
  project.provide("pgliteDump", dumpPath);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
