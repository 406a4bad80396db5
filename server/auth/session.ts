/**
 * The signed-in user's id for the current request (server components, route
 * handlers, the tRPC endpoint).
 *
 * Reads the session cookie and decrypts it with next-auth's own `decode`
 * (which checks the expiry). `getServerSession` would do the same and then
 * re-encrypt a refreshed token on every call, which costs more than the rest
 * of a small query; the session is refreshed by next-auth's own
 * `/api/auth/session` endpoint instead. Roles are never taken from the token:
 * procedures read them from the database.
 */
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";

import { getEnv } from "@/lib/env.mjs";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

type CookieJar = { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };

/** The session token, joined from next-auth's chunks (`name.0`, `name.1`, …) when it was split. */
export function sessionTokenFrom(jar: CookieJar): string | null {
  for (const name of COOKIE_NAMES) {
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

/**
 * The signed-in user's id: from `req`'s cookies when a route handler passes
 * its request, otherwise from the current request's (server components).
 */
export async function getSessionUserId(req?: Request): Promise<string | null> {
  const token = sessionTokenFrom(req ? cookieJarOf(req) : await cookies());
  if (!token) return null;
  // The secret next-auth signs with (authOptions' `secret`), read without building the sign-in providers.
  const secret = getEnv().AUTH_SECRET;
  if (!secret) return null;
  try {
    const payload = await decode({ token, secret });
    return typeof payload?.sub === "string" && payload.sub ? payload.sub : null;
  } catch {
    // Tampered, expired or encrypted with another secret: not signed in.
    return null;
  }
}
