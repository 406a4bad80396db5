/** Reading requirements: list with filters, one by key, the tree, history and diffs. */
import { Prisma, type RequirementPriority, type RequirementStatus, type RequirementType } from "@prisma/client";

import { diffSnapshots } from "@/lib/diff";
import type { RequirementDiffInput, RequirementHistoryInput, RequirementListInput } from "@/lib/schemas/requirement";
import { inTreeOrder, siblingOrder } from "@/lib/tree-order";
import { roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError } from "@/server/errors";
import {
  decodeCursor,
  decodeTimeAndId,
  encodeCursor,
  numberCursor,
  timeAndIdCursor,
  toPage,
} from "@/server/services/pagination";
import { personSelect } from "@/server/services/users/user-select";
import { storedAttributes } from "./attributes";
import { presentChanges, presentRequirement, requirementSelect } from "./requirement-select";

interface ListRow {
  id: string;
  number: number;
  key: string;
  version: number;
  title: string;
  type: RequirementType;
  priority: RequirementPriority;
  status: RequirementStatus;
  tags: string[];
  position: number;
  updatedAt: Date;
  parentKey: string | null;
  childCount: number;
}

/** `%…%` for ILIKE with the pattern characters of the text itself taken literally. */
function containsPattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of a project's requirements in one statement: the filtered,
 * keyset-paginated rows with the parent's key (join) and the number of
 * children (a correlated count served by the (projectId, parentId, position)
 * index), so a page costs one round trip and one plan.
 */
export async function listRequirements({ scope, input }: { scope: ProjectScope; input: RequirementListInput }) {
  const { projectId } = scope;
  const order = input.order ?? (input.sort === "updated" ? "desc" : "asc");
  const conds: Prisma.Sql[] = [Prisma.sql`r."projectId" = ${projectId}`];
  if (input.status?.length) conds.push(Prisma.sql`r.status = ANY(CAST(${input.status} AS "RequirementStatus"[]))`);
  if (input.type?.length) conds.push(Prisma.sql`r.type = ANY(CAST(${input.type} AS "RequirementType"[]))`);
  if (input.priority?.length)
    conds.push(Prisma.sql`r.priority = ANY(CAST(${input.priority} AS "RequirementPriority"[]))`);
  if (input.tag) conds.push(Prisma.sql`r.tags @> ARRAY[${input.tag}]::text[]`);
  if (input.parentKey === null) conds.push(Prisma.sql`r."parentId" IS NULL`);
  if (input.parentKey) {
    const parent = await db.requirement.findUnique({
      where: { key: input.parentKey },
      select: { id: true, projectId: true },
    });
    if (!parent || parent.projectId !== projectId)
      throw new AppError("NOT_FOUND", `Requirement ${input.parentKey} not found`);
    conds.push(Prisma.sql`r."parentId" = ${parent.id}`);
  }
  if (input.q) {
    const pattern = containsPattern(input.q);
    conds.push(
      Prisma.sql`(r.key = ${input.q.toUpperCase()} OR r.title ILIKE ${pattern} OR r.statement ILIKE ${pattern})`,
    );
  }

  const desc = order === "desc";
  let orderBy: Prisma.Sql;
  if (input.sort === "key") {
    orderBy = desc ? Prisma.sql`r.number DESC` : Prisma.sql`r.number ASC`;
    const c = decodeCursor(input.cursor, numberCursor);
    if (c) conds.push(desc ? Prisma.sql`r.number < ${c[0]}` : Prisma.sql`r.number > ${c[0]}`);
  } else {
    orderBy = desc ? Prisma.sql`r."updatedAt" DESC, r.id DESC` : Prisma.sql`r."updatedAt" ASC, r.id ASC`;
    const c = decodeTimeAndId(input.cursor);
    if (c) {
      conds.push(
        desc
          ? Prisma.sql`(r."updatedAt", r.id) < (${c.at}::timestamp, ${c.id})`
          : Prisma.sql`(r."updatedAt", r.id) > (${c.at}::timestamp, ${c.id})`,
      );
    }
  }

  const rows = await db.$queryRaw<ListRow[]>`
    SELECT r.id, r.number, r.key, r.version, r.title, r.type, r.priority, r.status, r.tags, r.position,
           r."updatedAt", p.key AS "parentKey",
           (SELECT count(*)::int FROM "Requirement" c WHERE c."projectId" = r."projectId" AND c."parentId" = r.id) AS "childCount"
    FROM "Requirement" r
    LEFT JOIN "Requirement" p ON p.id = r."parentId"
    WHERE ${Prisma.join(conds, " AND ")}
    ORDER BY ${orderBy}
    LIMIT ${input.limit + 1}`;
  return toPage(rows, input.limit, (r) =>
    input.sort === "key" ? encodeCursor([r.number]) : timeAndIdCursor(r.updatedAt, r.id),
  );
}

