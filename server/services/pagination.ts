/** Keyset pagination helpers: fetch limit + 1 rows, hand back the cursor of the last one kept. */
import type { Page } from "@/lib/schemas/common";

export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? cursorOf(last) : null };
}

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(parts) &&
      parts.length === arity &&
      parts.every((p) => typeof p === "string" || typeof p === "number")
    ) {
      return parts as (string | number)[];
    }
  } catch {
    /* fall through */
  }
  return null;
}

/** The (timestamp, id) pair of a cursor made by `timeAndIdCursor`; null for none or an unreadable one. */
export function decodeTimeAndId(cursor: string | undefined): { at: Date; id: string } | null {
  const c = decodeCursor(cursor, 2);
  if (!c) return null;
  const at = new Date(String(c[0]));
  return Number.isNaN(at.getTime()) ? null : { at, id: String(c[1]) };
}

/**
 * The keyset condition "after this (timestamp, id) cursor" for lists ordered
 * by a timestamp with the id as tie-breaker; undefined for the first page or
 * an unreadable cursor.
 */
export function afterTimeAndId<F extends string>(
  cursor: string | undefined,
  field: F,
  order: "asc" | "desc",
):
  | {
      OR: (
        | { [K in F]: { gt: Date } | { lt: Date } }
        | ({ [K in F]: Date } & { id: { gt: string } | { lt: string } })
      )[];
    }
  | undefined {
  const c = decodeTimeAndId(cursor);
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
