/** Traceability views: coverage numbers, downstream impact and the requirements × issues matrix. */
import { type IssueStatus, Prisma, type RequirementStatus, type TraceLinkType } from "@prisma/client";

import type { TraceLinkMatrixInput } from "@/lib/schemas/trace-link";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, queryRows } from "@/server/db";
import { AppError } from "@/server/errors";
import { toCsv } from "@/server/services/csv";
import { visibleIssuesSql, visibleIssuesWhere } from "@/server/services/issues/issue-access";

const APPROVED_OR_LATER = ["APPROVED", "IMPLEMENTED", "VERIFIED"] as const;
const ORPHAN_LIST_LIMIT = 50;

/**
 * Coverage of a project: of the approved (or later) requirements, how many
 * have a done IMPLEMENTS issue and a done VERIFIES issue; suspect links;
 * requirements and issues without any link.
 */
export async function coverage({ scope, signal }: { scope: ProjectScope; signal?: AbortSignal }) {
  const projectId = scope.projectId;
  const orphanRequirement = Prisma.sql`r."projectId" = ${projectId} AND r.status <> 'DEPRECATED'
    AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."targetRequirementId" = r.id)
    AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."sourceRequirementId" = r.id)`;
  const orphanIssue = Prisma.sql`${visibleIssuesSql(scope, "i")}
    AND NOT EXISTS (SELECT 1 FROM "TraceLink" l WHERE l."sourceIssueId" = i.id)`;
  type RequirementItem = { key: string; title: string; status: RequirementStatus };
  type IssueItem = { key: string; title: string; status: IssueStatus };
  // Two statements, both cancellable: the coverage counts, and the suspect and orphan numbers with the
  // first ORPHAN_LIST_LIMIT orphans of each kind.
  const [[counts], [orphans]] = await Promise.all([
    // One pass from the project's links to done issues (both ends of a link belong to its project),
    // grouped per requirement; the issue ids and statuses come from the (projectId, status, id) index.
    queryRows<{ approved: number; implemented: number; verified: number }>(
      Prisma.sql`
      SELECT count(*)::int AS approved,
             count(*) FILTER (WHERE d.implemented)::int AS implemented,
             count(*) FILTER (WHERE d.verified)::int AS verified
      FROM "Requirement" r
      LEFT JOIN (
        SELECT l."targetRequirementId" AS id,
               bool_or(l.type = 'IMPLEMENTS') AS implemented,
               bool_or(l.type = 'VERIFIES') AS verified
        FROM "TraceLink" l
        JOIN "Issue" i ON i.id = l."sourceIssueId"
        WHERE l."projectId" = ${projectId} AND i."projectId" = ${projectId}
          AND l.type IN ('IMPLEMENTS', 'VERIFIES') AND i.status = 'DONE'
        GROUP BY l."targetRequirementId"
      ) d ON d.id = r.id
      WHERE r."projectId" = ${projectId} AND r.status::text IN (${Prisma.join([...APPROVED_OR_LATER])})`,
      { signal },
    ),
    queryRows<{
      suspectLinks: number;
      orphanRequirementCount: number;
      orphanRequirements: RequirementItem[];
      orphanIssueCount: number;
      orphanIssues: IssueItem[];
    }>(
      Prisma.sql`
      SELECT
        (SELECT count(*)::int FROM "TraceLink" WHERE "projectId" = ${projectId} AND suspect) AS "suspectLinks",
        (SELECT count(*)::int FROM "Requirement" r WHERE ${orphanRequirement}) AS "orphanRequirementCount",
        (SELECT coalesce(json_agg(json_build_object('key', o.key, 'title', o.title, 'status', o.status) ORDER BY o.number), '[]')
           FROM (SELECT r.key, r.title, r.status, r.number FROM "Requirement" r WHERE ${orphanRequirement}
                 ORDER BY r.number LIMIT ${ORPHAN_LIST_LIMIT}) o) AS "orphanRequirements",
        (SELECT count(*)::int FROM "Issue" i WHERE ${orphanIssue}) AS "orphanIssueCount",
        (SELECT coalesce(json_agg(json_build_object('key', o.key, 'title', o.title, 'status', o.status) ORDER BY o.number), '[]')
           FROM (SELECT i.key, i.title, i.status, i.number FROM "Issue" i WHERE ${orphanIssue}
                 ORDER BY i.number LIMIT ${ORPHAN_LIST_LIMIT}) o) AS "orphanIssues"`,
      { signal },
    ),
  ]);
  // An aggregate without GROUP BY and a select of scalar subqueries each return exactly one row.
  const { approved: approvedCount, implemented, verified } = counts ?? { approved: 0, implemented: 0, verified: 0 };
  const o = orphans ?? {
    suspectLinks: 0,
    orphanRequirementCount: 0,
    orphanRequirements: [],
    orphanIssueCount: 0,
    orphanIssues: [],
  };
  const pct = (n: number) => (approvedCount === 0 ? null : Math.round((n / approvedCount) * 1000) / 10);
  return {
    approvedRequirements: approvedCount,
    implemented: { count: implemented, percent: pct(implemented) },
    verified: { count: verified, percent: pct(verified) },
    suspectLinks: o.suspectLinks,
    orphanRequirements: { count: o.orphanRequirementCount, items: o.orphanRequirements },
    orphanIssues: { count: o.orphanIssueCount, items: o.orphanIssues },
  };
}

