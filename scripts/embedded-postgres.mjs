/**
 * Embedded PostgreSQL for the zero-config mode: PGlite (PostgreSQL compiled to
 * WASM) with its data under .data/, served on loopback over the PostgreSQL
 * wire protocol so the app, migrations and tests use the same driver path as
 * a real server.
 */

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "./run.mjs";

/**
 * Starts PGlite on a loopback port. `dataDir` undefined keeps the database in
 * memory (tests); `loadDataDir` starts from a dump (a migrated template).
 * Returns the connection URL and a stop function.
 */
export async function startEmbeddedPostgres({ dataDir, port, loadDataDir } = {}) {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) });
  const listenPort = port ?? (await freePort());
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: listenPort,
    maxConnections: 64,
  });
  await server.start();
  return {
    db,
    // One connection per client process: the socket server interleaves the
    // protocol messages of concurrent connections (see poolConfig in server/db.ts).
    url: `postgresql://postgres@127.0.0.1:${listenPort}/postgres?sslmode=disable&connection_limit=1&prepared_statements=false`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * The zero-configuration mode, as `npm start` and the container run it with
 * no DATABASE_URL: everything durable under `dataDir` (created 0700) — the
 * database in `pglite/`, the auth secret generated once into `auth-secret`
 * (0600) unless AUTH_SECRET is given, attachments and mail beside them.
 * Sets DATA_DIR, DATABASE_URL and AUTH_SECRET in `env`; returns the
 * database's stop function.
 */
export async function startEmbeddedMode(dataDir, env = process.env) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  env.DATA_DIR = dataDir;
  if (!env.AUTH_SECRET) {
    const secretFile = path.join(dataDir, "auth-secret");
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
    env.AUTH_SECRET = readFileSync(secretFile, "utf8").trim();
  }
  const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite") });
  env.DATABASE_URL = database.url;
  return database;
}
