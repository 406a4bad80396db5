/**
 * The session of the current request (server components, route handlers,
 * the tRPC endpoint, live streams): the user id and the session id inside
 * next-auth's cookie.
 *
 * Reads the cookie and decrypts it with next-auth's own `decode` (which
 * checks the expiry). `getServerSession` would do the same and then
 * re-encrypt a refreshed token on every call, which costs more than the rest
 * of a small query; the cookie is refreshed by next-auth's own
 * `/api/auth/session` endpoint instead. Whether the session is still live
 * (not signed out, not idle too long, its user active) is checked against
 * the database with the caller, by resolveCallerInProject; roles are never
 * taken from the token.
 */
import { LRUCache } from "lru-cache";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";

import { appUrl, getEnv } from "@/lib/env.mjs";
import { resolveApiToken } from "@/server/auth/api-tokens";

/**
 * The cookie names a session is read from: behind an https app URL only the
 * `__Secure-` one (which browsers accept only over https and which next-auth
 * writes there), so a cookie planted over plain http cannot stand in for it.
 */
export function sessionCookieNames(): readonly string[] {
  return appUrl(getEnv()).startsWith("https:")
    ? ["__Secure-next-auth.session-token"]
    : ["__Secure-next-auth.session-token", "next-auth.session-token"];
}

type CookieJar = { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };

/** The session token, joined from next-auth's chunks (`name.0`, `name.1`, …) when it was split. */
export function sessionTokenFrom(jar: CookieJar): string | null {
  for (const name of sessionCookieNames()) {
    const whole = jar.get(name)?.value;
    if (whole) return whole;
    const chunks = jar
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    if (chunks.length) return chunks.map((c) => c.value).join("");
  }
  return null;
}

/** The cookies of `req`'s Cookie header as a jar (route handlers read the request they were given). */
function cookieJarOf(req: Request): CookieJar {
  const all: { name: string; value: string }[] = [];
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // Not percent-encoded after all: keep the raw value.
    }
    all.push({ name, value });
  }
  return { get: (name) => all.find((c) => c.name === name), getAll: () => all };
}

export interface RequestSession {
  userId: string;
  /** The `Session` row the cookie names (checked against the database with the caller). */
  sessionId: string;
}

/** How many decoded cookies `getRequestSession` keeps (a few hundred bytes each). */
export const DECODED_SESSIONS_MAX = 10_000;

/**
 * Cookies already decoded, until their own expiry: decoding is a key derivation and a decryption on every
 * request (a tenth of a cheap procedure's time). Safe to keep because the cookie only says *which* session
 * it is: whether that session is still live (signed out, idle, its user deactivated) is read from the
 * database with the caller on every call. Keyed by the whole token, so an altered cookie is decoded (and
 * refused) afresh; emptied when the secret changes.
 */
const decoded = new LRUCache<string, RequestSession>({ max: DECODED_SESSIONS_MAX });
let decodedWith: string | null = null;

/**
 * The session the request's cookie carries: from `req`'s cookies when a
 * route handler passes its request, otherwise from the current request's
 * (server components). null without a readable cookie, or for a cookie
 * issued before sessions had ids.
 */
export async function getRequestSession(req?: Request): Promise<RequestSession | null> {
  const token = sessionTokenFrom(req ? cookieJarOf(req) : await cookies());
  if (!token) return null;
  // The secret next-auth signs with (authOptions' `secret`), read without building the sign-in providers.
  const secret = getEnv().AUTH_SECRET;
  if (!secret) return null;
  if (decodedWith !== secret) {
    decoded.clear();
    decodedWith = secret;
  }
  const known = decoded.get(token);
  if (known) return known;
  try {
    const payload = await decode({ token, secret });
    const userId = payload?.sub;
    const sessionId = payload?.sid;
    if (typeof userId !== "string" || !userId || typeof sessionId !== "string" || !sessionId) return null;
    const session = { userId, sessionId };
    // Until the token's own expiry (decode has just checked it is not past).
    const ttl = typeof payload.exp === "number" ? payload.exp * 1000 - Date.now() : 0;
    if (ttl > 0) decoded.set(token, session, { ttl });
    return session;
  } catch {
    // Tampered, expired or encrypted with another secret: not signed in.
    return null;
  }
}

/** Who a request acts as: a browser's session, or another program's API token. */
export type RequestCredentials =
  | { userId: string; sessionId: string; apiToken?: undefined }
  | { userId: string; sessionId?: undefined; apiToken: { id: string; scope: "READ" | "WRITE" } };

/** The request's `Authorization: Bearer …` value, if it sends one. */
export function bearerTokenOf(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header || !/^bearer\s/i.test(header)) return null;
  return header.slice(header.indexOf(" ") + 1).trim();
}

/**
 * The credentials of a request to the API or a file route: a bearer token
 * when it sends one (then the token alone counts — an unknown, revoked or
 * expired one is nobody, never the cookie beside it), else the session
 * cookie. Whether either is still live is checked again with the caller.
 */
export async function getRequestCredentials(req: Request): Promise<RequestCredentials | null> {
  const bearer = bearerTokenOf(req);
  if (bearer !== null) {
    const token = await resolveApiToken(bearer);
    return token ? { userId: token.userId, apiToken: { id: token.id, scope: token.scope } } : null;
  }
  return getRequestSession(req);
}