/** Most requirements an impact answer lists (the root aside); the walk stops there and says `limited`. */
export const IMPACT_MAX_REQUIREMENTS = 2_000;
/** Deepest level the walk reaches (the root is depth 0). */
export const IMPACT_MAX_DEPTH = 100;
/** Most issues an impact answer lists, nearest first. */
export const IMPACT_MAX_ISSUES = 500;
/**
 * Most links one impact request reads, over all its statements: each level's
 * statement asks for no more than what is left, so a hub with thousands of
 * links into the frontier cannot make one statement long.
 */
export const IMPACT_MAX_LINKS = 20_000;
/** Keys in natural order (PAY-2 before PAY-10); one collator, since `localeCompare` with options builds one per call. */
const byKey = new Intl.Collator("en", { numeric: true }).compare;

/** Requirement ids per issue-link statement. */
const ISSUE_BATCH = 1_000;

export type ImpactLimits = {
  requirements: number;
  depth: number;
  issues: number;
  links: number;
};

const IMPACT_LIMITS: ImpactLimits = {
  requirements: IMPACT_MAX_REQUIREMENTS,
  depth: IMPACT_MAX_DEPTH,
  issues: IMPACT_MAX_ISSUES,
  links: IMPACT_MAX_LINKS,
};

/**
 * Requirements downstream of the root, breadth first: level by level, one
 * indexed statement per level (links whose target is in the frontier and
 * whose source is a requirement), each requirement visited once at its
 * shortest distance. Statements stay small and the event loop gets a turn
 * between levels, which matters on the embedded database, where a running
 * statement blocks the process and `statement_timeout` is not enforced.
 */
async function walkDownstream(rootId: string, limits: ImpactLimits, signal?: AbortSignal) {
  const depthOf = new Map<string, number>([[rootId, 0]]);
  const levels: string[][] = [[rootId]];
  let frontier = [rootId];
  let linksLeft = limits.links;
  let limited = false;
  for (let depth = 1; frontier.length > 0; depth++) {
    const rows = await queryRows<{ id: string }>(
      Prisma.sql`
      SELECT "sourceRequirementId" AS id
      FROM "TraceLink"
      WHERE "targetRequirementId" = ANY(${frontier}::text[]) AND "sourceRequirementId" IS NOT NULL
      LIMIT ${linksLeft + 1}`,
      { signal },
    );
    if (rows.length > linksLeft) {
      // Links were left unread: what was read still counts, but the answer may be incomplete.
      limited = true;
      rows.length = linksLeft;
    }
    linksLeft -= rows.length;
    const next: string[] = [];
    for (const { id } of rows) {
      if (depthOf.has(id)) continue;
      if (depth > limits.depth || depthOf.size - 1 >= limits.requirements) {
        limited = true;
        break;
      }
      depthOf.set(id, depth);
      next.push(id);
    }
    if (next.length > 0) levels.push(next);
    if (limited) break;
    frontier = next;
  }
  return { depthOf, levels, limited };
}

/**
 * Issues linked to the requirements reached, in batches of requirements
 * nearest level first: the issue links of a batch in one indexed statement,
 * then the issues among them the caller may see (`visibleIssuesWhere`). An
 * issue's depth is one more than its nearest requirement's, and `via` lists
 * the types of its links read.
 */
