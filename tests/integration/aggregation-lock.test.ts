/**
 * The scheduled statistics run does its work on one instance at a time: on
 * PostgreSQL a run that finds the advisory lock held by another session is
 * skipped without writing anything, a later run does the work, and of two
 * runs at once exactly one does it. The embedded database (one connection,
 * one instance) runs without the lock and is never skipped.
 *
 * "Another instance" is a separate pg client on this file's database. To
 * make two runs overlap for certain, that client holds a SHARE lock on
 * "DailyStat": the run that takes the advisory lock waits on its first
 * upsert, still holding it, until the test lets go.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { db, withSessionLockOrSkip } from "@/server/db";
import {
  runScheduledAggregation,
  SCHEDULED_AGGREGATION_LOCK,
  scheduledDays,
} from "@/server/services/stats/aggregate-daily-stats";

import { callerFor, createUser, uniqueProjectKey } from "../helpers/factories";

const onPostgres = inject("dbMode") === "postgres";
const PROJECTS = 2;

beforeAll(async () => {
  const owner = await createUser();
  for (let i = 0; i < PROJECTS; i++) {
    const project = await callerFor(owner.id).project.create({
      key: uniqueProjectKey(),
      name: `Lock ${i}`,
      description: "",
    });
    await callerFor(owner.id).issue.create({ projectKey: project.key, title: "Counted", severity: "HIGH" });
  }
});

describe.skipIf(!onPostgres)("scheduled aggregation lock (PostgreSQL)", () => {
  const clients: pg.Client[] = [];

  /** A session of "another instance" on this file's database. */
  async function otherSession() {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    clients.push(client);
    return client;
  }

  /** Sessions holding the advisory lock `key` in this database (a bigint key shows as classid 0, objid key). */
  async function lockHolders(key: number): Promise<number> {
    const { rows } = await clients[0]!.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND classid = 0 AND objid = $1 AND objsubid = 1`,
      [key],
    );
    return rows[0]?.n ?? 0;
  }

  beforeAll(async () => {
    await db.dailyStat.deleteMany({});
    await otherSession();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  it("skips while another session holds the lock, writes nothing, and gives its connection back", async () => {
    const holder = await otherSession();
    await holder.query("SELECT pg_advisory_lock($1::bigint)", [SCHEDULED_AGGREGATION_LOCK]);
    try {
      // More runs than the pool has connections: a skipped run that kept its connection would exhaust it.
      for (let i = 0; i < 12; i++) await expect(runScheduledAggregation()).resolves.toEqual({ skipped: true });
      expect(await db.dailyStat.count()).toBe(0);
    } finally {
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [SCHEDULED_AGGREGATION_LOCK]);
    }
  });

  it("runs once the lock is free, and releases it afterwards", async () => {
    const result = await runScheduledAggregation();
    expect(result).toEqual({ skipped: false, projects: PROJECTS, days: scheduledDays() });
    expect(await db.dailyStat.count()).toBe(PROJECTS * 2);
    expect(await lockHolders(SCHEDULED_AGGREGATION_LOCK)).toBe(0);
  });

  it("of two runs at once exactly one does the work", async () => {
    await db.dailyStat.deleteMany({});
    const blocker = await otherSession();
    await blocker.query("BEGIN");
    await blocker.query(`LOCK TABLE "DailyStat" IN SHARE MODE`);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await blocker.query("COMMIT");
    };
    try {
      const runs = [runScheduledAggregation(), runScheduledAggregation()];
      // The winner waits on the table lock while holding the advisory lock, so the loser must come back
      // skipped before the table is free. Without the advisory lock both wait, and the timeout ends the wait.
      const first = await Promise.race([
        ...runs,
        new Promise<"both waiting">((resolve) => setTimeout(() => resolve("both waiting"), 5_000)),
      ]);
      expect(first).toEqual({ skipped: true });
      expect(await lockHolders(SCHEDULED_AGGREGATION_LOCK)).toBe(1);
      await release();
      const results = await Promise.all(runs);
      expect(results.filter((r) => r.skipped)).toHaveLength(1);
      expect(results.filter((r) => !r.skipped)).toEqual([
        { skipped: false, projects: PROJECTS, days: scheduledDays() },
      ]);
      expect(await db.dailyStat.count()).toBe(PROJECTS * 2);
      expect(await lockHolders(SCHEDULED_AGGREGATION_LOCK)).toBe(0);
    } finally {
      await release();
    }
  });

  it("releases the lock and its connection when the work fails", async () => {
    const key = SCHEDULED_AGGREGATION_LOCK + 1_000_000;
    for (let i = 0; i < 12; i++) {
      await expect(
        withSessionLockOrSkip(key, async () => {
          throw new Error("the work failed");
        }),
      ).rejects.toThrow("the work failed");
    }
    expect(await lockHolders(key)).toBe(0);
    await expect(withSessionLockOrSkip(key, async () => "done")).resolves.toEqual({ ran: true, value: "done" });
  });
});

describe.skipIf(onPostgres)("scheduled aggregation on the embedded database", () => {
  it("runs without the lock (one connection, one instance) and is never skipped", async () => {
    await db.dailyStat.deleteMany({});
    const results = await Promise.all([runScheduledAggregation(), runScheduledAggregation()]);
    for (const result of results) {
      expect(result).toEqual({ skipped: false, projects: PROJECTS, days: scheduledDays() });
    }
    expect(await db.dailyStat.count()).toBe(PROJECTS * 2);
  });
});
