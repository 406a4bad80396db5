/**
 * The client address the server can vouch for: the one key of sign-in
 * throttling and rate limits.
 *
 * The server entry (scripts/serve.mjs, run by `npm start` and the container
 * image) writes the TCP peer's address into CLIENT_ADDRESS_HEADER on every
 * request before Next sees it, replacing whatever a client sent under that
 * name, and marks the process so this module knows the header is genuine.
 * X-Forwarded-For is believed only as far as TRUSTED_PROXIES says: every proxy
 * appends the address it received the request from, so behind N proxies of
 * ours the Nth entry from the right was written by the outermost one, and
 * anything to its left is whatever the client claimed.
 *
 * Without the server entry (`next dev`, tests calling handlers directly) the
 * answer is "local" unless TRUSTED_PROXIES reads it from X-Forwarded-For.
 */
import { isIP } from "node:net";

import { getEnv } from "@/lib/env.mjs";

/** Written by scripts/serve.mjs; a unit test keeps the two names equal. */
export const CLIENT_ADDRESS_HEADER = "x-specline-client-address";
/** Set on globalThis by scripts/serve.mjs: the header above was written by the server, not a client. */
export const CLIENT_ADDRESS_STAMPED = Symbol.for("specline.clientAddressStamped");

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** A bare, canonical IP address (`::ffff:1.2.3.4` → `1.2.3.4`, `[::1]:80` → `::1`), or null for anything else. */
export function normalizeAddress(raw: string | undefined): string | null {
  let value = raw?.trim().toLowerCase() ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1] ?? "";
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(value);
  if (mapped) value = mapped[1] ?? "";
  return isIP(value) ? value : null;
}

function stampedAddress(headers: HeaderSource): string | null {
  if ((globalThis as Record<symbol, unknown>)[CLIENT_ADDRESS_STAMPED] !== true) return null;
  return normalizeAddress(headerValue(headers, CLIENT_ADDRESS_HEADER));
}

/**
 * The TCP peer's address as stamped by the server entry, or null when the
 * process was not started through it (the header could then be anyone's).
 * Proxies are not consulted: behind one, this is the proxy's address.
 */
export function socketAddress(headers: HeaderSource): string | null {
  return stampedAddress(headers);
}

/**
 * The client address for rate limiting: with TRUSTED_PROXIES=N > 0 the Nth
 * address from the right of X-Forwarded-For; otherwise, or when that entry is
 * missing or not an address, the socket address stamped by the server entry;
 * "local" when there is neither.
 */
export function clientIp(headers: HeaderSource): string {
  const trusted = getEnv().TRUSTED_PROXIES;
  if (trusted > 0) {
    const hops = (headerValue(headers, "x-forwarded-for") ?? "")
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean);
    const fromProxy = hops.length >= trusted ? normalizeAddress(hops[hops.length - trusted]) : null;
    if (fromProxy) return fromProxy;
  }
  return stampedAddress(headers) ?? "local";
}
