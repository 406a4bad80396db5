/**
 * Dynamic route segments (`/projects/[key]/…`) arrive percent-encoded. A
 * malformed escape such as `%E0%A4%A` makes decodeURIComponent throw, which
 * would render as a 500; a URL nobody could have been given is the
 * not-found page instead.
 */
import { notFound } from "next/navigation";

/** The decoded segment, or null when its percent-escapes are malformed. */
export function decodeRouteParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** The decoded segment; a malformed one is the not-found page. */
export function routeParamOrNotFound(raw: string): string {
  const decoded = decodeRouteParam(raw);
  if (decoded === null) notFound();
  return decoded;
}
