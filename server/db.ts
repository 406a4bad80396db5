/**
 * The Prisma client, over the pg driver adapter in both runtime modes
 * (embedded PGlite served on loopback, or a PostgreSQL server). Password
 * hashes are omitted from every query unless a caller opts in.
 *
 * `queryRows` sends a few hot, fixed-shape reads (the caller's role on every
 * project procedure, search) as named prepared statements on the same pg
 * pool the adapter uses: PostgreSQL plans each once per connection instead
 * of on every call, and the rows skip Prisma's result mapping.
 *
 * `withSessionLockOrSkip` keeps periodic work that every instance schedules
 * (the statistics run) to one instance at a time, with a session-level
 * advisory lock on a connection of the same pool.
 *
 * Time budgets (PostgreSQL; the embedded database cannot time out, so there
 * the bounds built into each query are the only protection):
 *   - every session starts with `statement_timeout` = STATEMENT_TIMEOUT_MS
 *     (reads);
 *   - a change's transaction (applyChange) raises it to
 *     WRITE_STATEMENT_TIMEOUT_MS;
 *   - exports and aggregation run in `withLongStatements`
 *     (LONG_STATEMENT_TIMEOUT_MS);
 *   - `queryRows(…, { signal })` cancels its statement on the server when
 *     the signal aborts (the request went away).
 * A statement past its budget fails with SQLSTATE 57014, which toAppError
 * maps to SERVICE_UNAVAILABLE.
 *
 * The pool guards the app against a database that goes away (a restart, a
 * failover, a network partition) — server/errors.ts maps each of these
 * failures to SERVICE_UNAVAILABLE:
 *   - waiting for a connection, pooled or new, is bounded
 *     (DATABASE_POOL_TIMEOUT_MS), so requests fail fast while the server is
 *     unreachable instead of queueing;
 *   - every query has a client-side timeout one second past its statement
 *     budget (`query_timeout`), for the case where the server cannot even
 *     cancel it (a partition); Prisma transactions end before the request
 *     budget (REQUEST_TIMEOUT_MS);
 *   - a connection that failed at the connection level or timed out on the
 *     client side is closed on release, never handed out again (pg-pool
 *     already drops connections whose socket closed while idle);
 *   - TCP keep-alive finds dead peers on idle connections.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";

import { PrismaPg } from "@prisma/adapter-pg";
import { type Prisma, PrismaClient } from "@prisma/client";
import pg from "pg";

import { allowsPreparedStatements, poolConfig } from "@/lib/database-url.mjs";
import { getEnv } from "@/lib/env.mjs";
import { isDatabaseUnavailable } from "@/server/errors";
import { log } from "@/server/observability/log";

/** How much longer than a statement's server-side budget the client waits for its answer. */
export const CLIENT_TIMEOUT_GRACE_MS = 1_000;

/** The statement budget of the long work running in this async context (withLongStatements, exports). */
const longWork = new AsyncLocalStorage<number>();

type Release = (err?: Error | boolean) => void;
type QueryFn = (...args: unknown[]) => unknown;

/**
 * A pg pool whose checked-out connections are closed and given up the
 * moment one of their queries fails at the connection level or times out on
 * the client side: never handed out again, and never left holding a place in
 * the pool by a holder that does not release it. Release becomes idempotent.
 * Inside long work, the queries of a checkout get that work's client-side
 * timeout instead of the pool's.
 */
type ConnectCallback = Parameters<pg.Pool["connect"]>[0] & {};

class GuardedPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    // The callback style is pg-pool's own (pool.query), which already closes a connection whose query failed.
    if (callback) {
      super.connect(callback);
      return undefined;
    }
    const longMs = longWork.getStore();
    return super.connect().then((client) => guardCheckout(client, longMs));
  }
}

const ROLLED_BACK = { command: "ROLLBACK", rowCount: null, rows: [], fields: [] };

function isRollback(config: unknown): boolean {
  const text = typeof config === "string" ? config : (config as { text?: unknown } | null)?.text;
  return typeof text === "string" && /^\s*ROLLBACK\s*;?\s*$/i.test(text);
}