export async function getRequirementOrThrow({ scope, input }: { scope: ProjectScope; input: { key: string } }) {
  const row = await db.requirement.findUnique({
    where: { key: input.key },
    select: {
      ...requirementSelect,
      createdBy: { select: personSelect },
      children: { select: { key: true, title: true, status: true }, orderBy: { position: "asc" } },
    },
  });
  if (!row || row.projectId !== scope.projectId) throw new AppError("NOT_FOUND", `Requirement ${input.key} not found`);
  const { createdBy, children, ...rest } = row;
  return { ...presentRequirement(rest), createdBy, children };
}

/** Every requirement of a project as compact nodes, parents before children, siblings in order. */
export async function requirementTree({ scope }: { scope: ProjectScope }) {
  const rows = await db.requirement.findMany({
    where: { projectId: scope.projectId },
    orderBy: [{ position: "asc" }, { number: "asc" }],
    select: {
      id: true,
      key: true,
      number: true,
      title: true,
      status: true,
      type: true,
      priority: true,
      parentId: true,
      position: true,
      version: true,
    },
  });
  const nodes = inTreeOrder(rows, {
    id: (r) => r.id,
    parentId: (r) => r.parentId,
    compare: siblingOrder,
  }).map(({ node: { id: _id, parentId: _parentId, position: _position, ...node }, depth, parent }) => ({
    ...node,
    depth,
    parentKey: parent?.key ?? null,
  }));
  return { nodes };
}

/**
 * A requirement of the scope's project that the caller may read, or NOT_FOUND — the same answer for one that
 * does not exist, so a role without `requirement:read` learns nothing about it (its comments, for instance).
 */
export async function findReadableRequirementOrThrow(
  scope: Pick<ProjectScope, "projectId" | "role">,
  key: string,
  client: Tx | typeof db = db,
) {
  const r = await client.requirement.findUnique({ where: { key }, select: { id: true, key: true, projectId: true } });
  if (!r || r.projectId !== scope.projectId || !roleHas(scope.role, "requirement:read"))
    throw new AppError("NOT_FOUND", `Requirement ${key} not found`);
  return r;
}

async function findIdOrThrow(projectId: string, key: string) {
  const r = await db.requirement.findUnique({ where: { key }, select: { id: true, projectId: true, version: true } });
  if (!r || r.projectId !== projectId) throw new AppError("NOT_FOUND", `Requirement ${key} not found`);
  return r;
}

export async function requirementHistory({ scope, input }: { scope: ProjectScope; input: RequirementHistoryInput }) {
  const { key, cursor, limit } = input;
  const req = await findIdOrThrow(scope.projectId, key);
  const before = decodeCursor(cursor, numberCursor)?.[0];
  const rows = await db.requirementVersion.findMany({
    where: { requirementId: req.id, ...(before ? { version: { lt: before } } : {}) },
    orderBy: { version: "desc" },
    take: limit + 1,
    select: {
      version: true,
      title: true,
      status: true,
      type: true,
      priority: true,
      tags: true,
      changeKind: true,
      changeNote: true,
      createdAt: true,
      author: { select: personSelect },
    },
  });
  return toPage(rows, limit, (r) => encodeCursor([r.version]));
}

/** Keys for the parent ids referenced by some versions. */
async function parentKeys(ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows = await db.requirement.findMany({ where: { id: { in: wanted } }, select: { id: true, key: true } });
  return new Map(rows.map((r) => [r.id, r.key]));
}

export async function diffRequirementVersions({ scope, input }: { scope: ProjectScope; input: RequirementDiffInput }) {
  const { key, from, to } = input;
  const req = await findIdOrThrow(scope.projectId, key);
  const versions = await db.requirementVersion.findMany({
    where: { requirementId: req.id, version: { in: [from, to] } },
    include: { author: { select: personSelect } },
  });
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (!a || !b) {
    const missing = [!a && from, !b && to].filter(Boolean);
    throw new AppError(
      "NOT_FOUND",
      `Version ${missing.join(" and ")} of ${key} does not exist (latest is ${req.version})`,
    );
  }
  const keys = await parentKeys([a.parentId, b.parentId]);
  // The version's content (toSnapshot's fields), typed as the API answers with it.
  const snap = (v: NonNullable<typeof a>) => ({
    title: v.title,
    statement: v.statement,
    rationale: v.rationale,
    type: v.type,
    priority: v.priority,
    status: v.status,
    tags: v.tags,
    attributes: storedAttributes(v.attributes),
    parentKey: v.parentId ? (keys.get(v.parentId) ?? null) : null,
    position: v.position,
  });
  const meta = (v: NonNullable<typeof a>) => ({
    version: v.version,
    createdAt: v.createdAt,
    author: v.author,
    changeKind: v.changeKind,
    changeNote: v.changeNote,
  });
  return {
    key,
    from: { ...meta(a), snapshot: snap(a) },
    to: { ...meta(b), snapshot: snap(b) },
    changes: presentChanges(diffSnapshots(snap(a), snap(b))),
  };
}
