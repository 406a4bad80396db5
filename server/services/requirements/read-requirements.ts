/** Reading requirements: list with filters, one by key, the tree, history and diffs. */
import type { Prisma } from "@prisma/client";

import { diffSnapshots, toSnapshot } from "@/lib/diff";
import type { RequirementDiffInput, RequirementHistoryInput, RequirementListInput } from "@/lib/schemas/requirement";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { afterTimeAndId, decodeCursor, encodeCursor, timeAndIdCursor, toPage } from "@/server/services/pagination";

import { presentRequirement, requirementSelect } from "./requirement-select";

const listSelect = {
  id: true,
  number: true,
  key: true,
  version: true,
  title: true,
  type: true,
  priority: true,
  status: true,
  tags: true,
  parentId: true,
  position: true,
  updatedAt: true,
  parent: { select: { key: true } },
} satisfies Prisma.RequirementSelect;

export async function listRequirements(opts: { projectId: string; input: RequirementListInput }) {
  const { input } = opts;
  const order = input.order ?? (input.sort === "updated" ? "desc" : "asc");
  const where: Prisma.RequirementWhereInput = { projectId: opts.projectId };
  if (input.status?.length) where.status = { in: input.status };
  if (input.type?.length) where.type = { in: input.type };
  if (input.priority?.length) where.priority = { in: input.priority };
  if (input.tag) where.tags = { has: input.tag };
  if (input.parentKey === null) where.parentId = null;
  if (input.parentKey) {
    const parent = await db.requirement.findUnique({ where: { key: input.parentKey }, select: { id: true, projectId: true } });
    if (!parent || parent.projectId !== opts.projectId) throw new AppError("NOT_FOUND", `Requirement ${input.parentKey} not found`);
    where.parentId = parent.id;
  }
  if (input.q) {
    const q = input.q;
    where.OR = [
      { key: { equals: q.toUpperCase() } },
      { title: { contains: q, mode: "insensitive" } },
      { statement: { contains: q, mode: "insensitive" } },
    ];
  }

  const cmp = order === "asc" ? "gt" : "lt";
  let orderBy: Prisma.RequirementOrderByWithRelationInput[];
  if (input.sort === "key") {
    orderBy = [{ number: order }];
    const c = decodeCursor(input.cursor, 1);
    if (c) where.number = { [cmp]: Number(c[0]) };
  } else {
    orderBy = [{ updatedAt: order }, { id: order }];
    const after = afterTimeAndId(input.cursor, "updatedAt", order);
    if (after) where.AND = [after];
  }

  const rows = await db.requirement.findMany({ where, orderBy, take: input.limit + 1, select: listSelect });
  // Children counted for this page only (a relation _count would aggregate the whole table).
  const counts = await db.requirement.groupBy({
    by: ["parentId"],
    where: { projectId: opts.projectId, parentId: { in: rows.slice(0, input.limit).map((r) => r.id) } },
    _count: { _all: true },
  });
  const childCount = new Map(counts.map((c) => [c.parentId, c._count._all]));
  const items = rows.map(({ parent, parentId: _p, ...r }) => ({
    ...r,
    parentKey: parent?.key ?? null,
    childCount: childCount.get(r.id) ?? 0,
  }));
  return toPage(items, input.limit, (r) =>
    input.sort === "key" ? encodeCursor([r.number]) : timeAndIdCursor(r.updatedAt, r.id),
  );
}

export async function getRequirementOrThrow(opts: { projectId: string; key: string }) {
  const row = await db.requirement.findUnique({
    where: { key: opts.key },
    select: {
      ...requirementSelect,
      createdBy: { select: { id: true, name: true } },
      children: { select: { key: true, title: true, status: true }, orderBy: { position: "asc" } },
    },
  });
  if (!row || row.projectId !== opts.projectId) throw new AppError("NOT_FOUND", `Requirement ${opts.key} not found`);
  const { createdBy, children, ...rest } = row;
  return { ...presentRequirement(rest), createdBy, children };
}

/** Every requirement of a project as compact nodes, parents before children, siblings in order. */
export async function requirementTree(opts: { projectId: string }) {
  const rows = await db.requirement.findMany({
    where: { projectId: opts.projectId },
    orderBy: [{ position: "asc" }, { number: "asc" }],
    select: { id: true, key: true, number: true, title: true, status: true, type: true, priority: true, parentId: true, version: true },
  });
  const byParent = new Map<string | null, typeof rows>();
  for (const r of rows) {
    const list = byParent.get(r.parentId) ?? [];
    list.push(r);
    byParent.set(r.parentId, list);
  }
  const out: (Omit<(typeof rows)[number], "id" | "parentId"> & { depth: number; parentKey: string | null })[] = [];
  const walk = (parentId: string | null, parentKey: string | null, depth: number) => {
    for (const r of byParent.get(parentId) ?? []) {
      const { id, parentId: _p, ...node } = r;
      out.push({ ...node, depth, parentKey });
      walk(id, r.key, depth + 1);
    }
  };
  walk(null, null, 0);
  return { nodes: out };
}

async function findIdOrThrow(projectId: string, key: string) {
  const r = await db.requirement.findUnique({ where: { key }, select: { id: true, projectId: true, version: true } });
  if (!r || r.projectId !== projectId) throw new AppError("NOT_FOUND", `Requirement ${key} not found`);
  return r;
}

export async function requirementHistory(opts: { projectId: string; input: RequirementHistoryInput }) {
  const { key, cursor, limit } = opts.input;
  const req = await findIdOrThrow(opts.projectId, key);
  const before = cursor && /^\d{1,9}$/.test(cursor) ? Number(cursor) : undefined;
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
      author: { select: { id: true, name: true } },
    },
  });
  return toPage(rows, limit, (r) => String(r.version));
}

/** Keys for the parent ids referenced by some versions. */
async function parentKeys(ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map<string, string>();
  const rows = await db.requirement.findMany({ where: { id: { in: wanted } }, select: { id: true, key: true } });
  return new Map(rows.map((r) => [r.id, r.key]));
}

export async function diffRequirementVersions(opts: { projectId: string; input: RequirementDiffInput }) {
  const { key, from, to } = opts.input;
  const req = await findIdOrThrow(opts.projectId, key);
  const versions = await db.requirementVersion.findMany({
    where: { requirementId: req.id, version: { in: [from, to] } },
    include: { author: { select: { id: true, name: true } } },
  });
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  const missing = [!a && from, !b && to].filter(Boolean);
  if (missing.length) {
    throw new AppError("NOT_FOUND", `Version ${missing.join(" and ")} of ${key} does not exist (latest is ${req.version})`);
  }
  const keys = await parentKeys([a!.parentId, b!.parentId]);
  const snap = (v: NonNullable<typeof a>) => toSnapshot({ ...v, parentKey: v.parentId ? (keys.get(v.parentId) ?? null) : null });
  const meta = (v: NonNullable<typeof a>) => ({
    version: v.version,
    createdAt: v.createdAt,
    author: v.author,
    changeKind: v.changeKind,
    changeNote: v.changeNote,
  });
  return {
    key,
    from: { ...meta(a!), snapshot: snap(a!) },
    to: { ...meta(b!), snapshot: snap(b!) },
    changes: diffSnapshots(snap(a!), snap(b!)),
  };
}
