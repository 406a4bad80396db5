/**
 * Time budgets on PostgreSQL: every session starts with the read budget, a
 * change's transaction and an export get theirs, a statement past its budget
 * answers SERVICE_UNAVAILABLE (never a 500), and a request that goes away
 * takes its expensive statement with it — no backend stays busy.
 *
 * A held table lock stands in for a slow statement: the procedure's
 * statement waits on it (active in pg_stat_activity) until it is cancelled
 * or the lock is released, so without cancellation the checks below fail.
 */
import { Prisma } from "@prisma/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { getEnv } from "@/lib/env.mjs";
import { db, queryRows, setLocalStatementTimeout } from "@/server/db";
import { isStatementCancelled, RETRY_AFTER_SECONDS, toAppError } from "@/server/errors";
import { handleErrors } from "@/server/http/route-helpers";
import { applyChange } from "@/server/services/change";
import { visibleIssuesSql, visibleIssuesWhere } from "@/server/services/issues/issue-access";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

const onPostgres = inject("dbMode") === "postgres";

/** Statements of other sessions running (or waiting) in this file's database. */
async function activeStatements(like: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(Prisma.sql`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND query ILIKE ${like}`);
  return row?.n ?? 0;
}

async function eventually(check: () => Promise<boolean>, ms = 3_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Holds an ACCESS EXCLUSIVE lock on `table` from a connection of its own until released. */
async function holdLock(table: string) {
  const locker = new pg.Client({ connectionString: getEnv().DATABASE_URL });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await locker.query("ROLLBACK");
    await locker.end();
  };
}

