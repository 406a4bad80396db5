/**
 * What a live stream says about a dispatched outbox event: a `LiveChange`.
 *
 * The dispatcher describes each event once when it publishes it, and the
 * hub and the replay after a reconnect describe rows they read back from
 * the database with the same function, so an event looks the same whichever
 * way it reaches a browser. The description carries who may receive it
 * (`audience`), which the stream checks in memory for every subscriber: a
 * fan-out to thousands of streams runs no query per subscriber.
 */
import { Prisma } from "@prisma/client";

import { queryRows } from "@/server/db";
import type { OutboxPayload } from "@/server/events/domain-events";

/**
 * Who may receive a change, by the same rules as reading the item:
 * - `member`: every member of the project (requirements, baselines, trace
 *   links between requirements, the project and its members);
 * - `issue`: whoever may see the issue (`canSeeIssue`: maintainers and
 *   admins, and the reporter or assignee);
 * - `admin`: project admins (webhooks, the Slack settings);
 * - `self`: only the user who acted (watching and unwatching).
 */
export type LiveAudience =
  | { level: "member" }
  | { level: "issue"; reporterId: string | null; assigneeId: string | null }
  | { level: "admin" }
  | { level: "self"; userId: string | null };

/** A dispatched change, as published between instances and kept by the hub. */
export interface LiveChange {
  /** The event's number (the stream's event id): in commit order, across every instance. */
  seq: number;
  /** The OutboxEvent id. */
  id: string;
  /** The domain action, e.g. `issue.created`, `traceLink.suspected`. */
  type: string;
  projectId: string | null;
  projectKey: string | null;
  /** The item the change is about (`PAY-12`, `PAY-I-7`, a baseline's id), or the project key. */
  key: string | null;
  /** The item's version after the change, where it has versions. */
  version?: number;
  /** Every item key the change touches (both ends of a trace link, the item of a comment). */
  refs: string[];
  actorId: string | null;
  /** The actor's display name, for "edited by …" (null for a system change or a deleted user). */
  actorName: string | null;
  /** When the change was committed (ISO 8601). */
  occurredAt: string;
  audience: LiveAudience;
  /** For membership changes: whose access changed. */
  memberUserId?: string;
  /** For changes to a user (instance role, …): whose access may have changed. */
  userId?: string;
}

/** What a browser receives for a change: the audience and internal ids stay on the server. */
export interface LiveChangeMessage {
  kind: "change";
  seq: number;
  id: string;
  type: string;
  projectKey: string | null;
  key: string | null;
  version?: number;
  refs: string[];
  actorId: string | null;
  actorName: string | null;
  occurredAt: Date;
}

const messages = new WeakMap<LiveChange, LiveChangeMessage>();

/**
 * The message for a change: one object per change, shared by every stream
 * that sends it, so its encoding can be shared too (server/live/sse.ts).
 */
export function toMessage(change: LiveChange): LiveChangeMessage {
  const known = messages.get(change);
  if (known) return known;
  const message: LiveChangeMessage = {
    kind: "change",
    seq: change.seq,
    id: change.id,
    type: change.type,
    projectKey: change.projectKey,
    key: change.key,
    refs: change.refs,
    actorId: change.actorId,
    actorName: change.actorName,
    occurredAt: new Date(change.occurredAt),
  };
  if (change.version !== undefined) message.version = change.version;
  messages.set(change, message);
  return message;
}

