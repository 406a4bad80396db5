/**
 * Full-text search over requirements and issues (the tsvector columns the
 * database keeps current), ranked, with highlighted snippets, applying the
 * same visibility as everywhere else: only projects the caller belongs to
 * (instance admins: all) and, for reporters, only issues they reported or
 * are assigned to. The query text never reaches SQL as code: it is reduced
 * to words and passed as a parameter.
 *
 * Every word matches as a prefix (search as you type). The words are found
 * through the prefix index (`specline_prefixes`, see its migration), which
 * answers a prefix with one exact lookup, so only matching rows are read.
 * Up to RANKED_MAX matches per kind are ranked, all of them: the answer is
 * exactly a full ranking. A broader query ("sync", a single letter) is
 * answered from the RECENT_WINDOW most recently updated items per project
 * and kind, best first, and says so (`limited`), instead of reading most of
 * the table for every keystroke. Typing an item's key finds it first either
 * way.
 */
import type { InstanceRole } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { z } from "zod";

import { id } from "@/lib/schemas/common";
import { type SearchQueryInput, toExactQuery, toPrefixQuery } from "@/lib/schemas/search";
import { rolesWith } from "@/server/auth/permissions";
import { projectRolesSql } from "@/server/auth/project-roles-sql";
import { queryRows } from "@/server/db";
import { decodeCursor, encodeCursor } from "@/server/services/pagination";

/** A page boundary: the (rank, id) of the last hit shown. */
const searchCursor = z.tuple([z.number().finite().min(0).max(1_000_000), id]);

// Control characters cannot occur in stored text (they would not survive the editor), so they mark highlights.
const START = "\u0002";
const STOP = "\u0003";
/**
 * The statement or description as a snippet shows it: Markdown's marks gone
 * (links keep their text; emphasis, code, heading, quote and list marks
 * dropped), so "**over 8 seconds**" reads "over 8 seconds". The title is
 * not in it: the result shows the title already.
 */
const MARKDOWN_LINK = String.raw`!?\[([^\]]*)\]\([^)]*\)`;
const MARKDOWN_LINE_MARK = String.raw`(^|\n)[ \t]{0,3}(#{1,6}|>|[-*+]|[0-9]+[.)])[ \t]+`;
const MARKDOWN_INLINE_MARK = "(\\*{1,3}|_{2,3}|`+|~~)";
const PLAIN_BODY = Prisma.sql`regexp_replace(regexp_replace(regexp_replace(
             left(coalesce(r.statement, i.description, ''), 5000),
             ${MARKDOWN_LINK}, ${String.raw`\1`}, 'g'),
             ${MARKDOWN_LINE_MARK}, ${String.raw`\1`}, 'g'),
             ${MARKDOWN_INLINE_MARK}, '', 'g')`;
/** The whole title, every match marked. */
const TITLE_HEADLINE = `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`;
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export interface SearchHit {
  kind: "requirement" | "issue";
  key: string;
  projectKey: string;
  title: string;
  status: string;
  rank: number;
  titleSnippet: { text: string; highlight: boolean }[];
  snippet: { text: string; highlight: boolean }[];
}

/** Matches per kind (across the caller's projects) that are all ranked; more make the query "broad". */
export const RANKED_MAX = 1000;
/** For a broad query: how many of the most recently updated items per project and kind are looked at. */
export const RECENT_WINDOW = 2000;

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

/** The planner's estimate above which a query is answered from the recent window without trying to rank every match. */
const BROAD_ESTIMATE = 8 * RANKED_MAX;

/**
 * Whether the words are expected to match far more than RANKED_MAX items of
 * each kind in scope, by the planner's own estimate (the statistics ANALYZE
 * keeps for the prefix index; about half a millisecond). It only saves work:
 * an underestimate is caught when the ranked set overflows, and an
 * overestimate still answers the best recent matches, marked `limited`.
 */
