/** PostgreSQL helpers for the benchmark: a throwaway database per run. */
import pg from "pg";

export const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** `adminUrl` with its database replaced by `name`. */
export function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function createDatabase(adminUrl, name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
}

export function dropDatabase(adminUrl, name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function serverVersion(url) {
  return withClient(url, async (c) => (await c.query("SHOW server_version")).rows[0].server_version);
}

/**
 * CPU time (ms) of every PostgreSQL backend connected to the client's
 * database, except the client's own: pid → ms, read from /proc. Use one
 * dedicated pg.Client for all samples (so the asking backend is always the
 * one left out). Works when PostgreSQL runs on this machine and its /proc
 * entries are readable; otherwise returns null.
 */
export async function backendCpu(client, cpuTimeMs) {
  try {
    const { rows } = await client.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const cpu = new Map();
    for (const { pid } of rows) {
      const ms = cpuTimeMs(pid);
      if (ms !== null) cpu.set(pid, ms);
    }
    return rows.length && !cpu.size ? null : cpu;
  } catch {
    return null;
  }
}

/**
 * Database CPU used between two backendCpu() samples. Backends that appeared
 * in between count in full (mostly connection start-up); backends that ended
 * in between are lost, so this is a lower bound.
 */
export function backendCpuDelta(before, after) {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, now] of after) ms += Math.max(0, now - (before.get(pid) ?? 0));
  return ms;
}
