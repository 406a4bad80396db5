/**
 * Baselines: a named, immutable set of references to the requirement
 * versions current at one moment (deprecated requirements are not part of a
 * baseline). Later edits write new versions and never touch a baseline.
 */
import { Prisma, type RequirementPriority, type RequirementStatus, type RequirementType } from "@prisma/client";

import { diffSnapshots, type Snapshot } from "@/lib/diff";
import type {
  BaselineByIdInput,
  BaselineCompareInput,
  BaselineCreateInput,
  BaselineListInput,
} from "@/lib/schemas/baseline";
import type { AttributeValue } from "@/lib/schemas/requirement";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, queryRows } from "@/server/db";
import { AppError, isUniqueViolation } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import {
  afterTimeAndId,
  decodeCursor,
  encodeCursor,
  numberCursor,
  timeAndIdCursor,
  toPage,
} from "@/server/services/pagination";
import { storedAttributes } from "@/server/services/requirements/attributes";
import { presentChanges } from "@/server/services/requirements/requirement-select";
import { personSelect } from "@/server/services/users/user-select";

const baselineSelect = {
  id: true,
  name: true,
  note: true,
  requirementCount: true,
  createdAt: true,
  author: { select: personSelect },
} satisfies Prisma.BaselineSelect;

export async function createBaseline({ scope, input }: { scope: ProjectScope; input: BaselineCreateInput }) {
  const { name, note } = input;
  try {
    return await applyChange(
      scope.actor,
      async (tx, record) => {
        const taken = await tx.baseline.findUnique({
          where: { projectId_name: { projectId: scope.projectId, name } },
          select: { id: true },
        });
        if (taken) throw new AppError("CONFLICT", `A baseline named "${name}" already exists`);
        // Repeatable read: the count and the frozen set come from one snapshot.
        const count = await tx.requirement.count({
          where: { projectId: scope.projectId, status: { not: "DEPRECATED" } },
        });
        const baseline = await tx.baseline.create({
          data: { projectId: scope.projectId, name, note, requirementCount: count, authorId: scope.actor.userId },
          select: baselineSelect,
        });
        await tx.$executeRaw`
          INSERT INTO "BaselineItem" ("baselineId", "requirementId", "versionId")
          SELECT ${baseline.id}, r.id, v.id
          FROM "Requirement" r
          JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = r.version
          WHERE r."projectId" = ${scope.projectId} AND r.status <> 'DEPRECATED'`;
        record({
          action: "baseline.created",
          entityType: "Baseline",
          entityId: baseline.id,
          projectId: scope.projectId,
          after: baseline,
        });
        return baseline;
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", `A baseline named "${name}" already exists`);
    throw err;
  }
}

export async function listBaselines({ scope, input }: { scope: ProjectScope; input: BaselineListInput }) {
  const { cursor, limit } = input;
  const where: Prisma.BaselineWhereInput = {
    projectId: scope.projectId,
    ...afterTimeAndId(cursor, "createdAt", "desc"),
  };
  const rows = await db.baseline.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: baselineSelect,
  });
  return toPage(rows, limit, (b) => timeAndIdCursor(b.createdAt, b.id));
}

async function findBaselineOrThrow(projectId: string, id: string) {
  const b = await db.baseline.findUnique({ where: { id }, select: { ...baselineSelect, projectId: true } });
  // A baseline of another project is as invisible as one that does not exist.
  if (!b || b.projectId !== projectId) throw new AppError("NOT_FOUND", "Baseline not found in this project");
  const { projectId: _p, ...rest } = b;
  return rest;
}

/** One row per requirement in a baseline (or HEAD): the frozen version's fields. */
export interface FrozenRequirement extends Snapshot {
  type: RequirementType;
  priority: RequirementPriority;
  status: RequirementStatus;
  attributes: Record<string, AttributeValue>;
  requirementId: string;
  key: string;
  number: number;
  version: number;
  versionId: string;
  parentId: string | null;
  position: number;
}

type Row = Omit<FrozenRequirement, "parentKey" | "attributes"> & {
  attributes: Prisma.JsonValue;
  parentKey: string | null;
};

/** The requirement versions frozen in a baseline, or current (HEAD), ordered by key number. */
export async function frozenRequirements(
  projectId: string,
  ref: string,
  options: ReadOptions = {},
): Promise<FrozenRequirement[]> {
  const side = await sideVersions(projectId, ref, options);
  const full = await versionsById(
    side.map((r) => r.versionId),
    options,
  );
  return [...full.values()].sort((a, b) => a.number - b.number);
}

export async function getBaselineOrThrow({ scope, input }: { scope: ProjectScope; input: BaselineByIdInput }) {
  const { id, cursor, limit } = input;
  const baseline = await findBaselineOrThrow(scope.projectId, id);
  const after = decodeCursor(cursor, numberCursor)?.[0] ?? 0;
  const rows = await db.baselineItem.findMany({
    where: { baselineId: id, requirement: { number: { gt: after } } },
    orderBy: { requirement: { number: "asc" } },
    take: limit + 1,
    select: {
      requirement: { select: { key: true, number: true } },
      version: {
        select: {
          version: true,
          title: true,
          statement: true,
          rationale: true,
          type: true,
          priority: true,
          status: true,
          tags: true,
          attributes: true,
          createdAt: true,
        },
      },
    },
  });
  const items = rows.map((r) => ({
    key: r.requirement.key,
    number: r.requirement.number,
    ...r.version,
    attributes: storedAttributes(r.version.attributes),
  }));
  return { baseline, ...toPage(items, limit, (i) => encodeCursor([i.number])) };
}

