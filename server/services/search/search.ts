/**
 * Full-text search over requirements and issues (the tsvector columns the
 * database keeps current, GIN-indexed), ranked, with highlighted snippets,
 * applying the same visibility as everywhere else: only projects the caller
 * belongs to (instance admins: all) and, for reporters, only issues they
 * reported or are assigned to. The query text never reaches SQL as code:
 * it is reduced to words and passed as a parameter.
 *
 * Ranking reads every candidate's search vector, so the candidates are
 * bounded: per project and kind, the CANDIDATES most recently updated
 * matches (plus an exact key match) are ranked. A query with fewer matches
 * is ranked exactly as a full ranking would; a very broad one ("sync", a
 * single letter) answers the best of the recent matches and says so
 * (`limited`), instead of reading most of the table for every keystroke.
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

/** Matches ranked per project and kind: the most recently updated ones (see the header). */
export const CANDIDATES = 500;

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
}): Promise<{ items: SearchHit[]; nextCursor: string | null; limited: boolean }> {
  const prefixQuery = toPrefixQuery(opts.input.q);
  if (!prefixQuery) return { items: [], nextCursor: null, limited: false };
  // Stemmed once, then passed as a value: the planner sees the real query (how many rows match decides
  // between the text index and the recency index) and no row re-parses it.
  const [parsed] = await db.$queryRaw<{ query: string }[]>`SELECT to_tsquery('english', ${prefixQuery})::text AS query`;
  const tsquery = parsed?.query ?? "";
  if (!tsquery) return { items: [], nextCursor: null, limited: false }; // only stop words
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
  const q = Prisma.sql`${tsquery}::tsquery`;

  // Per kind: the candidates' ids (narrow, so sorting thousands of matches stays cheap), then the
  // ranked hits, reading the vectors of the candidates only.
  const kindSql = (kind: "requirement" | "issue") => {
    const table = kind === "requirement" ? Prisma.sql`"Requirement"` : Prisma.sql`"Issue"`;
    const visible =
      kind === "issue"
        ? Prisma.sql`AND (s.role IN ('MAINTAINER', 'ADMIN') OR t."reporterId" = ${userId} OR t."assigneeId" = ${userId})`
        : Prisma.empty;
    return Prisma.sql`
      SELECT ${Prisma.raw(`'${kind}'`)} AS kind, t.id, t.key, c."projectKey", t.title, t.status::text AS status, c.overflow,
             round(ts_rank_cd(t."searchVector", ${q})::numeric, 6) + CASE WHEN t.key = ${exactKey} THEN 10 ELSE 0 END AS rank
      FROM (
        SELECT c.id, c."projectKey", c.n > ${CANDIDATES} AS overflow
        FROM scope s CROSS JOIN LATERAL (
          SELECT t.id, s.key AS "projectKey", row_number() OVER (ORDER BY t."updatedAt" DESC, t.id DESC) AS n
          FROM ${table} t
          WHERE t."projectId" = s.id AND t."searchVector" @@ ${q} ${visible}
          ORDER BY t."updatedAt" DESC, t.id DESC
          LIMIT ${CANDIDATES + 1}
        ) c
        UNION
        SELECT t.id, s.key, false
        FROM ${table} t JOIN scope s ON s.id = t."projectId"
        WHERE t.key = ${exactKey} AND t."searchVector" @@ ${q} ${visible}
      ) c
      JOIN ${table} t ON t.id = c.id`;
  };
  const parts: Prisma.Sql[] = [];
  if (kinds.has("requirement")) parts.push(kindSql("requirement"));
  if (kinds.has("issue")) parts.push(kindSql("issue"));
  const after = cursor
    ? Prisma.sql`AND (hits.rank < ${Number(cursor[0])} OR (hits.rank = ${Number(cursor[0])} AND hits.id > ${String(cursor[1])}))`
    : Prisma.empty;

  const rows = await db.$queryRaw<
    {
      kind: "requirement" | "issue";
      id: string;
      key: string;
      projectKey: string;
      title: string;
      status: string;
      rank: Prisma.Decimal;
      headline: string;
      limited: boolean;
    }[]
  >`
    WITH scope AS (${scope}),
         hits AS (${Prisma.join(parts, " UNION ALL ")}),
         page AS (
           SELECT hits.* FROM hits
           WHERE NOT hits.overflow ${after}
           ORDER BY hits.rank DESC, hits.id ASC
           LIMIT ${limit + 1}
         )
    -- Snippets are the expensive part: build them for the page only.
    SELECT page.kind, page.id, page.key, page."projectKey", page.title, page.status, page.rank,
           ts_headline('english', page.title || ' — ' || left(coalesce(r.statement, i.description, ''), 5000), ${q}, ${HEADLINE}) AS headline,
           EXISTS (SELECT 1 FROM hits WHERE hits.overflow) AS limited
    FROM page
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
    limited: rows[0]?.limited ?? false,
  };
}
