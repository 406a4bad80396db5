/**
 * How the app's own sessions talk to the database: the settings and the
 * prepared-statement path every request relies on.
 */
import { Prisma } from "@prisma/client";
import { describe, expect, inject, it } from "vitest";

import { db, queryRows } from "@/server/db";

const server = inject("dbMode") === "postgres";

describe("database sessions", () => {
  it.runIf(server)("run with JIT compilation off, for reads through Prisma and prepared reads alike", async () => {
    expect(await db.$queryRaw<{ jit: string }[]>`SHOW jit`).toEqual([{ jit: "off" }]);
    expect(await queryRows<{ jit: string }>(Prisma.sql`SHOW jit`)).toEqual([{ jit: "off" }]);
  });

  it("reads timestamps as UTC and numerics as strings through queryRows, many times on one statement", async () => {
    const at = new Date("2026-03-29T01:30:00.123Z");
    for (let i = 0; i < 8; i++) {
      const [row] = await queryRows<{ at: Date; n: string; i: number }>(
        Prisma.sql`SELECT ${at}::timestamp(3) AS at, ${i}::numeric(10, 2) AS n, ${i}::int AS i`,
      );
      expect(row).toEqual({ at, n: `${i}.00`, i });
    }
  });
});