function guardCheckout(client: pg.PoolClient, longMs: number | undefined): pg.PoolClient {
  const release = client.release as Release;
  const query = client.query as unknown as QueryFn;
  let released = false;
  const releaseOnce = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    delete (client as unknown as { query?: QueryFn }).query;
    release(err);
  };
  const note = (err: unknown) => {
    // A broken connection goes at once: its holder may never release it (Prisma does not when the
    // transaction's ROLLBACK fails on a dead socket), and it would hold a place in the pool forever.
    // Later queries on it fail as "not queryable", which maps to SERVICE_UNAVAILABLE too.
    if (isDatabaseUnavailable(err)) releaseOnce(err instanceof Error ? err : new Error(String(err)));
  };
  (client as unknown as { query: QueryFn }).query = function guardedQuery(this: unknown, ...args: unknown[]) {
    const [config] = args;
    // A config object (not a prepared Query instance) can carry its own client-side timeout.
    if (
      longMs &&
      config &&
      typeof config === "object" &&
      typeof (config as { submit?: unknown }).submit !== "function"
    ) {
      args[0] = { query_timeout: longMs + CLIENT_TIMEOUT_GRACE_MS, ...config };
    }
    const result = query.apply(this, args);
    if (!(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      note(err);
      // The server ends a transaction whose connection is gone: a ROLLBACK that cannot be sent has
      // nothing left to do. Answering it keeps Prisma's transaction bookkeeping on its normal path
      // (otherwise the failed ROLLBACK surfaces as an unhandled rejection).
      if (isRollback(config) && isDatabaseUnavailable(err)) return ROLLED_BACK;
      throw err;
    });
  };
  client.release = releaseOnce as typeof client.release;
  return client;
}

