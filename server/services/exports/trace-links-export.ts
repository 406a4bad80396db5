/**
 * The traceability of a project as a spreadsheet can use it: one CSV row per trace link — the requirement,
 * the link, the issue or requirement it comes from, and whether it is suspect — instead of a grid of
 * requirements × issues that is mostly empty cells. Streamed a batch of links at a time in requirement
 * order; a reporter's file holds only links from issues they may see (the same rule as every issue read).
 */
import { Prisma } from "@prisma/client";

import type { ProjectScope } from "@/server/auth/project-scope";
import { queryRows } from "@/server/db";
import { toCsv } from "@/server/services/csv";
import { visibleIssuesSql } from "@/server/services/issues/issue-access";

/** Links written per batch. */
const BATCH = 5_000;
/**
 * Each query asks for one link more than a batch, which tells whether another batch follows without an
 * empty last read. A literal rather than a parameter: after five runs of a prepared statement PostgreSQL
 * may switch to a generic plan, and with `LIMIT $n` that plan expects a tenth of the rows and walks the
 * indexes, twice as slow as the hash join on 10,000 links.
 */
const LIMIT = Prisma.raw(String(BATCH + 1));

interface LinkRow {
  id: string;
  rNumber: number;
  rKey: string;
  rTitle: string;
  rStatus: string;
  rVersion: number;
  type: string;
  fromKey: string;
  fromTitle: string;
  fromStatus: string;
  suspect: boolean;
  suspectSince: Date | null;
  linkedVersion: number;
}

const HEADER = toCsv([
  [
    "Requirement",
    "Requirement title",
    "Requirement status",
    "Link",
    "From",
    "From title",
    "From status",
    "Suspect",
    "Suspect since",
    "Linked version",
    "Current version",
  ],
]);

function linkCells(l: LinkRow): string[] {
  return [
    l.rKey,
    l.rTitle,
    l.rStatus,
    l.type,
    l.fromKey,
    l.fromTitle,
    l.fromStatus,
    l.suspect ? "yes" : "no",
    l.suspectSince ? l.suspectSince.toISOString() : "",
    String(l.linkedVersion),
    String(l.rVersion),
  ];
}

export async function openTraceLinksExport({
  scope,
  types,
  suspectOnly,
  signal,
}: {
  scope: ProjectScope;
  types: readonly string[];
  suspectOnly: boolean;
  signal?: AbortSignal;
}) {
  const filters = [
    ...(types.length ? [Prisma.sql`l.type::text IN (${Prisma.join(types)})`] : []),
    ...(suspectOnly ? [Prisma.sql`l.suspect`] : []),
  ];

  /** The links after `after` in (requirement number, link id) order: a batch and the first link of the next. */
  function readBatch(after: { number: number; id: string } | null): Promise<LinkRow[]> {
    return queryRows<LinkRow>(
      Prisma.sql`
        SELECT l.id, r.number AS "rNumber", r.key AS "rKey", r.title AS "rTitle", r.status::text AS "rStatus",
               r.version AS "rVersion", l.type::text AS type,
               COALESCE(sr.key, i.key) AS "fromKey", COALESCE(sr.title, i.title) AS "fromTitle",
               COALESCE(sr.status::text, i.status::text) AS "fromStatus",
               l.suspect, l."suspectSince", l."linkedVersion"
        FROM "Requirement" r
        JOIN "TraceLink" l ON l."targetRequirementId" = r.id
        LEFT JOIN "Requirement" sr ON sr.id = l."sourceRequirementId"
        LEFT JOIN "Issue" i ON i.id = l."sourceIssueId"
        WHERE r."projectId" = ${scope.projectId}
          AND (l."sourceIssueId" IS NULL OR ${visibleIssuesSql(scope, "i")})
          ${filters.length ? Prisma.sql`AND ${Prisma.join(filters, " AND ")}` : Prisma.empty}
          ${after ? Prisma.sql`AND r.number >= ${after.number} AND (r.number, l.id) > (${after.number}, ${after.id})` : Prisma.empty}
        ORDER BY r.number, l.id
        LIMIT ${LIMIT}`,
      { signal },
    );
  }

  async function* chunks(): AsyncGenerator<string> {
    yield HEADER;
    let after: { number: number; id: string } | null = null;
    for (;;) {
      const rows = await readBatch(after);
      const batch = rows.length > BATCH ? rows.slice(0, BATCH) : rows;
      if (batch.length > 0) yield toCsv(batch.map(linkCells));
      const last = batch[batch.length - 1];
      if (rows.length <= BATCH || !last) return;
      after = { number: last.rNumber, id: last.id };
    }
  }

  return {
    filename: `${scope.projectKey}-trace-links${suspectOnly ? "-suspect" : ""}.csv`,
    contentType: "text/csv; charset=utf-8" as const,
    chunks: chunks(),
  };
}