async function issuesDownstream(
  scope: ProjectScope,
  walk: { depthOf: Map<string, number>; levels: string[][] },
  limits: ImpactLimits,
  signal?: AbortSignal,
) {
  const issues = new Map<
    string,
    { key: string; title: string; status: IssueStatus; depth: number; via: TraceLinkType[] }
  >();
  const ids = walk.levels.flat();
  let linksLeft = limits.links;
  let limited = false;
  for (let from = 0; from < ids.length && !limited; from += ISSUE_BATCH) {
    const links = await queryRows<{ type: TraceLinkType; targetRequirementId: string; sourceIssueId: string }>(
      Prisma.sql`
      SELECT type::text AS type, "targetRequirementId", "sourceIssueId"
      FROM "TraceLink"
      WHERE "targetRequirementId" = ANY(${ids.slice(from, from + ISSUE_BATCH)}::text[]) AND "sourceIssueId" IS NOT NULL
      LIMIT ${linksLeft + 1}`,
      { signal },
    );
    if (links.length > linksLeft) {
      limited = true;
      links.length = linksLeft;
    }
    linksLeft -= links.length;
    if (links.length === 0) continue;
    const visible = await db.issue.findMany({
      where: { AND: [{ id: { in: [...new Set(links.map((l) => l.sourceIssueId))] } }, visibleIssuesWhere(scope)] },
      select: { id: true, key: true, title: true, status: true },
    });
    const byId = new Map(visible.map((i) => [i.id, i]));
    for (const l of links) {
      const issue = byId.get(l.sourceIssueId);
      if (!issue) continue;
      const depth = (walk.depthOf.get(l.targetRequirementId) ?? 0) + 1;
      const existing = issues.get(issue.id);
      if (!existing)
        issues.set(issue.id, { key: issue.key, title: issue.title, status: issue.status, depth, via: [l.type] });
      else {
        existing.depth = Math.min(existing.depth, depth);
        if (!existing.via.includes(l.type)) existing.via.push(l.type);
      }
    }
    // Batches go nearest level first, so once the list is full, later batches only hold farther issues.
    if (issues.size > limits.issues) limited = true;
  }
  const sorted = [...issues.values()].sort((a, b) => a.depth - b.depth || byKey(a.key, b.key));
  return { issues: sorted.slice(0, limits.issues), limited };
}

/**
 * Everything downstream of a requirement, transitively: requirements linked
 * to it (and to those, and so on), and the issues linked to any of them.
 * Diamonds appear once, at their shortest distance; cycles stop. The walk is
 * bounded (see the IMPACT_MAX_* caps); `limited` says a cap cut the answer.
 * `limits` is for tests; `signal` (the request's) cancels the statement running when it aborts.
 */
export async function impact({
  scope,
  input,
  limits = IMPACT_LIMITS,
  signal,
}: {
  scope: ProjectScope;
  input: { key: string };
  limits?: ImpactLimits;
  signal?: AbortSignal;
}) {
  const root = await db.requirement.findFirst({
    where: { projectId: scope.projectId, key: input.key },
    select: { id: true, key: true, title: true },
  });
  if (!root) throw new AppError("NOT_FOUND", `Requirement ${input.key} not found`);
  const walk = await walkDownstream(root.id, limits, signal);
  const [requirements, found] = await Promise.all([
    // Up to IMPACT_MAX_REQUIREMENTS ids: one array parameter rather than one parameter per id.
    queryRows<{ id: string; key: string; title: string; status: RequirementStatus }>(
      Prisma.sql`
      SELECT id, key, title, status::text AS status FROM "Requirement"
      WHERE id = ANY(${walk.levels.slice(1).flat()}::text[])`,
      { signal },
    ),
    issuesDownstream(scope, walk, limits, signal),
  ]);
  return {
    root: { key: root.key, title: root.title },
    requirements: requirements
      .map((r) => ({ key: r.key, title: r.title, status: r.status, depth: walk.depthOf.get(r.id) ?? 0 }))
      .sort((a, b) => a.depth - b.depth || byKey(a.key, b.key)),
    issues: found.issues,
    limited: walk.limited || found.limited,
  };
}

/** Most links the matrix reads, in requirement then issue order; the rest is left out and the answer says `limited`. */
export const MATRIX_MAX_LINKS = 10_000;
/** Most rows (requirements) and columns (issues) of the matrix on screen and in its CSV export. */
export const MATRIX_MAX_CELLS = {
  json: { requirements: 300, issues: 200 },
  csv: { requirements: 2_000, issues: 500 },
} as const;

/**
 * Requirements × issues with the link types between them (issues the caller
 * cannot see are left out). Bounded: at most MATRIX_MAX_LINKS links are read
 * and the grid holds at most MATRIX_MAX_CELLS rows and columns, the lowest
 * keys first; `limited` says something was left out. One statement, cancelled
 * when `signal` (the request's) aborts.
 */
