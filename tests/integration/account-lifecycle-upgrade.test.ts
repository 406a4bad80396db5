/**
 * Upgrading an instance that has accounts to the account lifecycle
 * (migration 20261208000000): the people already there count as verified
 * and are active, so requiring verification never locks them out. Runs the
 * real migration files in order on an in-memory embedded database, with a
 * user created just before the one under test.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";

const dir = path.join(import.meta.dirname, "../../prisma/migrations");
const UPGRADE = "20261208000000_account_lifecycle";

describe(`upgrading to ${UPGRADE}`, () => {
  it("counts existing accounts as verified and active, and new ones as unverified", async () => {
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names).toContain(UPGRADE);
    const db = new PGlite();
    try {
      for (const name of names) {
        if (name === UPGRADE) {
          await db.query(
            `INSERT INTO "User" (id, email, name, role, "createdAt", "updatedAt")
             VALUES ('before', 'before@example.test', 'Here Before', 'USER', '2026-01-02T03:04:05Z', now())`,
          );
        }
        await db.exec(readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
      }
      await db.query(
        `INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES ('after', 'after@example.test', 'New', 'USER', now())`,
      );
      const { rows } = await db.query<{ id: string; verified: Date | null; deactivated: Date | null }>(
        `SELECT id, "emailVerifiedAt" AS verified, "deactivatedAt" AS deactivated FROM "User" ORDER BY id`,
      );
      expect(rows).toEqual([
        { id: "after", verified: null, deactivated: null },
        { id: "before", verified: new Date("2026-01-02T03:04:05Z"), deactivated: null },
      ]);
    } finally {
      await db.close();
    }
  });
});
