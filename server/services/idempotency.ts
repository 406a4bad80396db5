/**
 * Idempotent creates. A create sent with an `Idempotency-Key` (lib/idempotency.ts)
 * carries an `IdempotencyClaim` on its Actor; `applyChange` claims the key at
 * the start of its transaction and stores the create's result on it at the
 * end, so the key row exists exactly when the created rows do:
 *
 *   - first time: the claim inserts the row and the create runs;
 *   - a retry after the first committed (its answer lost on the way): the
 *     claim finds the row — same scope and input hash → `IdempotentReplay`
 *     with the stored result (the transaction rolls back, nothing is written,
 *     and the caller answers with that result); anything else → CONFLICT;
 *   - a retry while the first is still running: the claim waits on the
 *     primary key until the first commits (then as above) or rolls back
 *     (then the retry creates);
 *   - a key older than 24 hours is taken over as if new.
 *
 * Keys belong to the caller: the primary key is (userId, key).
 */
import { createHash } from "node:crypto";

import type { Prisma } from "@prisma/client";
import superjson from "superjson";

import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_TTL_MS, isValidIdempotencyKey } from "@/lib/idempotency";
import { db, type Tx } from "@/server/db";
import { AppError, conflict } from "@/server/errors";

/** What a create's Actor carries when it was sent with a key. */
export interface IdempotencyClaim {
  key: string;
  /** What the key is used for: a procedure path, or the route and its target. */
  scope: string;
  /** `requestHash` of the request's input. */
  requestHash: string;
}

/**
 * Thrown by `applyChange` when the key already holds this request's answer:
 * the transaction rolls back and whoever serves the request answers with
 * `result` (the tRPC middleware in server/api/trpc.ts, `withIdempotentReplay`
 * in route handlers).
 */
export class IdempotentReplay extends Error {
  constructor(readonly result: unknown) {
    super("This request was already answered; replaying its result");
    this.name = "IdempotentReplay";
  }
}

/** The header's value as a key: null when absent, BAD_REQUEST when malformed. */
export function parseIdempotencyKey(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isValidIdempotencyKey(value)) {
    throw new AppError(
      "BAD_REQUEST",
      `${IDEMPOTENCY_KEY_HEADER} must be 1 to 200 printable ASCII characters (a UUID is a good choice)`,
    );
  }
  return value;
}

/**
 * sha256 (hex) of a canonical encoding of `value`: object keys sorted,
 * undefined properties left out (as JSON leaves them out), Dates, BigInts,
 * Maps and Sets marked by type. Walked with an explicit stack, so input
 * nested thousands of levels deep cannot exhaust the call stack; an object
 * met twice (shared or cyclic) is encoded once.
 */
export function requestHash(value: unknown): string {
  const hash = createHash("sha256");
  const stack: (string | { value: unknown })[] = [{ value }];
  const seen = new Set<object>();
  for (let piece = stack.pop(); piece !== undefined; piece = stack.pop()) {
    if (typeof piece === "string") {
      hash.update(piece);
      continue;
    }
    const v = piece.value;
    switch (typeof v) {
      case "string":
        hash.update(JSON.stringify(v));
        continue;
      case "number":
      case "boolean":
        hash.update(String(v));
        continue;
      case "bigint":
        hash.update(`${v}n`);
        continue;
      case "undefined":
        hash.update("u");
        continue;
      case "object":
        break;
      default:
        hash.update("?");
        continue;
    }
    if (v === null) {
      hash.update("null");
      continue;
    }
    if (seen.has(v)) {
      hash.update("^");
      continue;
    }
    seen.add(v);
    if (v instanceof Date) {
      hash.update(`D${v.getTime()}`);
      continue;
    }
    let open: string;
    let parts: (string | { value: unknown })[];
    if (Array.isArray(v)) {
      open = "[";
      // Array.from, not map: a hole in a sparse array counts as undefined instead of being skipped.
      parts = Array.from(v, (item) => ({ value: item }));
    } else if (v instanceof Map || v instanceof Set) {
      open = v instanceof Map ? "M[" : "S[";
      parts = [...v].map((entry) => ({ value: entry }));
    } else {
      open = "{";
      parts = Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .flatMap((k) => [`${JSON.stringify(k)}:`, { value: (v as Record<string, unknown>)[k] }]);
    }
    // Pushed in reverse, so the stack pops them in order.
    stack.push(open === "{" ? "}" : "]");
    for (let i = parts.length - 1; i >= 0; i--) {
      stack.push(parts[i] as string | { value: unknown });
      const startsEntry = open === "{" ? typeof parts[i] === "string" : true;
      if (i > 0 && startsEntry) stack.push(",");
    }
    stack.push(open);
  }
  return hash.digest("hex");
}

const cutoff = () => new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS);

interface HeldKey {
  scope: string;
  requestHash: string;
  result: Prisma.JsonValue | null;
}

