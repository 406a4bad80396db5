/**
 * Many rows in one INSERT: the rows travel as one JSON parameter that PostgreSQL unpacks with
 * `jsonb_to_recordset`. Prisma's `createMany` builds and checks its query in the client for every row,
 * which made it most of an import's time (docs/benchmarks.md, "Imports"); this is one statement whose
 * text depends only on the table, whatever the number of rows.
 *
 * Tables and columns are the caller's constants, never input. A JSON null (or a missing key) is SQL NULL,
 * so a column with a database default must be given a value when it matters.
 */
import { Prisma } from "@prisma/client";

import type { Tx } from "@/server/db";

export interface BulkColumn {
  name: string;
  /** The column's SQL type as the JSON is read: `text`, `integer`, `double precision`, `boolean`, `jsonb`, `text[]`, `timestamp(3)`. */
  type: string;
  /** An enum column: the type the text is cast to, e.g. `"RequirementType"`. */
  cast?: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

function quoted(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a column or table name: ${name}`);
  return `"${name}"`;
}

/** JSON for the rows: bigints as text, Dates as ISO text (PostgreSQL reads them into timestamp columns). */
function payload(rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export async function bulkInsert(
  tx: Tx,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => quoted(c.name)).join(", ");
  const values = columns.map((c) => (c.cast ? `x.${quoted(c.name)}::${c.cast}` : `x.${quoted(c.name)}`)).join(", ");
  const record = columns.map((c) => `${quoted(c.name)} ${c.type}`).join(", ");
  await tx.$executeRaw(
    Prisma.sql`INSERT INTO ${Prisma.raw(quoted(table))} (${Prisma.raw(names)}) SELECT ${Prisma.raw(values)} FROM jsonb_to_recordset(${payload(rows)}::jsonb) AS x(${Prisma.raw(record)})`,
  );
}
