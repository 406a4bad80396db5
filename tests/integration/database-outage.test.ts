/**
 * The pool and the error mapping when the database goes away: a connection
 * that broke is never handed out again, every query has a client-side
 * timeout (long work a longer one), waiting for a connection is bounded, an
 * unreachable server fails fast with SERVICE_UNAVAILABLE, and the request
 * budget ends whatever else a call waits on. The whole-server version of
 * this (PostgreSQL restarted and stopped under load) is scripts/check-faults.mjs.
 *
 * The budgets here are small so that the file runs in seconds; each test
 * that changes the environment reconnects with it and restores it.
 */
import { createServer } from "node:net";

import { Prisma } from "@prisma/client";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

import { getEnv, resetEnvCache } from "@/lib/env.mjs";
import { createCallerFactory, createContextInner, createTRPCRouter, publicProcedure } from "@/server/api/trpc";
import { db, disconnectDb, queryRows, withLongStatements } from "@/server/db";
import { isDatabaseUnavailable, toAppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";

import { callerFor, createUser, expectTRPCError } from "../helpers/factories";

const onPostgres = inject("dbMode") === "postgres";

const SMALL_BUDGETS = {
  STATEMENT_TIMEOUT_MS: "1000",
  WRITE_STATEMENT_TIMEOUT_MS: "1000",
  REQUEST_TIMEOUT_MS: "3000",
  DATABASE_POOL_TIMEOUT_MS: "300",
  LONG_STATEMENT_TIMEOUT_MS: "4000",
};

const saved = new Map<string, string | undefined>();
/** Sets environment variables and reconnects so the pool is built with them. */
async function withEnv(vars: Record<string, string>) {
  for (const [name, value] of Object.entries(vars)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  resetEnvCache();
  await disconnectDb();
}

async function restoreEnv() {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
  resetEnvCache();
  await disconnectDb();
}

/** The pids of `n` connections checked out of the pool at the same time. */
async function pooledPids(n: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: n }, () =>
      applyChange({ userId: null, requestId: "pids" }, async (tx) => {
        const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)`;
        return row?.pid ?? 0;
      }),
    ),
  );
}

describe.skipIf(!onPostgres)("database outages (PostgreSQL)", () => {
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: getEnv().DATABASE_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
  });

  afterEach(restoreEnv);

  it("discards a connection that died inside a transaction and answers SERVICE_UNAVAILABLE", async () => {
    let killedPid = 0;
    const failure = await applyChange({ userId: null, requestId: "terminated" }, async (tx) => {
      const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      killedPid = row?.pid ?? 0;
      await admin.query("SELECT pg_terminate_backend($1)", [killedPid]);
      await tx.$queryRaw`SELECT 1`;
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(killedPid).toBeGreaterThan(0);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(toAppError(failure)).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      details: { reason: "database_unavailable" },
    });
    // The next requests are served, by other connections.
    expect(await db.user.count()).toBeGreaterThanOrEqual(0);
    expect(await pooledPids(5)).not.toContain(killedPid);
  });

  it("closes a connection whose query timed out on the client side instead of reusing it", async () => {
    await withEnv(SMALL_BUDGETS);
    // query_timeout = WRITE_STATEMENT_TIMEOUT_MS + 1 s = 2 s; the statement's own budget is lifted so only the client stops it.
    let stuckPid = 0;
    const started = Date.now();
    const failure = await applyChange({ userId: null, requestId: "stuck" }, async (tx) => {
      await tx.$executeRaw`SELECT set_config('statement_timeout', '0', true)`;
      const [row] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      stuckPid = row?.pid ?? 0;
      await tx.$queryRaw`SELECT true AS slept FROM pg_sleep(6)`;
    }).then(
      () => null,
      (err: unknown) => err,
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(3_000);
    expect(toAppError(failure)?.code).toBe("SERVICE_UNAVAILABLE");
    // The stuck backend is still sleeping; its connection must not serve anyone else.
    expect(await pooledPids(6)).not.toContain(stuckPid);
    await admin.query("SELECT pg_terminate_backend($1)", [stuckPid]);
  });

  it("gives long work its own, longer client-side timeout", async () => {
    await withEnv(SMALL_BUDGETS);
    // 2.5 s: past the request queries' 2 s client timeout, within long work's 4 s + 1 s.
    const slept = await withLongStatements(async (tx) => {
      const [row] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT true AS ok FROM pg_sleep(2.5)`;
      return row?.ok;
    });
    expect(slept).toBe(true);
    const [viaRows] = await queryRows<{ ok: boolean }>(Prisma.sql`SELECT true AS ok FROM pg_sleep(2.5)`, {
      timeoutMs: 4_000,
    });
    expect(viaRows?.ok).toBe(true);
    // Outside long work the same statement is cut off by the server's budget, then (lifted) by the client's.
    const plain = await db.$queryRaw`SELECT true AS slept FROM pg_sleep(2.5)`.then(
      () => null,
      (err: unknown) => err,
    );
    expect(toAppError(plain)?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("bounds the wait for a pooled connection", async () => {
    await withEnv({ ...SMALL_BUDGETS, DATABASE_URL: withLimit(getEnv().DATABASE_URL ?? "", 2) });
    const hold = () =>
      applyChange({ userId: null, requestId: "hold" }, async (tx) => {
        await tx.$queryRaw`SELECT true AS slept FROM pg_sleep(0.8)`;
      });
    const holders = [hold(), hold()];
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const failure = await db.user.count().then(
      () => null,
      (err: unknown) => err,
    );
    const waited = Date.now() - started;
    await Promise.all(holders);
    expect(toAppError(failure)).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(waited).toBeLessThan(700);
    // Once the holders are done, the pool serves again.
    expect(await db.user.count()).toBeGreaterThanOrEqual(0);
  });

  it("fails fast and typed while the server is unreachable, through the API", async () => {
    const user = await createUser();
    const closed = await closedPort();
    const url = new URL(getEnv().DATABASE_URL ?? "");
    url.port = String(closed);
    await withEnv({ DATABASE_URL: url.toString() });
    const started = Date.now();
    await expectTRPCError(callerFor(user.id).user.me(), "SERVICE_UNAVAILABLE");
    await expectTRPCError(
      callerFor(user.id).project.create({ key: "DOWN", name: "Down", description: "" }),
      "SERVICE_UNAVAILABLE",
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    // Back on the real server, the same caller is served without any restart.
    await restoreEnv();
    await expect(callerFor(user.id).user.me()).resolves.toMatchObject({ id: user.id });
  });
});

describe("request budget", () => {
  afterEach(restoreEnv);

  it("answers SERVICE_UNAVAILABLE when a call outlives REQUEST_TIMEOUT_MS and aborts its signal", async () => {
    await withEnv({
      ...SMALL_BUDGETS,
      STATEMENT_TIMEOUT_MS: "300",
      WRITE_STATEMENT_TIMEOUT_MS: "300",
      REQUEST_TIMEOUT_MS: "2300",
    });
    let seen: AbortSignal | undefined;
    const router = createTRPCRouter({
      slow: publicProcedure.query(async ({ ctx }) => {
        seen = ctx.signal;
        await new Promise((r) => setTimeout(r, 4_000));
        return "too late";
      }),
      quick: publicProcedure.query(() => "in time"),
    });
    const caller = createCallerFactory(router)(createContextInner({ userId: null }));
    expect(await caller.quick()).toBe("in time");
    const started = Date.now();
    const failure = await caller.slow().then(
      () => null,
      (err: unknown) => err as { code?: string; message?: string },
    );
    const took = Date.now() - started;
    expect(failure?.code).toBe("SERVICE_UNAVAILABLE");
    expect(failure?.message).toMatch(/longer than the server allows/);
    expect(took).toBeGreaterThanOrEqual(2_200);
    expect(took).toBeLessThan(3_200);
    expect(seen?.aborted).toBe(true);
  });

  it("refuses budgets that a statement's client-side timeout would not fit in", async () => {
    saved.set("REQUEST_TIMEOUT_MS", process.env.REQUEST_TIMEOUT_MS);
    process.env.REQUEST_TIMEOUT_MS = "5000";
    saved.set("WRITE_STATEMENT_TIMEOUT_MS", process.env.WRITE_STATEMENT_TIMEOUT_MS);
    process.env.WRITE_STATEMENT_TIMEOUT_MS = "4000";
    resetEnvCache();
    expect(() => getEnv()).toThrow(/REQUEST_TIMEOUT_MS must be at least WRITE_STATEMENT_TIMEOUT_MS \+ 2000/);
  });
});

function withLimit(databaseUrl: string, limit: number) {
  const url = new URL(databaseUrl);
  url.searchParams.set("connection_limit", String(limit));
  return url.toString();
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 1;
}
