/**
 * Keyset pagination helpers: fetch limit + 1 rows, hand back the cursor of the last one kept.
 * A cursor is opaque to clients (base64url JSON); each list declares the zod schema of its own
 * cursor, and one that does not decode to that shape is a client error, never a silent first page.
 */
import { z } from "zod";

import { id as idSchema, isSupportedDate, type Page, positiveInt } from "@/lib/schemas/common";
import { AppError } from "@/server/errors";

export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? cursorOf(last) : null };
}

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/**
 * The parts of a cursor made by `encodeCursor`, checked against the list's cursor schema;
 * null when there is no cursor (the first page). Anything else is BAD_REQUEST "Invalid cursor".
 */
export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.output<S> | null {
  if (!cursor) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(parts);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

function invalidCursor(): AppError {
  return new AppError("BAD_REQUEST", "Invalid cursor");
}

/** One positive number in a cursor: a key number (PAY-12 → 12) or a version. */
export const numberCursor = z.tuple([positiveInt]);

/** A timestamp written by `timeAndIdCursor`: an ISO date-time within the supported date range. */
const cursorTime = z.iso
  .datetime()
  .transform((s) => new Date(s))
  .refine(isSupportedDate);

/** The (timestamp, id) cursor of lists ordered by a timestamp with the id as tie-breaker. */
export const timeAndIdCursorSchema = z.tuple([cursorTime, idSchema]).transform(([at, rowId]) => ({ at, id: rowId }));

/**
 * The same for tables whose id is a PostgreSQL `uuid` (notifications, webhooks, deliveries): any
 * other id would fail in the database's comparison instead of here.
 */
export const timeAndUuidCursorSchema = z.tuple([cursorTime, z.uuid()]).transform(([at, rowId]) => ({ at, id: rowId }));

type TimeAndIdCursorSchema = typeof timeAndIdCursorSchema | typeof timeAndUuidCursorSchema;

/** The (timestamp, id) pair of a cursor made by `timeAndIdCursor`; null for none, BAD_REQUEST for a bad one. */
export function decodeTimeAndId(
  cursor: string | undefined,
  schema: TimeAndIdCursorSchema = timeAndIdCursorSchema,
): { at: Date; id: string } | null {
  return decodeCursor(cursor, schema);
}

/**
 * The keyset condition "after this (timestamp, id) cursor" for lists ordered
 * by a timestamp with the id as tie-breaker; undefined for the first page.
 * Tables with `uuid` ids pass `timeAndUuidCursorSchema`.
 */
export function afterTimeAndId<F extends string>(
  cursor: string | undefined,
  field: F,
  order: "asc" | "desc",
  schema: TimeAndIdCursorSchema = timeAndIdCursorSchema,
):
  | {
      OR: (
        | { [K in F]: { gt: Date } | { lt: Date } }
        | ({ [K in F]: Date } & { id: { gt: string } | { lt: string } })
      )[];
    }
  | undefined {
  const c = decodeTimeAndId(cursor, schema);
  if (!c) return undefined;
  const cmp = order === "asc" ? "gt" : "lt";
  return {
    OR: [
      { [field]: { [cmp]: c.at } } as { [K in F]: { gt: Date } | { lt: Date } },
      { [field]: c.at, id: { [cmp]: c.id } } as { [K in F]: Date } & { id: { gt: string } | { lt: string } },
    ],
  };
}

/** The cursor for afterTimeAndId. */
export function timeAndIdCursor(at: Date, id: string): string {
  return encodeCursor([at.toISOString(), id]);
}