export async function estimateBroad(opts: {
  scope: Prisma.Sql;
  exactQuery: string;
  kinds: ReadonlySet<"requirement" | "issue">;
  signal?: AbortSignal;
}) {
  const count = (table: string) => Prisma.sql`
    (SELECT count(*) FROM ${Prisma.raw(`"${table}"`)} t WHERE t."projectId" IN (SELECT id FROM scope)
       AND specline_prefixes(t."searchVector") @@ to_tsquery('english', ${opts.exactQuery}))`;
  const tables = [
    ...(opts.kinds.has("requirement") ? ["Requirement"] : []),
    ...(opts.kinds.has("issue") ? ["Issue"] : []),
  ];
  const [row] = await queryRows<{ "QUERY PLAN": ExplainNode[] }>(
    Prisma.sql`
    EXPLAIN (FORMAT JSON) WITH scope AS (${opts.scope})
    SELECT ${Prisma.join(tables.map(count))}`,
    { signal: opts.signal },
  );
  const rows = { requirement: 0, issue: 0 };
  const visit = (node: ExplainNode) => {
    if (node["Relation Name"] === "Requirement") rows.requirement = Math.max(rows.requirement, node["Plan Rows"] ?? 0);
    if (node["Relation Name"] === "Issue") rows.issue = Math.max(rows.issue, node["Plan Rows"] ?? 0);
    node.Plans?.forEach(visit);
  };
  const root = row?.["QUERY PLAN"][0]?.Plan;
  if (root) visit(root);
  return { requirement: rows.requirement > BROAD_ESTIMATE, issue: rows.issue > BROAD_ESTIMATE };
}

interface ExplainNode {
  Plan?: ExplainNode;
  Plans?: ExplainNode[];
  "Relation Name"?: string;
  "Plan Rows"?: number;
}