function createClient() {
  const env = getEnv();
  const url = env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (the start script sets it in embedded mode)");
  const base = poolConfig(url);
  // One connection (the embedded database) queues every query of the process behind the one running, and
  // cannot time out or be cancelled: there the wait is bounded by the request budget, and a client-side
  // timeout would only close the socket while the engine goes on.
  const single = base.max === 1;
  const config = {
    ...base,
    statement_timeout: env.STATEMENT_TIMEOUT_MS,
    // Client side: no query waits longer than the largest statement budget of a request, plus a grace.
    query_timeout: single ? undefined : env.WRITE_STATEMENT_TIMEOUT_MS + CLIENT_TIMEOUT_GRACE_MS,
    connectionTimeoutMillis: single ? env.REQUEST_TIMEOUT_MS - 1_000 : env.DATABASE_POOL_TIMEOUT_MS,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  };
  const pool = new GuardedPool(config);
  // An idle connection dropped by the server (a restart, a failover) must not take the process down;
  // the pool replaces it on the next query.
  pool.on("error", (err) => log.warn({ error: err.message }, "database: idle connection lost"));
  // $disconnect ends the pool too.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const client = new PrismaClient({ adapter, omit: { user: { passwordHash: true, totpSecret: true } } });
  return {
    client,
    pool,
    config,
    prepared: allowsPreparedStatements(url),
    // A second connection (to cancel a statement) only where the pool may open more than one: the
    // embedded database asks for one (its socket server interleaves connections) and cannot cancel.
    cancellable: !single,
  };
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

/**
 * The pool's connections right now, for the metrics: in use (checked out),
 * idle, the most it may open, and how many callers wait for one. Null before
 * the first query created the pool (a scrape never opens one).
 */
export function poolStats(): { inUse: number; idle: number; max: number; waiting: number } | null {
  const current = globalForDb.specline_db;
  if (!current || current.pool.ended) return null;
  const { pool, config } = current;
  return {
    inUse: pool.totalCount - pool.idleCount,
    idle: pool.idleCount,
    max: config.max,
    waiting: pool.waitingCount,
  };
}

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
 *
 * With `signal` (the request's), the statement runs on a connection of its
 * own and is cancelled with `pg_cancel_backend` when the signal aborts, so a
 * client that gives up on an expensive read does not leave a backend busy;
 * the promise then rejects with SQLSTATE 57014 like a timed-out statement.
 * `timeoutMs` gives the statement a budget other than the session's (exports
 * take LONG_STATEMENT_TIMEOUT_MS), in a read-only transaction of its own.
 */
export async function queryRows<T>(
  query: Prisma.Sql,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<T[]> {
  const { pool, prepared, cancellable, config } = instance();
  const text = query.text;
  const name = prepared ? `q_${createHash("sha1").update(text).digest("base64url").slice(0, 24)}` : undefined;
  const statement = { name, text, values: query.values, types };
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw cancelledError();
  if (!timeoutMs && (!signal || !cancellable)) return (await pool.query(statement)).rows as T[];

  // Long work's queries get its client-side timeout (see GuardedPool).
  const client = await (timeoutMs ? longWork.run(timeoutMs, () => pool.connect()) : pool.connect());
  // The backend's pid, from the server's BackendKeyData at connect (set by pg, missing from its types).
  const pid = (client as unknown as { processID?: number | null }).processID;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    void cancelBackend(config, pid);
  };
  if (cancellable) signal?.addEventListener("abort", onAbort, { once: true });
  let broken: Error | undefined;
  try {
    if (!timeoutMs) return (await client.query(statement)).rows as T[];
    await client.query("BEGIN READ ONLY");
    try {
      await client.query("SELECT set_config('statement_timeout', $1, true)", [String(timeoutMs)]);
      const { rows } = await client.query(statement);
      await client.query("COMMIT");
      return rows as T[];
    } catch (err) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw err;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // A connection whose transaction could not be ended is closed rather than reused, and so is one a cancel
    // was sent for: the cancel can land after the statement finished, on the next request's statement.
    client.release(broken ?? (aborted ? new Error("its statement was cancelled") : undefined));
  }
}

/** What a statement cancelled before it was sent fails with: the same SQLSTATE as one cancelled while running. */
function cancelledError() {
  return Object.assign(new Error("canceling statement due to user request"), { code: "57014" });
}

/**
 * Cancels the statement running on backend `pid`, over a connection outside
 * the pool (a pool full of slow statements must not delay the cancel).
 */
async function cancelBackend(config: pg.ClientConfig, pid: number | null | undefined) {
  if (!pid) return;
  const canceller = new pg.Client({ ...config, statement_timeout: 5_000 });
  try {
    await canceller.connect();
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } catch (err) {
    log.warn({ error: (err as Error).message }, "database: could not cancel an abandoned statement");
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

/**
 * Runs `work` in one transaction whose statements may take up to
 * LONG_STATEMENT_TIMEOUT_MS (exports, aggregation); the transaction also
 * gives the work one consistent snapshot.
 */
export async function withLongStatements<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const ms = getEnv().LONG_STATEMENT_TIMEOUT_MS;
  return longWork.run(ms, () =>
    db.$transaction(
      async (tx) => {
        await setLocalStatementTimeout(tx, ms);
        return work(tx);
      },
      { maxWait: transactionLimits().maxWait, timeout: ms + 5_000 },
    ),
  );
}

/**
 * Prisma's limits for an interactive transaction of a request: how long to
 * wait for its connection (the pool's bound, plus a margin so the pool's own
 * clearer error comes first) and how long it may stay open in all — ended
 * (rolled back) a second before the request budget, so a request never
 * outlives its transaction's hold on a connection.
 */
export function transactionLimits(): { maxWait: number; timeout: number } {
  const env = getEnv();
  return { maxWait: instance().config.connectionTimeoutMillis + 500, timeout: env.REQUEST_TIMEOUT_MS - 1_000 };
}

/**
 * Runs `work` only if this process can take the session-level advisory lock
 * `key`, so that of several instances doing the same periodic work at most
 * one does it at a time; the others get `{ ran: false }` at once instead of
 * waiting. The lock lives on one connection checked out of the pool for the
 * whole run (the work's own queries use other pooled connections) and is
 * released afterwards. If the process dies, its session ends and PostgreSQL
 * releases the lock with it.
 *
 * On a pool of one connection — the embedded database, where only one
 * instance can exist — the work runs without the lock: holding the only
 * connection would leave none for the work itself.
 */
export async function withSessionLockOrSkip<T>(
  key: number,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const { pool, config } = instance();
  if (config.max === 1) return { ran: true, value: await work() };

  const client = await pool.connect();
  let broken: Error | undefined;
  const ask = async (text: string): Promise<boolean> => {
    try {
      const { rows } = await client.query<{ ok: boolean }>(text, [key]);
      return rows[0]?.ok === true;
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  };
  try {
    if (!(await ask("SELECT pg_try_advisory_lock($1::bigint) AS ok"))) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      // A lock that could not be released must not stay with a pooled session (no instance would run the work
      // again): the connection is closed instead, which ends the session and releases the lock.
      const unlocked = await ask("SELECT pg_advisory_unlock($1::bigint) AS ok").catch(() => false);
      if (!unlocked) broken ??= new Error("its advisory lock could not be released");
    }
  } finally {
    client.release(broken);
  }
}

/** Sets `statement_timeout` for the rest of the transaction `tx`. */
export async function setLocalStatementTimeout(tx: Tx, ms: number) {
  await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(ms)}, true)`;
}
