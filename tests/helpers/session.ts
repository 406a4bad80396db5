/**
 * Signing in without the sign-in form, and waiting on what arrives over a
 * connection: for tests that talk to Specline over HTTP.
 */
import { encode } from "next-auth/jwt";

import { startSession } from "@/server/auth/sessions";

/**
 * The session token of a browser `userId` just signed in with: a `Session`
 * row, as sign-in starts one, named by next-auth's encrypted token.
 */
export async function sessionTokenFor(userId: string): Promise<{ token: string; sessionId: string }> {
  const sessionId = await startSession(userId, { userAgent: "Specline tests" });
  const token = await encode({ token: { sub: userId, sid: sessionId }, secret: process.env.AUTH_SECRET as string });
  return { token, sessionId };
}

/** A session cookie for `userId`, as next-auth writes it (encrypted with the server's AUTH_SECRET). */
export async function sessionCookieFor(userId: string): Promise<string> {
  return `next-auth.session-token=${(await sessionTokenFor(userId)).token}`;
}

/** Waits until `check()` holds, polling every 20 ms; throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