/** A dispatched outbox row, as the dispatcher holds it or the hub reads it back. */
export interface DispatchedRow {
  id: string;
  type: string;
  projectId: string | null;
  payload: unknown;
  seq: number | bigint | string;
  /** When it was dispatched: the moment it became visible to streams. */
  dispatchedAt: Date;
}

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function int(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** An item key as the payloads write them: `PAY-12`, `PAY-I-7`. */
function isIssueKey(key: string): boolean {
  return /^[A-Z]{2,10}-I-\d+$/.test(key);
}

interface Subject {
  key: string | null;
  version?: number;
  refs: string[];
  /** The issue whose visibility decides who receives it. */
  issueKey?: string;
  /** A trace link event without the link's ends in its payload: look its issue up. */
  traceLinkId?: string;
  level: "member" | "issue" | "admin" | "self";
  memberUserId?: string;
  userId?: string;
}

/** The item an event is about, from its payload alone. */
export function subjectOf(type: string, payload: OutboxPayload): Subject {
  const after = asObject(payload.after);
  const before = asObject(payload.before);
  const state = after ?? before;
  const entityType = str(payload.entityType);
  const version = int(payload.version) ?? int(state?.version);
  switch (entityType) {
    case "Issue": {
      const key = str(payload.key) ?? str(state?.key);
      return { key, version, refs: key ? [key] : [], issueKey: key ?? undefined, level: "issue" };
    }
    case "Comment":
    case "Attachment": {
      // A requirement's comment is seen by every member, like the requirement.
      const requirementKey = str(payload.requirementKey);
      if (requirementKey) return { key: requirementKey, refs: [requirementKey], level: "member" };
      const key = str(payload.issueKey);
      return { key, refs: key ? [key] : [], issueKey: key ?? undefined, level: "issue" };
    }
    case "IssueLink": {
      // Seen by whoever sees the issue it was made on; the other end is not named (it may be hidden from them).
      const key = str(payload.issueKey);
      return { key, refs: key ? [key] : [], issueKey: key ?? undefined, level: "issue" };
    }
    case "TraceLink": {
      const from = asObject(state?.from);
      const to = asObject(state?.to);
      const fromKey = str(from?.key);
      const toKey = str(to?.key) ?? str(payload.requirementKey);
      const refs = [fromKey, toKey].filter((k): k is string => k !== null);
      const issueKey = fromKey && (from?.kind === "issue" || isIssueKey(fromKey)) ? fromKey : undefined;
      // traceLink.suspected names only the requirement that changed: the link's issue, if any, is looked up.
      const lookup = !from ? (str(payload.entityId) ?? undefined) : undefined;
      return {
        key: toKey ?? fromKey,
        version: int(payload.version),
        refs,
        issueKey,
        traceLinkId: lookup,
        level: issueKey || lookup ? "issue" : "member",
      };
    }
    case "Review": {
      // Every member sees a requirement's reviews, like the requirement.
      const key = str(payload.requirementKey);
      return { key, refs: key ? [key] : [], level: "member" };
    }
    case "Requirement": {
      const key = str(payload.key) ?? str(state?.key);
      return { key, version, refs: key ? [key] : [], level: "member" };
    }
    case "Baseline": {
      const key = str(payload.entityId) ?? str(state?.id);
      return { key, refs: [], level: "member" };
    }
    case "Membership": {
      const user = asObject(state?.user);
      const memberUserId = str(user?.id) ?? str(state?.userId) ?? undefined;
      return { key: null, refs: [], level: "member", memberUserId };
    }
    case "Webhook":
      return { key: str(payload.entityId), refs: [], level: "admin" };
    case "Subscription":
      return { key: str(state?.item), refs: [], level: "self" };
    case "User":
      return { key: null, refs: [], level: "self", userId: str(payload.entityId) ?? undefined };
    default:
      // Project changes and anything new: members see that something changed (`project.slack_updated` is
      // admin-only, like the settings it shows).
      return { key: null, refs: [], level: type === "project.slack_updated" ? "admin" : "member" };
  }
}

/** Project keys never change, so one lookup per project and process is enough. */
const projectKeys = new Map<string, string>();
const PROJECT_KEY_CACHE_MAX = 10_000;

async function keysOf(projectIds: string[]): Promise<Map<string, string>> {
  const missing = [...new Set(projectIds)].filter((id) => !projectKeys.has(id));
  if (missing.length > 0) {
    const rows = await queryRows<{ id: string; key: string }>(
      Prisma.sql`SELECT id, key FROM "Project" WHERE id IN (${Prisma.join(missing)})`,
    );
    if (projectKeys.size + rows.length > PROJECT_KEY_CACHE_MAX) projectKeys.clear();
    for (const r of rows) projectKeys.set(r.id, r.key);
  }
  return projectKeys;
}

interface IssueAudience {
  reporterId: string | null;
  assigneeId: string | null;
}

/**
 * Describes dispatched rows as live changes: three statements at most for the
 * whole batch (the projects' keys once per process, the issues' reporter
 * and assignee as they are now, the actors' names), whatever the number of
 * rows.
 */
export async function describeChanges(rows: DispatchedRow[]): Promise<LiveChange[]> {
  if (rows.length === 0) return [];
  const subjects = rows.map((row) => subjectOf(row.type, asObject(row.payload) ?? {}));
  const keys = await keysOf(rows.flatMap((r) => (r.projectId ? [r.projectId] : [])));

  const issueKeys = [...new Set(subjects.flatMap((s) => (s.issueKey ? [s.issueKey] : [])))];
  const linkIds = [...new Set(subjects.flatMap((s) => (s.traceLinkId ? [s.traceLinkId] : [])))];
  const byIssueKey = new Map<string, IssueAudience>();
  const byLinkId = new Map<string, IssueAudience & { key: string }>();
  if (issueKeys.length > 0 || linkIds.length > 0) {
    // Issue keys are unique within a project and carry its key, so the key alone names the issue.
    const found = await queryRows<{
      key: string;
      reporterId: string | null;
      assigneeId: string | null;
      linkId: string | null;
    }>(Prisma.sql`
      SELECT i.key, i."reporterId", i."assigneeId", NULL::text AS "linkId"
      FROM "Issue" i
      WHERE i.key IN (${issueKeys.length > 0 ? Prisma.join(issueKeys) : Prisma.sql`NULL`})
      UNION ALL
      SELECT i.key, i."reporterId", i."assigneeId", t.id AS "linkId"
      FROM "TraceLink" t JOIN "Issue" i ON i.id = t."sourceIssueId"
      WHERE t.id IN (${linkIds.length > 0 ? Prisma.join(linkIds) : Prisma.sql`NULL`})`);
    for (const r of found) {
      if (r.linkId) byLinkId.set(r.linkId, r);
      else byIssueKey.set(r.key, r);
    }
  }

  const actorIds = [...new Set(rows.flatMap((r) => str(asObject(r.payload)?.actorId) ?? []))];
  const names = new Map<string, string>();
  if (actorIds.length > 0) {
    const users = await queryRows<{ id: string; name: string }>(
      Prisma.sql`SELECT id, name FROM "User" WHERE id IN (${Prisma.join(actorIds)})`,
    );
    for (const u of users) names.set(u.id, u.name);
  }

  return rows.map((row, i) => {
    const subject = subjects[i] as Subject;
    const payload = (asObject(row.payload) ?? {}) as OutboxPayload;
    const projectKey = row.projectId ? (keys.get(row.projectId) ?? null) : null;
    let audience: LiveAudience;
    const linked = subject.traceLinkId ? byLinkId.get(subject.traceLinkId) : undefined;
    const refs = linked && !subject.refs.includes(linked.key) ? [linked.key, ...subject.refs] : subject.refs;
    if (subject.level === "issue") {
      const issue = linked ?? (subject.issueKey ? byIssueKey.get(subject.issueKey) : undefined);
      if (issue) audience = { level: "issue", reporterId: issue.reporterId, assigneeId: issue.assigneeId };
      else if (subject.traceLinkId)
        audience = { level: "member" }; // a link between requirements
      else audience = { level: "issue", reporterId: null, assigneeId: null }; // deleted since: staff only
    } else if (subject.level === "self") {
      audience = { level: "self", userId: str(payload.actorId) };
    } else {
      audience = { level: subject.level };
    }
    const change: LiveChange = {
      seq: Number(row.seq),
      id: row.id,
      type: row.type,
      projectId: row.projectId,
      projectKey,
      key: subject.key ?? projectKey,
      refs,
      actorId: str(payload.actorId),
      actorName: names.get(str(payload.actorId) ?? "") ?? null,
      occurredAt: row.dispatchedAt.toISOString(),
      audience,
    };
    if (subject.version !== undefined) change.version = subject.version;
    if (subject.memberUserId) change.memberUserId = subject.memberUserId;
    if (subject.userId) change.userId = subject.userId;
    return change;
  });
}

/** Reads dispatched rows back by number: `after` < seq ≤ `upTo`, optionally one project's, oldest first. */
export async function readDispatched(opts: {
  after: number;
  upTo?: number;
  projectId?: string;
  limit: number;
}): Promise<DispatchedRow[]> {
  const conditions = [Prisma.sql`seq > ${opts.after}`];
  if (opts.upTo !== undefined) conditions.push(Prisma.sql`seq <= ${opts.upTo}`);
  if (opts.projectId) conditions.push(Prisma.sql`"projectId" = ${opts.projectId}`);
  return queryRows<DispatchedRow>(Prisma.sql`
    SELECT id, type, "projectId", payload, seq, "dispatchedAt"
    FROM "OutboxEvent"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY seq
    LIMIT ${opts.limit}`);
}

/** The highest number handed out and committed so far (0 before the first). */
export async function latestSeq(): Promise<number> {
  const [row] = await queryRows<{ seq: string | null }>(Prisma.sql`SELECT max(seq) AS seq FROM "OutboxEvent"`);
  return row?.seq == null ? 0 : Number(row.seq);
}