async function describeRef(projectId: string, ref: string) {
  if (ref === "HEAD") return { id: "HEAD", name: "Current (HEAD)", createdAt: new Date() };
  const b = await findBaselineOrThrow(projectId, ref);
  return { id: b.id, name: b.name, createdAt: b.createdAt };
}

export interface CompareEntry {
  key: string;
  title: string;
  status: RequirementStatus;
  version: number;
}

/** The request's abort signal and an export's time budget, passed on to queryRows. */
type ReadOptions = Parameters<typeof queryRows>[1];

/** Which version of which requirement a side holds: ids only, cheap even for large projects. */
async function sideVersions(projectId: string, ref: string, options: ReadOptions = {}) {
  return queryRows<{ requirementId: string; versionId: string }>(
    ref === "HEAD"
      ? Prisma.sql`
        SELECT r.id AS "requirementId", v.id AS "versionId"
        FROM "Requirement" r
        JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = r.version
        WHERE r."projectId" = ${projectId} AND r.status <> 'DEPRECATED'`
      : Prisma.sql`
        SELECT i."requirementId", i."versionId" FROM "BaselineItem" i WHERE i."baselineId" = ${ref}`,
    options,
  );
}

/**
 * The skeleton of a baseline (or HEAD): per requirement its frozen version's id and its place in the tree
 * as that version has it — a few dozen bytes a row, enough to order the rows for an export that then reads
 * full versions a batch at a time (server/services/exports).
 */
export async function frozenSkeleton(projectId: string, ref: string, options: ReadOptions = {}) {
  return queryRows<{
    requirementId: string;
    versionId: string;
    parentId: string | null;
    position: number;
    number: number;
  }>(
    ref === "HEAD"
      ? Prisma.sql`
        SELECT r.id AS "requirementId", v.id AS "versionId", v."parentId", v.position, r.number
        FROM "Requirement" r
        JOIN "RequirementVersion" v ON v."requirementId" = r.id AND v.version = r.version
        WHERE r."projectId" = ${projectId} AND r.status <> 'DEPRECATED'`
      : Prisma.sql`
        SELECT i."requirementId", i."versionId", v."parentId", v.position, r.number
        FROM "BaselineItem" i
        JOIN "RequirementVersion" v ON v.id = i."versionId"
        JOIN "Requirement" r ON r.id = i."requirementId"
        WHERE i."baselineId" = ${ref}`,
    options,
  );
}

/** Full snapshots of the given versions (with the parent's key), by version id. */
export async function versionsById(ids: string[], options: ReadOptions = {}): Promise<Map<string, FrozenRequirement>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<Row>(
    Prisma.sql`
    SELECT r.id AS "requirementId", r.key, r.number, v.version, v.id AS "versionId",
           v.title, v.statement, v.rationale, v.type::text AS type, v.priority::text AS priority,
           v.status::text AS status, v.tags, v.attributes, v."parentId", v.position, p.key AS "parentKey"
    FROM "RequirementVersion" v
    JOIN "Requirement" r ON r.id = v."requirementId"
    LEFT JOIN "Requirement" p ON p.id = v."parentId"
    WHERE v.id = ANY(${ids}::text[])`,
    options,
  );
  return new Map(rows.map((r) => [r.versionId, { ...r, attributes: storedAttributes(r.attributes) }]));
}

/**
 * Added, removed and changed requirements from one baseline (or HEAD) to
 * another. Sides are compared by version id first; full rows are loaded only
 * for the requirements that differ.
 */
export async function compareBaselines({
  scope,
  input,
  signal,
}: {
  scope: ProjectScope;
  input: BaselineCompareInput;
  signal?: AbortSignal;
}) {
  const { from, to } = input;
  const [fromRef, toRef] = await Promise.all([describeRef(scope.projectId, from), describeRef(scope.projectId, to)]);
  const [left, right] = await Promise.all([
    sideVersions(scope.projectId, from, { signal }),
    sideVersions(scope.projectId, to, { signal }),
  ]);
  const leftByReq = new Map(left.map((r) => [r.requirementId, r.versionId]));
  const rightReqs = new Set(right.map((r) => r.requirementId));

  const addedIds: string[] = [];
  const changedPairs: [string, string][] = [];
  for (const r of right) {
    const l = leftByReq.get(r.requirementId);
    if (l === undefined) addedIds.push(r.versionId);
    else if (l !== r.versionId) changedPairs.push([l, r.versionId]);
  }
  const removedIds = left.filter((l) => !rightReqs.has(l.requirementId)).map((l) => l.versionId);
  const full = await versionsById([...addedIds, ...removedIds, ...changedPairs.flat()], { signal });

  const entry = (r: FrozenRequirement): CompareEntry => ({
    key: r.key,
    title: r.title,
    status: r.status,
    version: r.version,
  });
  const byNumber = (a: { number: number }, b: { number: number }) => a.number - b.number;
  const frozen = (id: string) => {
    const version = full.get(id);
    if (!version) throw new Error(`Requirement version ${id} of a baseline could not be read`);
    return version;
  };
  const pick = (ids: string[]) => ids.map(frozen).sort(byNumber);

  const changed: (CompareEntry & { fromVersion: number; changes: ReturnType<typeof presentChanges> })[] = [];
  for (const [l, r] of changedPairs
    .map(([a, b]) => [frozen(a), frozen(b)] as const)
    .sort((x, y) => byNumber(x[1], y[1]))) {
    const changes = presentChanges(diffSnapshots(l, r));
    if (changes.length > 0) changed.push({ ...entry(r), fromVersion: l.version, changes });
  }
  const added = pick(addedIds).map(entry);
  const removed = pick(removedIds).map(entry);
  return {
    from: fromRef,
    to: toRef,
    summary: {
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      unchanged: right.length - added.length - changed.length,
    },
    added,
    removed,
    changed,
  };
}
