/**
 * Embedded PostgreSQL for the zero-config mode: PGlite (PostgreSQL compiled to
 * WASM) with its data under .data/, served on loopback over the PostgreSQL
 * wire protocol so the app, migrations and tests use the same driver path as
 * a real server.
 */

import { mkdirSync } from "node:fs";
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
