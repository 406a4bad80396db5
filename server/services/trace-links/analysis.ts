/** Traceability views: coverage numbers, downstream impact and the requirements × issues matrix. */
import { Prisma } from "@prisma/client";
import { stringify } from "csv-stringify/sync";

import type { TraceLinkMatrixInput } from "@/lib/schemas/trace-link";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, queryRows } from "@/server/db";
import { AppError } from "@/server/errors";
import { visibleIssuesWhere } from "@/server/services/issues/issue-access";

const APPROVED_OR_LATER = ["APPROVED", "IMPLEMENTED", "VERIFIED"] as const;
const ORPHAN_LIST_LIMIT = 50;

/**
 * Coverage of a project: of the approved (or later) requirements, how many
 * have a done IMPLEMENTS issue and a done VERIFIES issue; suspect links;
 * requirements and issues without any link.
 */
export async function coverage({ scope }: { scope: ProjectScope }) {
  const projectId = scope.projectId;
  const orphanRequirementWhere = {
    projectId,
    status: { not: "DEPRECATED" as const },
    linksIn: { none: {} },
    linksOut: { none: {} },
  };
  const orphanIssueWhere = { AND: [visibleIssuesWhere(scope), { links: { none: {} } }] };
  const [[counts], suspectLinks, orphanRequirements, orphanRequirementCount, orphanIssues, orphanIssueCount] =
    await Promise.all([
      // One pass from the project's links to done issues (both ends of a link belong to its project),
      // grouped per requirement; the issue ids and statuses come from the (projectId, status, id) index.
      db.$queryRaw<{ approved: number; implemented: number; verified: number }[]>`
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
      db.traceLink.count({ where: { projectId, suspect: true } }),
      db.requirement.findMany({
        where: orphanRequirementWhere,
        select: { key: true, title: true, status: true },
        orderBy: { number: "asc" },
        take: ORPHAN_LIST_LIMIT,
      }),
      db.requirement.count({ where: orphanRequirementWhere }),
      db.issue.findMany({
        where: orphanIssueWhere,
        select: { key: true, title: true, status: true },
        orderBy: { number: "asc" },
        take: ORPHAN_LIST_LIMIT,
      }),
      db.issue.count({ where: orphanIssueWhere }),
    ]);
  // An aggregate without GROUP BY always returns one row.
  const { approved: approvedCount, implemented, verified } = counts ?? { approved: 0, implemented: 0, verified: 0 };
  const pct = (n: number) => (approvedCount === 0 ? null : Math.round((n / approvedCount) * 1000) / 10);
  return {
    approvedRequirements: approvedCount,
    implemented: { count: implemented, percent: pct(implemented) },
    verified: { count: verified, percent: pct(verified) },
    suspectLinks,
    orphanRequirements: { count: orphanRequirementCount, items: orphanRequirements },
    orphanIssues: { count: orphanIssueCount, items: orphanIssues },
  };
}

/** Bounds of one impact analysis: nodes visited, levels walked, issue links read. */
export const IMPACT_LIMITS = { requirements: 2_000, depth: 100, issueLinks: 10_000 };

/**
 * Everything downstream of a requirement, transitively: requirements linked
 * to it (and to those, and so on), and the issues linked to any of them.
 * A breadth-first walk, one indexed statement per level, visits each
 * requirement once at its shortest distance (diamonds once, cycles stop), so
 * the cost grows with the nodes reached, not with the paths between them.
 * It stops at IMPACT_LIMITS and then says `limited`; on the embedded
 * database, which runs one statement at a time, the server gets a turn
 * between levels.
 */
export async function impact({
  scope,
  input,
  limits = IMPACT_LIMITS,
}: {
  scope: ProjectScope;
  input: { key: string };
  limits?: typeof IMPACT_LIMITS;
}) {
  const root = await db.requirement.findFirst({
    where: { projectId: scope.projectId, key: input.key },
    select: { id: true, key: true, title: true },
  });
  if (!root) throw new AppError("NOT_FOUND", `Requirement ${input.key} not found`);
  const depthOf = new Map<string, number>([[root.id, 0]]);
  let frontier = [root.id];
  let limited = false;
  for (let depth = 1; frontier.length > 0; depth++) {
    // One indexed statement per level (TraceLink by target), prepared once per connection.
    const links = await queryRows<{ id: string }>(Prisma.sql`
      SELECT DISTINCT "sourceRequirementId" AS id FROM "TraceLink"
      WHERE "targetRequirementId" = ANY(${frontier}::text[]) AND "projectId" = ${scope.projectId}
        AND "sourceRequirementId" IS NOT NULL
      ORDER BY 1`);
    const next = links.flatMap((l) => (depthOf.has(l.id) ? [] : [l.id]));
    const room = depth > limits.depth ? 0 : limits.requirements - (depthOf.size - 1);
    if (next.length > room) limited = true;
    frontier = next.slice(0, Math.max(room, 0));
    for (const id of frontier) depthOf.set(id, depth);
  }
  const ids = [...depthOf.keys()];
  const [requirements, issueLinks] = await Promise.all([
    db.requirement.findMany({
      where: { id: { in: ids.filter((i) => i !== root.id) } },
      select: { id: true, key: true, title: true, status: true },
    }),
    db.traceLink.findMany({
      where: { targetRequirementId: { in: ids }, sourceIssue: visibleIssuesWhere(scope) },
      select: {
        type: true,
        targetRequirementId: true,
        sourceIssue: { select: { id: true, key: true, title: true, status: true } },
      },
      orderBy: { id: "asc" },
      take: limits.issueLinks + 1,
    }),
  ]);
  if (issueLinks.length > limits.issueLinks) {
    limited = true;
    issueLinks.length = limits.issueLinks;
  }
  const issues = new Map<string, { key: string; title: string; status: string; depth: number; via: string[] }>();
  for (const { sourceIssue: issue, ...l } of issueLinks) {
    // The filter on sourceIssue keeps only issue links.
    if (!issue) continue;
    const depth = (depthOf.get(l.targetRequirementId) ?? 0) + 1;
    const existing = issues.get(issue.id);
    const via = `${l.type}`;
    if (!existing)
      issues.set(issue.id, { key: issue.key, title: issue.title, status: issue.status, depth, via: [via] });
    else {
      existing.depth = Math.min(existing.depth, depth);
      if (!existing.via.includes(via)) existing.via.push(via);
    }
  }
  return {
    root: { key: root.key, title: root.title },
    requirements: requirements
      .map((r) => ({ key: r.key, title: r.title, status: r.status, depth: depthOf.get(r.id) ?? 0 }))
      .sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key, "en", { numeric: true })),
    issues: [...issues.values()].sort(
      (a, b) => a.depth - b.depth || a.key.localeCompare(b.key, "en", { numeric: true }),
    ),
    limited,
  };
}

/** Requirements × issues with the link types between them (issues the caller cannot see are left out). */
export async function traceMatrix({ scope, input }: { scope: ProjectScope; input: TraceLinkMatrixInput }) {
  const links = await db.traceLink.findMany({
    where: {
      projectId: scope.projectId,
      sourceIssue: visibleIssuesWhere(scope),
      ...(input.type?.length ? { type: { in: input.type } } : {}),
      ...(input.suspectOnly ? { suspect: true } : {}),
    },
    select: {
      type: true,
      suspect: true,
      target: { select: { key: true, number: true, title: true, status: true } },
      sourceIssue: { select: { key: true, number: true, title: true, status: true } },
    },
  });
  const requirements = new Map<string, { key: string; number: number; title: string; status: string }>();
  const issues = new Map<string, { key: string; number: number; title: string; status: string }>();
  // The filter on sourceIssue keeps only issue links.
  const issueLinks = links.flatMap(({ sourceIssue, ...l }) => (sourceIssue ? [{ ...l, sourceIssue }] : []));
  for (const l of issueLinks) {
    requirements.set(l.target.key, l.target);
    issues.set(l.sourceIssue.key, l.sourceIssue);
  }
  const byNumber = (a: { number: number }, b: { number: number }) => a.number - b.number;
  const rows = [...requirements.values()].sort(byNumber).map(({ number: _n, ...r }) => r);
  const columns = [...issues.values()].sort(byNumber).map(({ number: _n, ...i }) => i);
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
    const content = stringify([
      ["Requirement", "Title", ...columns.map((c) => c.key)],
      ...rows.map((r) => [r.key, r.title.replace(/^[=+\-@]/, "'$&"), ...columns.map((c) => cell(r.key, c.key))]),
    ]);
    return { requirements: rows, issues: columns, cells, csv: content };
  }
  return { requirements: rows, issues: columns, cells, csv: null };
}