export async function searchItems(opts: {
  user: { id: string; role: InstanceRole };
  projectId?: string;
  input: SearchQueryInput;
  /** The request's: cancels the search statement on the server when it aborts. */
  signal?: AbortSignal;
}): Promise<{ items: SearchHit[]; nextCursor: string | null; limited: boolean }> {
  const prefixQuery = toPrefixQuery(opts.input.q);
  const exactQuery = toExactQuery(opts.input.q);
  if (!prefixQuery || !exactQuery) return { items: [], nextCursor: null, limited: false };
  const { limit } = opts.input;
  const userId = opts.user.id;
  const kinds = new Set(opts.input.kinds);
  const cursor = decodeCursor(opts.input.cursor, searchCursor);
  // Typing a key finds exactly that item first.
  const exactKey = opts.input.q.trim().toUpperCase().slice(0, 30);

  const projectFilter = opts.projectId ? Prisma.sql`AND p.id = ${opts.projectId}` : Prisma.empty;
  // The projects the caller has a role in, with that role: the ones project.list pages through (member
  // projects, those open for reporting, every one for instance admins).
  const roles = projectRolesSql(opts.user);
  const scope = Prisma.sql`SELECT p.id, p.key, ${roles.role} AS role FROM ${roles.from} WHERE ${roles.hasRole} ${projectFilter}`;
  const broad = await estimateBroad({ scope, exactQuery, kinds, signal: opts.signal });
  // Stemmed once per statement (an InitPlan), never per row.
  const q = Prisma.sql`(SELECT prefix FROM words)`;
  const words = Prisma.sql`(SELECT exact FROM words)`;

  // Per kind, three sources of hits, each read once and ranked where it is read:
  //   m: every match, through the prefix index (the prefixes of a document's lexemes contain the
  //      exact words exactly when its lexemes match the prefix query), stopping after RANKED_MAX + 1;
  //      skipped when the planner expects far more matches than that;
  //   r: only for a broad query (expected, or m overflowed), the matches among each project's
  //      RECENT_WINDOW latest items;
  //   k: the item whose key was typed (a key is not a word: PAY-12's stem need not match what was typed).
  const kindSql = (kind: "requirement" | "issue") => {
    const table = kind === "requirement" ? Prisma.sql`"Requirement"` : Prisma.sql`"Issue"`;
    // m and k test the scope as arrays, not as a join: joined, the planner may repeat the index scan once
    // per project in scope (hundreds, for an instance admin).
    const inScope = Prisma.sql`t."projectId" = ANY(ARRAY(SELECT id FROM scope))`;
    // The issue visibility rule (issue-access.ts): roles holding issue:readAll see every issue of the
    // project, everyone else the ones they reported or are assigned to.
    const seeAll = Prisma.join(rolesWith("issue:readAll"));
    const visibleInScope =
      kind === "issue"
        ? Prisma.sql`AND (t."projectId" = ANY(ARRAY(SELECT id FROM scope WHERE role IN (${seeAll}))) OR t."reporterId" = ${userId} OR t."assigneeId" = ${userId})`
        : Prisma.empty;
    const visibleInProject =
      kind === "issue"
        ? Prisma.sql`AND (s.role IN (${seeAll}) OR t."reporterId" = ${userId} OR t."assigneeId" = ${userId})`
        : Prisma.empty;
    // Narrow rows: thousands of candidates are carried to the sort, the page's text is read at the end.
    const columns = Prisma.sql`${Prisma.raw(`'${kind}'`)} AS kind, t.id, t."projectId",
           round(ts_rank(t."searchVector", ${q})::numeric, 6) + CASE WHEN t.key = ${exactKey} THEN 10 ELSE 0 END AS rank`;
    const m = Prisma.raw(`m_${kind}`);
    const r = Prisma.raw(`r_${kind}`);
    const b = Prisma.raw(`b_${kind}`);
    return {
      ctes: Prisma.sql`
        ${m} AS MATERIALIZED (
          SELECT ${columns}
          FROM ${table} t
          WHERE ${broad[kind]}::boolean IS NOT TRUE AND specline_prefixes(t."searchVector") @@ ${words}
            AND ${inScope} ${visibleInScope}
          LIMIT ${RANKED_MAX + 1}
        ),
        ${b} AS MATERIALIZED (SELECT ${broad[kind]}::boolean OR (SELECT count(*) FROM ${m}) > ${RANKED_MAX} AS broad),
        ${r} AS MATERIALIZED (
          SELECT c.* FROM scope s CROSS JOIN LATERAL (
            SELECT ${columns}
            FROM (
              SELECT * FROM ${table} t WHERE t."projectId" = s.id ORDER BY t."updatedAt" DESC, t.id DESC LIMIT ${RECENT_WINDOW}
            ) t
            WHERE t."searchVector" @@ ${q} ${visibleInProject}
          ) c
          WHERE (SELECT broad FROM ${b})
        )`,
      hits: Prisma.sql`
        SELECT * FROM ${m} WHERE NOT (SELECT broad FROM ${b})
        UNION ALL
        SELECT * FROM ${r}
        UNION ALL
        SELECT ${columns}
        FROM ${table} t
        WHERE t.key = ${exactKey} AND ${inScope} ${visibleInScope}
          AND NOT EXISTS (SELECT 1 FROM ${m} WHERE ${m}.id = t.id AND NOT (SELECT broad FROM ${b}))
          AND NOT EXISTS (SELECT 1 FROM ${r} WHERE ${r}.id = t.id)`,
      broad: Prisma.sql`(SELECT broad FROM ${b})`,
    };
  };
  const parts = [
    ...(kinds.has("requirement") ? [kindSql("requirement")] : []),
    ...(kinds.has("issue") ? [kindSql("issue")] : []),
  ];
  const after = cursor
    ? Prisma.sql`WHERE hits.rank < ${cursor[0]} OR (hits.rank = ${cursor[0]} AND hits.id > ${cursor[1]})`
    : Prisma.empty;

  // A fixed shape per combination of kinds, scope and cursor: prepared once, planned generically. Every
  // branch has one sensible plan whatever the words (prefix index, recency index, key index).
  const rows = await queryRows<{
    kind: "requirement" | "issue";
    id: string;
    key: string;
    projectKey: string;
    title: string;
    status: string;
    rank: string;
    headline: string;
    titleHeadline: string;
    limited: boolean;
  }>(
    Prisma.sql`
    WITH scope AS (${scope}),
         words AS (SELECT to_tsquery('english', ${prefixQuery}) AS prefix, to_tsquery('english', ${exactQuery}) AS exact),
         ${Prisma.join(
           parts.map((p) => p.ctes),
           ",",
         )},
         hits AS (${Prisma.join(
           parts.map((p) => p.hits),
           " UNION ALL ",
         )}),
         page AS (
           SELECT hits.* FROM hits ${after}
           ORDER BY hits.rank DESC, hits.id ASC
           LIMIT ${limit + 1}
         )
    -- Snippets are the expensive part: build them for the page only.
    SELECT page.kind, page.id, coalesce(r.key, i.key) AS key, p.key AS "projectKey", coalesce(r.title, i.title) AS title,
           coalesce(r.status::text, i.status::text) AS status, page.rank,
           ts_headline('english', ${PLAIN_BODY}, ${q}, ${HEADLINE}) AS headline,
           ts_headline('english', coalesce(r.title, i.title), ${q}, ${TITLE_HEADLINE}) AS "titleHeadline",
           ${Prisma.join(
             parts.map((p) => p.broad),
             " OR ",
           )} AS limited
    FROM page
    JOIN "Project" p ON p.id = page."projectId"
    LEFT JOIN "Requirement" r ON page.kind = 'requirement' AND r.id = page.id
    LEFT JOIN "Issue" i ON page.kind = 'issue' AND i.id = page.id
    ORDER BY page.rank DESC, page.id ASC`,
    { signal: opts.signal },
  );

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
      titleSnippet: segments(r.titleHeadline),
      snippet: segments(r.headline),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([Number(last.rank), last.id]) : null,
    // Without a page there is no row to carry the flag; an empty answer is not "limited" either way.
    limited: rows[0]?.limited ?? false,
  };
}