export async function traceMatrix({
  scope,
  input,
  signal,
}: {
  scope: ProjectScope;
  input: TraceLinkMatrixInput;
  signal?: AbortSignal;
}) {
  const filters = [
    ...(input.type?.length ? [Prisma.sql`l.type::text IN (${Prisma.join(input.type)})`] : []),
    ...(input.suspectOnly ? [Prisma.sql`l.suspect`] : []),
  ];
  const found = await queryRows<{
    type: TraceLinkType;
    suspect: boolean;
    rKey: string;
    rNumber: number;
    rTitle: string;
    rStatus: RequirementStatus;
    iKey: string;
    iNumber: number;
    iTitle: string;
    iStatus: IssueStatus;
  }>(
    Prisma.sql`
    SELECT l.type::text AS type, l.suspect,
           r.key AS "rKey", r.number AS "rNumber", r.title AS "rTitle", r.status::text AS "rStatus",
           i.key AS "iKey", i.number AS "iNumber", i.title AS "iTitle", i.status::text AS "iStatus"
    FROM "TraceLink" l
    JOIN "Requirement" r ON r.id = l."targetRequirementId"
    JOIN "Issue" i ON i.id = l."sourceIssueId"
    WHERE l."projectId" = ${scope.projectId} AND ${visibleIssuesSql(scope, "i")}
      ${filters.length ? Prisma.sql`AND ${Prisma.join(filters, " AND ")}` : Prisma.empty}
    ORDER BY r.number, i.number, l.type
    LIMIT ${MATRIX_MAX_LINKS + 1}`,
    { signal },
  );
  const links = found.map((l) => ({
    type: l.type,
    suspect: l.suspect,
    target: { key: l.rKey, number: l.rNumber, title: l.rTitle, status: l.rStatus },
    sourceIssue: { key: l.iKey, number: l.iNumber, title: l.iTitle, status: l.iStatus },
  }));
  let limited = links.length > MATRIX_MAX_LINKS;
  if (limited) links.length = MATRIX_MAX_LINKS;
  const cap = MATRIX_MAX_CELLS[input.format];
  // Links come in requirement order, so the first rows are kept.
  const requirements = new Map<string, { key: string; number: number; title: string; status: RequirementStatus }>();
  const linked: typeof links = [];
  for (const l of links) {
    if (!requirements.has(l.target.key)) {
      if (requirements.size >= cap.requirements) {
        limited = true;
        break;
      }
      requirements.set(l.target.key, l.target);
    }
    linked.push(l);
  }
  const allIssues = new Map<string, { key: string; number: number; title: string; status: IssueStatus }>();
  for (const l of linked) allIssues.set(l.sourceIssue.key, l.sourceIssue);
  const byNumber = (a: { number: number }, b: { number: number }) => a.number - b.number;
  const kept = [...allIssues.values()].sort(byNumber);
  if (kept.length > cap.issues) {
    limited = true;
    kept.length = cap.issues;
  }
  const keptIssues = new Set(kept.map((i) => i.key));
  const issueLinks = linked.filter((l) => keptIssues.has(l.sourceIssue.key));
  const rows = [...requirements.values()].sort(byNumber).map(({ number: _n, ...r }) => r);
  const columns = kept.map(({ number: _n, ...i }) => i);
  const cells = issueLinks.map((l) => ({
    requirementKey: l.target.key,
    issueKey: l.sourceIssue.key,
    type: l.type,
    suspect: l.suspect,
  }));
  if (input.format === "csv") {
    // The links of each (requirement, issue) pair, in link order: one pass, not one scan per cell.
    const byPair = new Map<string, string[]>();
    for (const c of cells) {
      const pair = `${c.requirementKey} ${c.issueKey}`;
      const text = `${c.type}${c.suspect ? " (suspect)" : ""}`;
      const existing = byPair.get(pair);
      if (existing) existing.push(text);
      else byPair.set(pair, [text]);
    }
    const cell = (r: string, i: string) => byPair.get(`${r} ${i}`)?.join("; ") ?? "";
    const content = toCsv([
      ["Requirement", "Title", ...columns.map((c) => c.key)],
      ...rows.map((r) => [r.key, r.title, ...columns.map((c) => cell(r.key, c.key))]),
    ]);
    return { requirements: rows, issues: columns, cells, csv: content, limited };
  }
  return { requirements: rows, issues: columns, cells, csv: null, limited };
}
