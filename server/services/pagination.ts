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
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === "string" || typeof p === "number")) {
      return parts as (string | number)[];
    }
  } catch {
    /* fall through */
  }
  return null;
}
