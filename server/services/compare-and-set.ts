/**
 * The one compare-and-set for versioned rows — requirements, issues and
 * projects (DESIGN invariant 1: no lost updates). It runs inside the caller's
 * applyChange transaction and follows one rule for all three:
 *   1. a stale `expectedVersion` is a CONFLICT, even when nothing would change;
 *   2. a change that leaves every versioned field as it was writes nothing;
 *   3. otherwise one `updateMany where { id, version: expectedVersion }` bumps
 *      the version and stamps who and when, so of many concurrent writers
 *      exactly one wins per version and the others get the CONFLICT.
 * Every CONFLICT carries the same details: the current version, the current
 * row as the API presents it, who wrote that version and when.
 */
import { sameValue } from "@/lib/diff";
import type { Tx } from "@/server/db";
import { type AppError, conflict } from "@/server/errors";
import type { Actor } from "@/server/services/change";

/** What the helper reads from every versioned row. `key` is the human key: PAY, PAY-12, PAY-I-7. */
export interface VersionedRow {
  id: string;
  key: string;
  version: number;
  updatedAt: Date;
  updatedById: string | null;
}

export type ChangedBy = { id: string; name: string } | null;

/** `details` of every CONFLICT from a stale version. */
export type ConflictDetails<Current = unknown> = {
  currentVersion: number;
  current: Current;
  updatedBy: ChangedBy;
  updatedAt: Date;
};

/** The columns the winning write sets besides the changed fields. */
export type VersionStamp = { version: { increment: 1 }; updatedAt: Date; updatedById: string | null };

export function conflictError<Current>(row: VersionedRow, updatedBy: ChangedBy, current: Current): AppError {
  const details: ConflictDetails<Current> = {
    currentVersion: row.version,
    current,
    updatedBy,
    updatedAt: row.updatedAt,
  };
  return conflict(
    `${row.key} was changed by ${updatedBy?.name ?? "someone else"} (now at version ${row.version})`,
    details,
  );
}

/** Who wrote the row's current version (null for a system change or a deleted user). */
async function changedBy(tx: Pick<Tx, "user">, row: VersionedRow): Promise<ChangedBy> {
  if (!row.updatedById) return null;
  return tx.user.findUnique({ where: { id: row.updatedById }, select: { id: true, name: true } });
}

/**
 * Throws the CONFLICT when `row` is no longer at `expectedVersion`. For
 * services that must check the version before other rules (a workflow error
 * about a state the client never saw would mislead); compareAndSet checks it too.
 */
export async function assertVersion<Row extends VersionedRow>(
  tx: Pick<Tx, "user">,
  row: Row,
  expectedVersion: number,
  present: (row: Row) => unknown,
): Promise<void> {
  if (row.version !== expectedVersion) throw conflictError(row, await changedBy(tx, row), present(row));
}

export type CompareAndSetResult<Row> = { changed: false; row: Row } | { changed: true; row: Row; at: Date };

export async function compareAndSet<Row extends VersionedRow, Fields>(
  tx: Pick<Tx, "user">,
  opts: {
    actor: Actor;
    current: Row;
    expectedVersion: number;
    /** The versioned fields of a row, in the same shape as `next`. */
    fields: (row: Row) => Fields;
    next: Fields;
    /** The one write: `updateMany({ where, data: { ...changes, ...stamp } })` on the entity's table. */
    write: (where: { id: string; version: number }, stamp: VersionStamp) => Promise<{ count: number }>;
    /** Reads the row again (after the write, or to report the winner's state). */
    reload: () => Promise<Row>;
    /** The row as the API returns it, for the CONFLICT's `current`. */
    present: (row: Row) => unknown;
  },
): Promise<CompareAndSetResult<Row>> {
  const { current, expectedVersion } = opts;
  await assertVersion(tx, current, expectedVersion, opts.present);
  if (sameValue(opts.fields(current), opts.next)) return { changed: false, row: current };
  const at = new Date();
  const { count } = await opts.write(
    { id: current.id, version: expectedVersion },
    { version: { increment: 1 }, updatedAt: at, updatedById: opts.actor.userId },
  );
  if (count !== 1) {
    // Another writer committed between our read and our write: report their state.
    const latest = await opts.reload();
    throw conflictError(latest, await changedBy(tx, latest), opts.present(latest));
  }
  return { changed: true, row: await opts.reload(), at };
}
