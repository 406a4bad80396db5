/**
 * The migration runner (pg driver adapter) splits each migration on every
 * semicolon. A semicolon inside a comment, a quoted string or a $$ body
 * would cut a statement in half and break every fresh install.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

const dir = path.join(import.meta.dirname, "../../prisma/migrations");
const migrations = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe.each(migrations)("migration %s", (name) => {
  const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
  const pieces = sql.split(";");

  it("has no dollar-quoted bodies", () => {
    expect(sql).not.toContain("$$");
  });

  it("splits on semicolons into pieces with balanced quotes and no comment cut mid-way", () => {
    for (const piece of pieces) {
      const withoutComments = piece.replace(/--[^\n]*/g, "");
      expect((withoutComments.match(/'/g) ?? []).length % 2, piece).toBe(0);
      expect((withoutComments.match(/"/g) ?? []).length % 2, piece).toBe(0);
      const lastLine = piece.split("\n").pop() ?? "";
      expect(lastLine.trimStart().startsWith("--"), `a comment contains ';': ${lastLine}`).toBe(false);
    }
  });
});
