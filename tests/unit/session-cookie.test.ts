/**
 * The session cookie is decoded once and remembered until its own expiry
 * (server/auth/session.ts): the same cookie again skips the decryption, an
 * altered one is decoded afresh and refused, an expired one is never
 * remembered, and a new secret forgets every cookie decoded with the old one.
 */
import { encode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const decodes = vi.hoisted(() => ({ count: 0 }));

vi.mock("next-auth/jwt", async (importOriginal) => {
  const actual = await importOriginal<typeof import("next-auth/jwt")>();
  return {
    ...actual,
    decode: (...args: Parameters<typeof actual.decode>) => {
      decodes.count++;
      return actual.decode(...args);
    },
  };
});

const { getRequestSession } = await import("@/server/auth/session");
const { resetEnvCache } = await import("@/lib/env.mjs");

const SECRET = "session-cookie-test-secret-0123456789abcdef";

function requestWith(token: string) {
  return new Request("http://localhost/api/trpc/user.me", { headers: { cookie: `next-auth.session-token=${token}` } });
}

async function cookie(claims: { sub: string; sid: string }, maxAge = 3600, secret = SECRET) {
  return encode({ token: claims, secret, maxAge });
}

beforeEach(() => {
  vi.stubEnv("AUTH_SECRET", SECRET);
  vi.stubEnv("APP_URL", "http://localhost:3000");
  resetEnvCache();
  decodes.count = 0;
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe("getRequestSession", () => {
  it("decodes a cookie once and answers the same session from memory after", async () => {
    const token = await cookie({ sub: "user-a", sid: "session-a" });
    expect(await getRequestSession(requestWith(token))).toEqual({ userId: "user-a", sessionId: "session-a" });
    expect(await getRequestSession(requestWith(token))).toEqual({ userId: "user-a", sessionId: "session-a" });
    expect(decodes.count).toBe(1);

    const other = await cookie({ sub: "user-b", sid: "session-b" });
    expect(await getRequestSession(requestWith(other))).toEqual({ userId: "user-b", sessionId: "session-b" });
    expect(decodes.count).toBe(2);
  });

  it("decodes an altered cookie afresh and refuses it, every time", async () => {
    const token = await cookie({ sub: "user-c", sid: "session-c" });
    await getRequestSession(requestWith(token));
    const altered = `${token.slice(0, -3)}${token.slice(-3) === "AAA" ? "BBB" : "AAA"}`;
    expect(await getRequestSession(requestWith(altered))).toBeNull();
    expect(await getRequestSession(requestWith(altered))).toBeNull();
    expect(decodes.count).toBe(3);
  });

  it("forgets a cookie at its expiry", async () => {
    const token = await cookie({ sub: "user-d", sid: "session-d" }, 2);
    expect(await getRequestSession(requestWith(token))).not.toBeNull();
    // decode accepts 15 s past the expiry; the memory does not.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await getRequestSession(requestWith(token));
    expect(decodes.count).toBe(2);
  });

  it("never remembers a cookie decoded with another secret, and forgets all when the secret changes", async () => {
    const foreign = await cookie({ sub: "user-e", sid: "session-e" }, 3600, "another-secret-0123456789abcdef0123");
    expect(await getRequestSession(requestWith(foreign))).toBeNull();
    expect(await getRequestSession(requestWith(foreign))).toBeNull();
    expect(decodes.count).toBe(2);

    const token = await cookie({ sub: "user-f", sid: "session-f" });
    expect(await getRequestSession(requestWith(token))).not.toBeNull();
    vi.stubEnv("AUTH_SECRET", "a-rotated-secret-0123456789abcdef0123");
    resetEnvCache();
    // Decoded again with the new secret, which does not open it.
    expect(await getRequestSession(requestWith(token))).toBeNull();
    expect(decodes.count).toBe(4);
  });
});
