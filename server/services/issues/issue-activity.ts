/**
 * An issue's activity, newest first: its own changes, its comments and
 * attachments, its trace links with their suspect flags and clears, and its
 * links to other issues, with who and when — read from the audit log, where
 * every change names the items it concerns (`AuditEvent.subjects`).
 *
 * What each entry shows is picked field by field from the audited snapshots
 * (keys, titles, statuses, names of files), so nothing else of them reaches
 * the page: a deleted comment's text stays out, and so does a link to an
 * issue the reader may not see (the whole entry is left out).
 */
import type { z } from "zod";

import type { IssueActivityInput } from "@/lib/schemas/issue";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { auditCursor } from "@/server/services/audit/list-audit-events";
import { decodeCursor, encodeCursor, toPage } from "@/server/services/pagination";
import { personSelect } from "@/server/services/users/user-select";

import { findVisibleIssueOrThrow, visibleIssuesWhere } from "./issue-access";

type Obj = Record<string, unknown>;
/** A JSON object as the API's output schema types it. */
type JsonObject = { [key: string]: z.core.util.JSONType };
const obj = (v: unknown): Obj | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);

function pick(source: Obj | null, fields: string[]): JsonObject | null {
  if (!source) return null;
  const out: JsonObject = {};
  for (const f of fields) {
    const v = source[f];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) out[f] = v;
  }
  return out;
}

const end = (v: unknown) => pick(obj(v), ["key", "title", "kind"]);

/** The fields of a snapshot an entry of this kind may show; null leaves the entry out. */
function shown(entityType: string, snapshot: unknown): JsonObject | null {
  const s = obj(snapshot);
  if (!s) return null;
  switch (entityType) {
    case "Issue": {
      const out = pick(s, ["key", "title", "status", "severity", "resolution", "version"]) ?? {};
      const assignee = obj(s.assignee);
      out.assignee = assignee ? pick(assignee, ["id", "name"]) : null;
      return out;
    }
    case "Attachment":
      return pick(s, ["filename"]);
    case "TraceLink":
    case "IssueLink":
      return { ...pick(s, ["type", "suspect"]), from: end(s.from), to: end(s.to) };
    default:
      return {};
  }
}

const ENTITY_TYPES = ["Issue", "Comment", "Attachment", "TraceLink", "IssueLink"];

export async function issueActivity({ scope, input }: { scope: ProjectScope; input: IssueActivityInput }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const before = decodeCursor(input.cursor, auditCursor)?.[0];
  const rows = await db.auditEvent.findMany({
    where: {
      projectId: scope.projectId,
      subjects: { has: issue.key },
      entityType: { in: ENTITY_TYPES },
      ...(before !== undefined ? { id: { lt: before } } : {}),
    },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: {
      id: true,
      action: true,
      entityType: true,
      entityId: true,
      createdAt: true,
      before: true,
      after: true,
      actor: { select: personSelect },
    },
  });
  const page = toPage(rows, input.limit, (r) => encodeCursor([r.id.toString()]));

  // Links to other issues: shown only when the reader may see the other issue too.
  const otherKeys = new Set<string>();
  for (const r of page.items) {
    if (r.entityType !== "IssueLink") continue;
    const link = obj(r.after) ?? obj(r.before);
    for (const k of [obj(link?.from)?.key, obj(link?.to)?.key])
      if (typeof k === "string" && k !== issue.key) otherKeys.add(k);
  }
  const visible = new Set(
    otherKeys.size
      ? (
          await db.issue.findMany({
            where: { AND: [visibleIssuesWhere(scope), { key: { in: [...otherKeys] } }] },
            select: { key: true },
          })
        ).map((i) => i.key)
      : [],
  );
  // Comments as they read now.
  const commentIds = page.items.filter((r) => r.action === "issue.commented").map((r) => r.entityId);
  const comments = new Map(
    (
      await db.comment.findMany({
        where: { id: { in: commentIds }, issueId: issue.id },
        select: { id: true, body: true, deletedAt: true },
      })
    ).map((c) => [c.id, c]),
  );

  const items = page.items.flatMap((r) => {
    if (r.entityType === "IssueLink") {
      const link = obj(r.after) ?? obj(r.before);
      const keys = [obj(link?.from)?.key, obj(link?.to)?.key].filter((k) => k !== issue.key);
      if (!keys.every((k) => typeof k === "string" && visible.has(k))) return [];
    }
    const comment = r.action === "issue.commented" ? comments.get(r.entityId) : undefined;
    return [
      {
        id: r.id.toString(),
        action: r.action,
        entityType: r.entityType,
        createdAt: r.createdAt,
        actor: r.actor,
        before: shown(r.entityType, r.before),
        after: shown(r.entityType, r.after),
        comment: comment
          ? { id: comment.id, body: comment.deletedAt ? "" : comment.body, deleted: Boolean(comment.deletedAt) }
          : null,
      },
    ];
  });
  return { items, nextCursor: page.nextCursor };
}
