import { createHash } from "node:crypto";

/**
 * The SHA-256 of a secret as hex: how every secret the server must recognise
 * but never keep is stored (emailed links, API tokens, recovery codes, the
 * address of a failed sign-in).
 */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
