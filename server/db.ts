/**
 * The Prisma client, over the pg driver adapter in both runtime modes
 * (embedded PGlite served on loopback, or a PostgreSQL server). Password
 * hashes are omitted from every query unless a caller opts in.
 *
 * `queryRows` sends a few hot, fixed-shape reads (the caller's role on every
 * project procedure, search) as named prepared statements on the same pg
 * pool the adapter uses: PostgreSQL plans each once per connection instead
 * of on every call, and the rows skip Prisma's result mapping.
 */
import { createHash } from "node:crypto";

import { PrismaPg } from "@prisma/adapter-pg";
import { type Prisma, PrismaClient } from "@prisma/client";
import pg from "pg";

import { allowsPreparedStatements, poolConfig } from "@/lib/database-url.mjs";
import { getEnv } from "@/lib/env.mjs";

function createClient() {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (the start script sets it in embedded mode)");
  const pool = new pg.Pool(poolConfig(url));
  // An idle connection dropped by the server (a restart, a failover) must not take the process down;
  // the pool replaces it on the next query.
  pool.on("error", (err) => console.error("[db] idle connection lost:", err.message));
  // $disconnect ends the pool too.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
  return { client, pool, prepared: allowsPreparedStatements(url) };
}

export type Db = ReturnType<typeof createClient>["client"];
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { specline_db?: ReturnType<typeof createClient> };

function instance() {
  globalForDb.specline_db ??= createClient();
  return globalForDb.specline_db;
}

/**
 * Created on first use, so that importing a module (during `next build`, or
 * before a test sets DATABASE_URL) never opens a connection.
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const { client } = instance();
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

/** Closes the client and its pool (tests and scripts that end); a later query opens new ones. */
export async function disconnectDb() {
  const current = globalForDb.specline_db;
  if (!current) return;
  globalForDb.specline_db = undefined;
  await current.client.$disconnect();
  if (!current.pool.ended) await current.pool.end();
}

const TIMESTAMP = 1114; // timestamp without time zone: Prisma stores UTC
const utcTimestamp = (s: string) => new Date(`${s.replace(" ", "T")}Z`);
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP && format !== "binary"
      ? utcTimestamp
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Rows of a read built with `Prisma.sql` (parameters stay parameters), sent
 * as a prepared statement named after its text (unnamed on the embedded
 * database, see poolConfig). Numeric columns arrive as
 * strings, timestamps as UTC dates. Not for writes: those belong in a
 * transaction with their audit and outbox rows.
 */
export async function queryRows<T>(query: Prisma.Sql): Promise<T[]> {
  const { pool, prepared } = instance();
  const text = query.text;
  const name = prepared ? `q_${createHash("sha1").update(text).digest("base64url").slice(0, 24)}` : undefined;
  const result = await pool.query({ name, text, values: query.values, types });
  return result.rows as T[];
}
