/**
 * Upgrading an instance that has issues to issue history (migration
 * 20261218000000): the versions written before it are taken from the audit
 * log (which recorded every issue after each change), and an issue's current
 * state becomes its current version where the log no longer holds it. Runs
 * the real migration files in order on an in-memory embedded database.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";

const dir = path.join(import.meta.dirname, "../../prisma/migrations");
const UPGRADE = "20261218000000_issue_history";

const issueAfter = (fields: Record<string, unknown>) =>
  JSON.stringify({
    key: "UP-I-1",
    title: "Export loses the history",
    description: "Only the latest version.",
    severity: "HIGH",
    status: "OPEN",
    labels: ["export"],
    assignee: null,
    ...fields,
  });

describe(`upgrading to ${UPGRADE}`, () => {
  it("fills each issue's history from the audit log and its current state", async () => {
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names).toContain(UPGRADE);
    const db = new PGlite();
    try {
      for (const name of names) {
        if (name === UPGRADE) {
          await db.exec(`
            INSERT INTO "User" (id, email, name, role, "updatedAt") VALUES
              ('rosa', 'rosa@example.test', 'Rosa', 'USER', now()),
              ('milo', 'milo@example.test', 'Milo', 'USER', now());
            INSERT INTO "Project" (id, key, name, "updatedAt") VALUES ('p', 'UP', 'Upgrade', now());
            INSERT INTO "Issue" (id, "projectId", number, key, version, title, description, severity, status, labels,
                                 "reporterId", "assigneeId", "updatedById", "createdAt", "updatedAt")
              VALUES ('i1', 'p', 1, 'UP-I-1', 3, 'Export loses every version', 'Only the latest version.', 'HIGH',
                      'TRIAGED', '{export}', 'rosa', 'milo', 'milo', '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z'),
                     ('i2', 'p', 2, 'UP-I-2', 1, 'Quiet', '', 'LOW', 'OPEN', '{}', 'rosa', NULL, 'rosa',
                      '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z');
          `);
          await db.query(
            `INSERT INTO "AuditEvent" ("createdAt", "actorId", action, "entityType", "entityId", "projectId", after, "requestId")
             VALUES ('2026-01-01T00:00:00Z', 'rosa', 'issue.created', 'Issue', 'i1', 'p', $1, 'r1'),
                    ('2026-01-02T00:00:00Z', 'milo', 'issue.status_changed', 'Issue', 'i1', 'p', $2, 'r2'),
                    ('2026-01-02T00:00:00Z', NULL, 'issue.created', 'Issue', 'deleted-issue', 'p', $1, 'r3'),
                    ('2026-01-02T00:00:00Z', 'milo', 'issue.commented', 'Comment', 'c1', 'p', '{"body":"x"}', 'r4')`,
            [issueAfter({ version: 1 }), issueAfter({ version: 2, status: "TRIAGED" })],
          );
        }
        await db.exec(readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
      }
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT "issueId", version, title, status, labels, "assigneeId", "changeKind", "authorId", "createdAt"
         FROM "IssueVersion" ORDER BY "issueId", version`,
      );
      expect(rows).toEqual([
        {
          issueId: "i1",
          version: 1,
          title: "Export loses the history",
          status: "OPEN",
          labels: ["export"],
          assigneeId: null,
          changeKind: "created",
          authorId: "rosa",
          createdAt: new Date("2026-01-01T00:00:00Z"),
        },
        {
          issueId: "i1",
          version: 2,
          title: "Export loses the history",
          status: "TRIAGED",
          labels: ["export"],
          assigneeId: null,
          changeKind: "transitioned",
          authorId: "milo",
          createdAt: new Date("2026-01-02T00:00:00Z"),
        },
        {
          issueId: "i1",
          version: 3,
          title: "Export loses every version",
          status: "TRIAGED",
          labels: ["export"],
          assigneeId: "milo",
          changeKind: "recorded",
          authorId: "milo",
          createdAt: new Date("2026-01-03T00:00:00Z"),
        },
        {
          issueId: "i2",
          version: 1,
          title: "Quiet",
          status: "OPEN",
          labels: [],
          assigneeId: null,
          changeKind: "created",
          authorId: "rosa",
          createdAt: new Date("2026-01-04T00:00:00Z"),
        },
      ]);
    } finally {
      await db.close();
    }
  });
});
