/**
 * The shared compare-and-set against an in-memory row: the CONFLICT shape,
 * the order of the rules (stale version first, then "nothing changed") and
 * what the winning write stamps.
 */
import { describe, expect, it } from "vitest";

import { sameValue } from "@/lib/diff";
import { AppError } from "@/server/errors";
import { compareAndSet, conflictError, type VersionStamp } from "@/server/services/compare-and-set";

interface Row {
  id: string;
  key: string;
  version: number;
  updatedAt: Date;
  updatedById: string | null;
  title: string;
  tags: string[];
}

type Changes = Partial<Pick<Row, "title" | "tags">>;

const users = new Map([["u-ada", { id: "u-ada", name: "Ada Lovelace" }]]);

/** A one-row table with just enough of Prisma's surface: updateMany on (id, version), and user lookups. */
function table(initial: Row) {
  let row = { ...initial };
  const writes: { where: { id: string; version: number }; data: Changes & VersionStamp }[] = [];
  const tx = {
    user: {
      findUnique: async ({ where }: { where: { id: string } }) => users.get(where.id) ?? null,
    },
  } as never;
  return {
    tx,
    writes,
    get row() {
      return row;
    },
    /** Someone else's committed change. */
    bump(by: string | null, changes: Partial<Row> = {}) {
      row = {
        ...row,
        ...changes,
        version: row.version + 1,
        updatedById: by,
        updatedAt: new Date(row.updatedAt.getTime() + 1000),
      };
    },
    write(changes: Changes) {
      return async (where: { id: string; version: number }, stamp: VersionStamp) => {
        writes.push({ where, data: { ...changes, ...stamp } });
        if (where.id !== row.id || where.version !== row.version) return { count: 0 };
        row = {
          ...row,
          ...changes,
          version: row.version + 1,
          updatedAt: stamp.updatedAt,
          updatedById: stamp.updatedById,
        };
        return { count: 1 };
      };
    },
    reload: async () => ({ ...row }),
  };
}

const start: Row = {
  id: "r1",
  key: "PAY-12",
  version: 3,
  updatedAt: new Date("2026-12-01T10:00:00Z"),
  updatedById: "u-ada",
  title: "Card payments",
  tags: ["payments"],
};
const actor = { userId: "u-grace", requestId: "req-1" };
const fields = (r: Row) => ({ title: r.title, tags: r.tags });
const present = (r: Row) => ({ key: r.key, version: r.version, title: r.title });

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a CONFLICT");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("CONFLICT");
  return err as AppError;
}

describe("conflictError", () => {
  it("names the key, who changed it and the current version, with one details shape", () => {
    const err = conflictError(start, { id: "u-ada", name: "Ada Lovelace" }, { title: "Card payments" });
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toBe("PAY-12 was changed by Ada Lovelace (now at version 3)");
    expect(err.details).toEqual({
      currentVersion: 3,
      current: { title: "Card payments" },
      updatedBy: { id: "u-ada", name: "Ada Lovelace" },
      updatedAt: start.updatedAt,
    });
  });

  it("says someone else when nobody is known (system change, deleted user)", () => {
    const err = conflictError({ ...start, updatedById: null }, null, {});
    expect(err.message).toBe("PAY-12 was changed by someone else (now at version 3)");
    expect(err.details).toMatchObject({ updatedBy: null });
  });
});

describe("compareAndSet", () => {
  it("writes the changed fields with the version bump and the actor's stamp, on (id, expectedVersion)", async () => {
    const t = table(start);
    const result = await compareAndSet(t.tx, {
      actor,
      current: t.row,
      expectedVersion: 3,
      fields,
      next: { title: "Card and wallet payments", tags: ["payments"] },
      write: t.write({ title: "Card and wallet payments" }),
      reload: t.reload,
      present,
    });
    expect(result.changed).toBe(true);
    expect(result.row).toMatchObject({ version: 4, title: "Card and wallet payments", updatedById: "u-grace" });
    expect(t.writes).toHaveLength(1);
    expect(t.writes[0]!.where).toEqual({ id: "r1", version: 3 });
    expect(t.writes[0]!.data).toMatchObject({ version: { increment: 1 }, updatedById: "u-grace" });
    if (result.changed) expect(t.writes[0]!.data.updatedAt).toBe(result.at);
  });

  it("writes nothing and returns the row as it is when every versioned field stays the same", async () => {
    const t = table(start);
    const result = await compareAndSet(t.tx, {
      actor,
      current: t.row,
      expectedVersion: 3,
      fields,
      // Same values built differently: equality is by value, not identity or key order.
      next: { tags: ["payments"], title: "Card payments" },
      write: t.write({}),
      reload: t.reload,
      present,
    });
    expect(result).toEqual({ changed: false, row: start });
    expect(t.writes).toHaveLength(0);
  });

  it("refuses a stale expectedVersion with CONFLICT even when nothing would change, writing nothing", async () => {
    const t = table(start);
    const err = await rejection(
      compareAndSet(t.tx, {
        actor,
        current: t.row,
        expectedVersion: 2,
        fields,
        next: fields(start),
        write: t.write({}),
        reload: t.reload,
        present,
      }),
    );
    expect(err.message).toBe("PAY-12 was changed by Ada Lovelace (now at version 3)");
    expect(err.details).toEqual({
      currentVersion: 3,
      current: present(start),
      updatedBy: { id: "u-ada", name: "Ada Lovelace" },
      updatedAt: start.updatedAt,
    });
    expect(t.writes).toHaveLength(0);
  });

  it("reports the winner's state when another writer committed between the read and the write", async () => {
    const t = table(start);
    const read = t.row;
    t.bump("u-ada", { title: "Theirs" });
    const err = await rejection(
      compareAndSet(t.tx, {
        actor,
        current: read,
        expectedVersion: 3,
        fields,
        next: { title: "Mine", tags: ["payments"] },
        write: t.write({ title: "Mine" }),
        reload: t.reload,
        present,
      }),
    );
    expect(t.writes).toHaveLength(1);
    expect(t.row).toMatchObject({ version: 4, title: "Theirs" });
    expect(err.message).toBe("PAY-12 was changed by Ada Lovelace (now at version 4)");
    expect(err.details).toEqual({
      currentVersion: 4,
      current: { key: "PAY-12", version: 4, title: "Theirs" },
      updatedBy: { id: "u-ada", name: "Ada Lovelace" },
      updatedAt: t.row.updatedAt,
    });
  });

  it("names nobody when the current version has no known author", async () => {
    const t = table({ ...start, updatedById: "u-deleted" });
    const err = await rejection(
      compareAndSet(t.tx, {
        actor,
        current: t.row,
        expectedVersion: 1,
        fields,
        next: fields(start),
        write: t.write({}),
        reload: t.reload,
        present,
      }),
    );
    expect(err.details).toMatchObject({ updatedBy: null });
    expect(err.message).toBe("PAY-12 was changed by someone else (now at version 3)");
  });
});

describe("sameValue, the one no-op test", () => {
  it("ignores key order and undefined properties, not array order, and compares dates by instant", () => {
    expect(sameValue({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameValue(new Date("2026-12-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"))).toBe(true);
    expect(sameValue({ at: new Date("2026-12-01T00:00:00Z") }, { at: new Date("2026-12-02T00:00:00Z") })).toBe(false);
    expect(sameValue({ at: null }, { at: new Date(0) })).toBe(false);
    expect(sameValue(1, "1")).toBe(false);
  });
});
