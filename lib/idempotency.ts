/**
 * The `Idempotency-Key` header, shared by the server and the browser client.
 *
 * A create sent with a key is done once per caller and key: a retry with the
 * same key within 24 hours gets the first answer back instead of creating
 * again (server/services/idempotency.ts). The server honours the key on the
 * procedures listed here (each declares `meta({ idempotent: true })`; a test
 * keeps the two equal) and on the attachment upload route; anywhere else the
 * header is ignored.
 */

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** How long a key holds its answer; an older key starts afresh. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

/** The mutations that honour the header, by procedure path. */
export const IDEMPOTENT_MUTATIONS: ReadonlySet<string> = new Set([
  "project.create",
  "requirement.create",
  "baseline.create",
  "traceLink.create",
  "issue.create",
  "issue.comments.add",
  "requirement.comments.add",
]);

/** 1–200 printable ASCII characters (space to tilde): a UUID, a ULID, any client's own scheme. */
const KEY_PATTERN = new RegExp(`^[\\x20-\\x7E]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * A fresh key: a random UUID. `crypto.randomUUID` exists only in secure
 * contexts (https, localhost); an instance served over plain http on a LAN
 * still has `getRandomValues`, so the UUID is built from that there.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
