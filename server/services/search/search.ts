/**
 * Full-text search over requirements and issues (the tsvector columns the
 * database keeps current, GIN-indexed), ranked, with highlighted snippets,
 * applying the same visibility as everywhere else: only projects the caller
 * belongs to (instance admins: all) and, for reporters, only issues they
 * reported or are assigned to. The query text never reaches SQL as code:
 * it is reduced to words and passed as a parameter.
 */
import type { InstanceRole } from "@prisma/client";
import { Prisma } from "@prisma/client";

import { type SearchQueryInput, toPrefixQuery } from "@/lib/schemas/search";
import { db } from "@/server/db";
import { decodeCursor, encodeCursor } from "@/server/services/pagination";

// Control characters cannot occur in stored text (they would not survive the editor), so they mark highlights.
const START = "\u0002";
const STOP = "\u0003";
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export interface SearchHit {
  kind: "requirement" | "issue";
  key: string;
  projectKey: string;
  title: string;
  status: string;
  rank: number;
  snippet: { text: string; highlight: boolean }[];
}

function segments(headline: string): SearchHit["snippet"] {
  const out: SearchHit["snippet"] = [];
  const re = new RegExp(`${START}([^${STOP}]*)${STOP}`, "g");
  let last = 0;
  for (const m of headline.matchAll(re)) {
    if (m.index > last) out.push({ text: headline.slice(last, m.index), highlight: false });
    out.push({ text: m[1] ?? "", highlight: true });
    last = m.index + m[0].length;
  }
  if (last < headline.length) out.push({ text: headline.slice(last), highlight: false });
  return out.filter((s) => s.text.length > 0);
}

export async function searchItems(opts: {
  user: { id: string; role: InstanceRole };
  projectId?: string;
  input: SearchQueryInput;
}): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const tsquery = toPrefixQuery(opts.input.q);
  if (!tsquery) return { items: [], nextCursor: null };
  const { limit } = opts.input;
  const isAdmin = opts.user.role === "ADMIN";
  const userId = opts.user.id;
  const kinds = new Set(opts.input.kinds);
  const cursor = decodeCursor(opts.input.cursor, 2);
  // Typing a key finds exactly that item first.
  const exactKey = opts.input.q.trim().toUpperCase().slice(0, 30);

  const projectFilter = opts.projectId ? Prisma.sql`AND p.id = ${opts.projectId}` : Prisma.empty;
  // Member projects (or all, for instance admins) with the caller's role in each.
  const scope = isAdmin
    ? Prisma.sql`SELECT p.id, p.key, 'ADMIN'::text AS role FROM "Project" p WHERE true ${projectFilter}`
    : Prisma.sql`SELECT p.id, p.key, m.role::text AS role FROM "Project" p JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = ${userId} WHERE true ${projectFilter}`;

  const parts: Prisma.Sql[] = [];
  if (kinds.has("requirement")) {
    parts.push(Prisma.sql`
      SELECT 'requirement' AS kind, r.id, r.key, s.key AS "projectKey", r.title, r.status::text AS status,
             round(ts_rank_cd(r."searchVector", q.query)::numeric, 6) + CASE WHEN r.key = ${exactKey} THEN 10 ELSE 0 END AS rank
      FROM "Requirement" r JOIN scope s ON s.id = r."projectId", q
      WHERE r."searchVector" @@ q.query`);
  }
  if (kinds.has("issue")) {
    parts.push(Prisma.sql`
      SELECT 'issue' AS kind, i.id, i.key, s.key AS "projectKey", i.title, i.status::text AS status,
             round(ts_rank_cd(i."searchVector", q.query)::numeric, 6) + CASE WHEN i.key = ${exactKey} THEN 10 ELSE 0 END AS rank
      FROM "Issue" i JOIN scope s ON s.id = i."projectId", q
      WHERE i."searchVector" @@ q.query
        AND (s.role IN ('MAINTAINER', 'ADMIN') OR i."reporterId" = ${userId} OR i."assigneeId" = ${userId})`);
  }
  const after = cursor
    ? Prisma.sql`WHERE (hits.rank < ${Number(cursor[0])} OR (hits.rank = ${Number(cursor[0])} AND hits.id > ${String(cursor[1])}))`
    : Prisma.empty;

  const rows = await db.$queryRaw<
    { kind: "requirement" | "issue"; id: string; key: string; projectKey: string; title: string; status: string; rank: Prisma.Decimal; headline: string }[]
  >`
    WITH scope AS (${scope}),
         q AS (SELECT to_tsquery('english', ${tsquery}) AS query),
         page AS (
           SELECT * FROM (${Prisma.join(parts, " UNION ALL ")}) hits
           ${after}
           ORDER BY hits.rank DESC, hits.id ASC
           LIMIT ${limit + 1}
         )
    -- Snippets are the expensive part: build them for the page only.
    SELECT page.*,
           ts_headline('english', page.title || ' — ' || left(coalesce(r.statement, i.description, ''), 5000), q.query, ${HEADLINE}) AS headline
    FROM page CROSS JOIN q
    LEFT JOIN "Requirement" r ON page.kind = 'requirement' AND r.id = page.id
    LEFT JOIN "Issue" i ON page.kind = 'issue' AND i.id = page.id
    ORDER BY page.rank DESC, page.id ASC`;

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      kind: r.kind,
      key: r.key,
      projectKey: r.projectKey,
      title: r.title,
      status: r.status,
      rank: Number(r.rank),
      snippet: segments(r.headline),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([Number(last.rank), last.id]) : null,
  };
}
