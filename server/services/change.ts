/**
 * One transaction per change (DESIGN invariant 2). A mutation runs its writes
 * inside `applyChange`, records what it did, and the helper appends the
 * AuditEvent and OutboxEvent rows in the same transaction: either all of it
 * happened or none of it did. A callback that records nothing wrote nothing
 * worth auditing (e.g. an update that changed no field).
 *
 * A create sent with an Idempotency-Key carries the claim on its Actor: the
 * transaction claims the key first and stores the result on it last
 * (server/services/idempotency.ts), so a retry gets the same answer instead
 * of a second create. The procedures that opt in return exactly what
 * `applyChange` returned, which is what a replay answers with.
 */
import { Prisma } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import { db, setLocalStatementTimeout, type Tx, transactionLimits } from "@/server/db";
import { type BulkColumn, bulkInsert } from "@/server/db-bulk";
import { isWriteConflict } from "@/server/errors";
import { outboxWritten } from "@/server/events/domain-events";
import {
  claimIdempotencyKey,
  type IdempotencyClaim,
  replayIfCommitted,
  storeIdempotentResult,
} from "@/server/services/idempotency";

export interface Actor {
  /** null for system actions (seed, jobs). */
  userId: string | null;
  requestId: string;
  /** Set only for a create that opted in and was sent with an Idempotency-Key. */
  idempotency?: IdempotencyClaim;
  /** The client address of the request (the security log notes it). */
  ip?: string | null;
  /** The API token the request came with, if any (the audit log notes which token acted). */
  apiTokenId?: string | null;
}

export interface ChangeRecord {
  /** Past-tense domain action, e.g. `project.created`; also the outbox event type. */
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Extra fields for the outbox payload (consumers get before/after too). */
  data?: Record<string, unknown>;
  /**
   * `false`: audited only, no outbox event. For the rows of a bulk change that announces itself once
   * (an import's summary event), so subscribers get one message rather than one per row.
   */
  publish?: false;
}

export type RecordChange = (change: ChangeRecord) => void;

const AUDIT_COLUMNS: BulkColumn[] = [
  { name: "actorId", type: "text" },
  { name: "action", type: "text" },
  { name: "entityType", type: "text" },
  { name: "entityId", type: "text" },
  { name: "projectId", type: "text" },
  { name: "before", type: "jsonb" },
  { name: "after", type: "jsonb" },
  { name: "requestId", type: "text" },
  { name: "apiTokenId", type: "text" },
  { name: "subjects", type: "text[]" },
];

const ITEM_KEY = /^[A-Z]{2,10}-(I-)?\d+$/;

/**
 * The requirements and issues a change concerns, by key: the item it changed, the issue or requirement a
 * comment or attachment belongs to, both ends of a link. An item's activity lists the changes naming it.
 */
export function subjectKeys(change: ChangeRecord): string[] {
  const field = (obj: unknown, name: string): unknown =>
    obj && typeof obj === "object" ? (obj as Record<string, unknown>)[name] : undefined;
  const candidates = [
    field(change.data, "key"),
    field(change.data, "issueKey"),
    field(change.data, "requirementKey"),
    field(change.data, "otherKey"),
  ];
  for (const snapshot of [change.after, change.before]) {
    if (change.entityType === "Issue" || change.entityType === "Requirement") candidates.push(field(snapshot, "key"));
    candidates.push(field(field(snapshot, "from"), "key"), field(field(snapshot, "to"), "key"));
  }
  return [...new Set(candidates.filter((k): k is string => typeof k === "string" && ITEM_KEY.test(k)))];
}

function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === undefined || value === null) return Prisma.DbNull;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}

export async function applyChange<T>(
  actor: Actor,
  work: (tx: Tx, record: RecordChange) => Promise<T>,
  options: { isolationLevel?: Prisma.TransactionIsolationLevel; maxWait?: number; timeout?: number } = {},
): Promise<T> {
  const keyed = keyedBy(actor);
  let wroteEvents = false;
  try {
    const result = await db.$transaction(
      async (tx) => {
        await setLocalStatementTimeout(tx, getEnv().WRITE_STATEMENT_TIMEOUT_MS);
        if (keyed) await claimIdempotencyKey(tx, keyed.userId, keyed.claim);
        const changes: ChangeRecord[] = [];
        const result = await work(tx, (c) => changes.push(c));
        // One statement for every audit row of the change (an import writes hundreds).
        await bulkInsert(
          tx,
          "AuditEvent",
          AUDIT_COLUMNS,
          changes.map((c) => ({
            actorId: actor.userId,
            action: c.action,
            entityType: c.entityType,
            entityId: c.entityId,
            projectId: c.projectId ?? null,
            before: c.before ?? null,
            after: c.after ?? null,
            requestId: actor.requestId,
            apiTokenId: actor.apiTokenId ?? null,
            subjects: subjectKeys(c),
          })),
        );
        const published = changes.filter((c) => c.publish !== false);
        if (published.length > 0) {
          wroteEvents = true;
          await tx.outboxEvent.createMany({
            data: published.map((c) => ({
              type: c.action,
              projectId: c.projectId ?? null,
              payload: toJson({
                actorId: actor.userId,
                requestId: actor.requestId,
                entityType: c.entityType,
                entityId: c.entityId,
                projectId: c.projectId ?? null,
                before: c.before ?? null,
                after: c.after ?? null,
                ...c.data,
              }) as Prisma.InputJsonValue,
            })),
          });
        }
        if (keyed) await storeIdempotentResult(tx, keyed.userId, keyed.claim, result);
        return result;
      },
      { ...transactionLimits(), ...options },
    );
    // Committed: the dispatcher (if it runs in this process) picks the events up now rather than at its next poll.
    if (wroteEvents) outboxWritten();
    return result;
  } catch (err) {
    // Under repeatable read a duplicate that waited on the key is aborted rather than shown the first request's row.
    if (keyed && isWriteConflict(err)) await replayIfCommitted(keyed.userId, keyed.claim);
    throw err;
  }
}

function keyedBy(actor: Actor): { userId: string; claim: IdempotencyClaim } | null {
  if (!actor.idempotency) return null;
  if (!actor.userId) throw new Error("An idempotency key belongs to a signed-in caller");
  return { userId: actor.userId, claim: actor.idempotency };
}
