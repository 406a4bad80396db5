/**
 * The Prisma client, over the pg driver adapter in both runtime modes
 * (embedded PGlite served on loopback, or a PostgreSQL server). Password
 * hashes are omitted from every query unless a caller opts in.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";

import { poolConfig } from "@/lib/database-url.mjs";
import { getEnv } from "@/lib/env.mjs";

function createClient() {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (the start script sets it in embedded mode)");
  const adapter = new PrismaPg(poolConfig(url));
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

export type Db = ReturnType<typeof createClient>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { specline_db?: Db };

function instance(): Db {
  globalForDb.specline_db ??= createClient();
  return globalForDb.specline_db;
}

/**
 * Created on first use, so that importing a module (during `next build`, or
 * before a test sets DATABASE_URL) never opens a connection.
 */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const client = instance();
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});
