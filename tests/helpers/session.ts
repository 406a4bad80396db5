/**
 * Signing in without the sign-in form, and waiting on what arrives over a
 * connection: for tests that talk to Specline over HTTP.
 */
import { encode } from "next-auth/jwt";

/** A session cookie for `userId`, as next-auth writes it (encrypted with the server's AUTH_SECRET). */
export async function sessionCookieFor(userId: string): Promise<string> {
  const token = await encode({ token: { sub: userId }, secret: process.env.AUTH_SECRET as string });
  return `next-auth.session-token=${token}`;
}

/** Waits until `check()` holds, polling every 20 ms; throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