/** Claims already made in this process: an Actor's claim is good for one transaction. */
const claimed = new WeakSet<IdempotencyClaim>();

/**
 * The first statement of a keyed create's transaction. Inserts the key, or
 * takes over one older than 24 hours; a fresh key held by a committed
 * request ends the transaction with a replay or a CONFLICT. A key held by a
 * request still running makes the insert wait for it.
 */
export async function claimIdempotencyKey(tx: Tx, userId: string, claim: IdempotencyClaim): Promise<void> {
  if (claimed.has(claim)) {
    // The opted-in procedure ran two changes: the second would replay the first's answer as its own.
    throw new Error(`${claim.scope} claimed its idempotency key twice; a keyed create must run one applyChange`);
  }
  claimed.add(claim);
  const rows = await tx.$queryRaw<{ claimed: boolean }[]>`
    INSERT INTO "IdempotencyKey" ("userId", "key", "scope", "requestHash", "createdAt")
    VALUES (${userId}, ${claim.key}, ${claim.scope}, ${claim.requestHash}, ${new Date()})
    ON CONFLICT ("userId", "key") DO UPDATE
      SET "scope" = EXCLUDED."scope", "requestHash" = EXCLUDED."requestHash", "result" = NULL,
          "createdAt" = EXCLUDED."createdAt"
      WHERE "IdempotencyKey"."createdAt" <= ${cutoff()}
    RETURNING true AS claimed`;
  if (rows.length > 0) return;
  // Fresh and held: this statement's snapshot sees the committed row the insert waited for.
  const [held] = await tx.$queryRaw<HeldKey[]>`
    SELECT "scope", "requestHash", "result" FROM "IdempotencyKey" WHERE "userId" = ${userId} AND "key" = ${claim.key}`;
  if (!held) throw new Error("An idempotency key conflicted on insert but could not be read");
  replayOrConflict(held, claim);
}

/** The last statement of a keyed create's transaction: the answer a retry gets. */
export async function storeIdempotentResult(tx: Tx, userId: string, claim: IdempotencyClaim, result: unknown) {
  await tx.idempotencyKey.update({
    where: { userId_key: { userId, key: claim.key } },
    data: { result: superjson.serialize(result) as unknown as Prisma.InputJsonValue },
  });
}

/** The committed, unexpired use of `key` by `userId`, or null. */
export async function findIdempotencyKey(userId: string, key: string): Promise<HeldKey | null> {
  return db.idempotencyKey.findFirst({
    where: { userId, key, createdAt: { gt: cutoff() } },
    select: { scope: true, requestHash: true, result: true },
  });
}

/** What a held key answers this request with: its stored result, or CONFLICT when it was used for another request. */
export function storedAnswerOrConflict(held: HeldKey, claim: IdempotencyClaim): unknown {
  if (held.scope !== claim.scope || held.requestHash !== claim.requestHash) {
    throw conflict(
      `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request in the last 24 hours; send a new key for a new request`,
    );
  }
  if (held.result === null) throw new Error("A committed idempotency key holds no result");
  return superjson.deserialize(held.result as unknown as Parameters<typeof superjson.deserialize>[0]);
}

/** Inside a keyed transaction: the held key's answer ends it as an IdempotentReplay, or CONFLICT. */
function replayOrConflict(held: HeldKey, claim: IdempotencyClaim): never {
  throw new IdempotentReplay(storedAnswerOrConflict(held, claim));
}

/**
 * After a keyed transaction failed to serialize: under repeatable read, a
 * duplicate that waited on the key cannot see the first request's row and
 * is aborted instead. That row is committed by now; if it is there, this
 * request gets its replay or CONFLICT. Returns when it is not.
 */
export async function replayIfCommitted(userId: string, claim: IdempotencyClaim): Promise<void> {
  const held = await findIdempotencyKey(userId, claim.key);
  if (held) replayOrConflict(held, claim);
}

/** Runs a route handler's keyed work, answering a replay with the stored result. */
export async function withIdempotentReplay<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof IdempotentReplay) return err.result as T;
    throw err;
  }
}

/**
 * Deletes keys older than 24 hours, `batchSize` rows per statement (each its
 * own short transaction, rows a claim holds skipped), until a batch comes up
 * short or `maxBatches` ran. Run by the periodic housekeeping.
 */
export async function pruneExpiredIdempotencyKeys(
  opts: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ deleted: number }> {
  const batchSize = opts.batchSize ?? 1000;
  const maxBatches = opts.maxBatches ?? 50;
  const before = cutoff();
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await db.$executeRaw`
      DELETE FROM "IdempotencyKey" WHERE ("userId", "key") IN (
        SELECT "userId", "key" FROM "IdempotencyKey" WHERE "createdAt" <= ${before}
        LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      )`;
    deleted += count;
    if (count < batchSize) break;
  }
  return { deleted };
}