describe.skipIf(!onPostgres)("time budgets (PostgreSQL)", () => {
  let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
  let rootKey: string;
  let baselineId: string;

  beforeAll(async () => {
    cast = await createProjectWithCast();
    const maint = callerFor(cast.maintainer.id);
    const root = await maint.requirement.create({ projectKey: cast.key, title: "Root", statement: "Root." });
    const child = await maint.requirement.create({ projectKey: cast.key, title: "Child", statement: "Child." });
    await maint.traceLink.create({ projectKey: cast.key, from: child.key, to: root.key, type: "DERIVES_FROM" });
    rootKey = root.key;
    baselineId = (await maint.baseline.create({ projectKey: cast.key, name: "B1", note: "" })).id;
  });

  afterAll(async () => {
    // Nothing this file started may still be running.
    expect(await activeStatements("%")).toBe(0);
  });

  it("starts every session with the read budget and gives a change's transaction the write budget", async () => {
    const env = getEnv();
    const [session] = await queryRows<{ statement_timeout: string }>(Prisma.sql`SHOW statement_timeout`);
    expect(session?.statement_timeout).toBe(`${env.STATEMENT_TIMEOUT_MS / 1000}s`);
    const inChange = await applyChange({ userId: null, requestId: "budget" }, async (tx) => {
      const [row] = await tx.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
      return row?.statement_timeout;
    });
    expect(inChange).toBe(`${env.WRITE_STATEMENT_TIMEOUT_MS / 1000}s`);
    // SET LOCAL ends with the transaction: the pooled connection is back on the read budget.
    const [after] = await db.$queryRaw<{ statement_timeout: string }[]>`SHOW statement_timeout`;
    expect(after?.statement_timeout).toBe(`${env.STATEMENT_TIMEOUT_MS / 1000}s`);
  });

  it("stops a statement past its budget with SQLSTATE 57014, which maps to SERVICE_UNAVAILABLE", async () => {
    const viaPrisma = await db
      .$transaction(async (tx) => {
        await setLocalStatementTimeout(tx, 100);
        await tx.$queryRaw`SELECT pg_sleep(2)`;
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(isStatementCancelled(viaPrisma)).toBe(true);
    expect(toAppError(viaPrisma)?.code).toBe("SERVICE_UNAVAILABLE");

    const viaPool = await queryRows(Prisma.sql`SELECT pg_sleep(2)`, { timeoutMs: 100 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isStatementCancelled(viaPool)).toBe(true);
    // The export budget was local to its own transaction.
    const [session] = await queryRows<{ statement_timeout: string }>(Prisma.sql`SHOW statement_timeout`);
    expect(session?.statement_timeout).toBe(`${getEnv().STATEMENT_TIMEOUT_MS / 1000}s`);

    // Route handlers outside tRPC answer 503 with Retry-After.
    const response = await handleErrors(async () => {
      throw viaPool;
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("cancels a raw statement on the server when its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = queryRows(Prisma.sql`SELECT pg_sleep(30)`, { signal: controller.signal }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(await eventually(async () => (await activeStatements("%pg_sleep(30)%")) === 1)).toBe(true);
    controller.abort();
    expect(isStatementCancelled(await sleeping)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await eventually(async () => (await activeStatements("%pg_sleep(30)%")) === 0)).toBe(true);
  });

  it("closes the connection a cancel was sent for, so a late cancel cannot stop the next statement on it", async () => {
    const controller = new AbortController();
    const sleeping = queryRows(Prisma.sql`SELECT pg_sleep(31)`, { signal: controller.signal }).catch(() => null);
    expect(await eventually(async () => (await activeStatements("%pg_sleep(31)%")) === 1)).toBe(true);
    const [held] = await queryRows<{ pid: number }>(Prisma.sql`
      SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE '%pg_sleep(31)%'
        AND pid <> pg_backend_pid()`);
    controller.abort();
    await sleeping;
    const next = await Promise.all(
      Array.from({ length: 4 }, () => queryRows<{ pid: number }>(Prisma.sql`SELECT pg_backend_pid() AS pid`)),
    );
    expect(next.map(([row]) => row?.pid)).not.toContain(held?.pid);
  });

  // Each expensive procedure, blocked behind a lock on a table it reads, then abandoned by its client.
  const expensive: { name: string; table: string; call: (signal: AbortSignal) => Promise<unknown> }[] = [
    {
      name: "traceLink.impact",
      table: "TraceLink",
      call: (signal) => callerFor(cast.maintainer.id, { signal }).traceLink.impact({ key: rootKey }),
    },
    {
      name: "traceLink.coverage",
      table: "TraceLink",
      call: (signal) => callerFor(cast.maintainer.id, { signal }).traceLink.coverage({ projectKey: cast.key }),
    },
    {
      name: "traceLink.matrix",
      table: "TraceLink",
      call: (signal) =>
        callerFor(cast.maintainer.id, { signal }).traceLink.matrix({ projectKey: cast.key, format: "csv" }),
    },
    {
      name: "search.query",
      table: "Requirement",
      call: (signal) => callerFor(cast.maintainer.id, { signal }).search.query({ q: "root" }),
    },
    {
      name: "baseline.export",
      table: "RequirementVersion",
      call: (signal) =>
        callerFor(cast.maintainer.id, { signal }).baseline.export({
          projectKey: cast.key,
          id: baselineId,
          format: "json",
        }),
    },
    {
      name: "baseline.compare",
      table: "BaselineItem",
      call: (signal) =>
        callerFor(cast.maintainer.id, { signal }).baseline.compare({
          projectKey: cast.key,
          from: baselineId,
          to: "HEAD",
        }),
    },
  ];

  for (const { name, table, call } of expensive) {
    it(`${name}: an aborted request leaves no backend busy and answers SERVICE_UNAVAILABLE`, async () => {
      const release = await holdLock(table);
      try {
        const controller = new AbortController();
        const pending = call(controller.signal);
        pending.catch(() => undefined);
        // The procedure's statements are waiting on the lock.
        expect(
          await eventually(
            async () =>
              ((
                await queryRows<{ n: number }>(Prisma.sql`
                  SELECT count(*)::int AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock'`)
              )[0]?.n ?? 0) >= 1,
          ),
        ).toBe(true);
        const abortedAt = Date.now();
        controller.abort();
        await expectTRPCError(pending, "SERVICE_UNAVAILABLE");
        // Cancelled on abort, well before the read budget would have stopped it.
        expect(Date.now() - abortedAt).toBeLessThan(Math.min(2_000, getEnv().STATEMENT_TIMEOUT_MS / 2));
        expect(
          await eventually(async () => {
            const [row] = await queryRows<{ n: number }>(Prisma.sql`
              SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`);
            return row?.n === 0;
          }, 2_000),
        ).toBe(true);
      } finally {
        await release();
      }
    });
  }

  it("refuses to start an expensive read for a request already gone", async () => {
    const controller = new AbortController();
    controller.abort();
    await expectTRPCError(
      callerFor(cast.maintainer.id, { signal: controller.signal }).traceLink.impact({ key: rootKey }),
      "SERVICE_UNAVAILABLE",
    );
  });
});

describe("issue visibility in SQL", () => {
  it("selects the same issues as visibleIssuesWhere for every role", async () => {
    const cast = await createProjectWithCast();
    const project = await db.project.findUniqueOrThrow({ where: { key: cast.key }, select: { id: true } });
    const maint = callerFor(cast.maintainer.id);
    const reporter = callerFor(cast.reporter.id);
    await reporter.issue.create({ projectKey: cast.key, title: "Reported" });
    const assigned = await maint.issue.create({ projectKey: cast.key, title: "Assigned" });
    await maint.issue.assign({ key: assigned.key, expectedVersion: assigned.version, assigneeId: cast.reporter.id });
    await maint.issue.create({ projectKey: cast.key, title: "Someone else's" });
    for (const [userId, role] of [
      [cast.admin.id, "ADMIN"],
      [cast.maintainer.id, "MAINTAINER"],
      [cast.reporter.id, "REPORTER"],
    ] as const) {
      const scope = { projectId: project.id, userId, role };
      const viaPrisma = await db.issue.findMany({ where: visibleIssuesWhere(scope), select: { key: true } });
      const viaSql = await queryRows<{ key: string }>(
        Prisma.sql`SELECT i.key FROM "Issue" i WHERE ${visibleIssuesSql(scope, "i")}`,
      );
      expect(viaSql.map((i) => i.key).sort(), role).toEqual(viaPrisma.map((i) => i.key).sort());
      expect(viaSql.length, role).toBe(role === "REPORTER" ? 2 : 3);
    }
  });
});

describe("time budgets (both databases)", () => {
  it("maps a cancelled statement to SERVICE_UNAVAILABLE and a bug to nothing", () => {
    const cancelled = Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
    expect(toAppError(cancelled)?.code).toBe("SERVICE_UNAVAILABLE");
    expect(toAppError(new TypeError("x is undefined"))).toBeNull();
    // Prisma's own codes are not SQLSTATEs.
    expect(isStatementCancelled(Object.assign(new Error("P2010"), { code: "P2010" }))).toBe(false);
  });
});
