/**
 * Sign-in throttling through next-auth's credentials provider as the
 * sign-in endpoint calls it: every attempt is counted atomically before its
 * password is looked at, later attempts on an account wait a growing delay
 * whatever the password, and a client address has a hard limit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { CLIENT_ADDRESS_HEADER, CLIENT_ADDRESS_STAMPED } from "@/server/auth/client-ip";
import { ACCOUNT_ATTEMPTS_COUNTED, buildAuthOptions, LoginThrottledError, loginDelayMs } from "@/server/auth/options";
import { getLimiter } from "@/server/rate-limit";

import { createUser } from "../helpers/factories";

const PASSWORD = "cobalt-ferry-meadow-12";
const saved = { ...process.env };
let octet = 10;

beforeAll(() => {
  Object.assign(process.env, {
    LOGIN_MAX_ATTEMPTS: "5",
    LOGIN_WINDOW_SECONDS: "900",
    LOGIN_DELAY_BASE_MS: "40",
    LOGIN_DELAY_MAX_MS: "320",
  });
  resetEnvCache();
  // As the production server entry does: the socket address arrives stamped in a header.
  (globalThis as Record<symbol, unknown>)[CLIENT_ADDRESS_STAMPED] = true;
});

afterAll(() => {
  for (const name of ["LOGIN_MAX_ATTEMPTS", "LOGIN_WINDOW_SECONDS", "LOGIN_DELAY_BASE_MS", "LOGIN_DELAY_MAX_MS"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  resetEnvCache();
  delete (globalThis as Record<symbol, unknown>)[CLIENT_ADDRESS_STAMPED];
});

/** A fresh client address for each test, so only what the test does counts against it. */
const freshAddress = () => `198.51.100.${octet++}`;

function signIn(email: string, password: string, address: string) {
  const credentials = buildAuthOptions().providers[0] as unknown as {
    options: { authorize: (c: unknown, r: unknown) => Promise<{ id: string } | null> };
  };
  return credentials.options.authorize({ email, password }, { headers: { [CLIENT_ADDRESS_HEADER]: address } });
}

const owner = () => createUser({ password: PASSWORD });

const attemptsOn = async (email: string) =>
  ACCOUNT_ATTEMPTS_COUNTED -
  (await getLimiter("login-account", { tokens: ACCOUNT_ATTEMPTS_COUNTED, windowSeconds: 900 }).getRemaining(email))
    .remaining;

describe("sign-in throttling", () => {
  it("waits nothing for the first attempts, then doubles up to the cap", () => {
    const env = { LOGIN_MAX_ATTEMPTS: 5, LOGIN_DELAY_BASE_MS: 500, LOGIN_DELAY_MAX_MS: 30_000 } as never;
    expect([1, 5, 6, 7, 8, 12, 13, 100, 10_001].map((n) => loginDelayMs(n, env))).toEqual([
      0, 0, 500, 1000, 2000, 30_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("counts 50 parallel wrong passwords 50 times, and makes the later ones wait", async () => {
    const user = await owner();
    const address = freshAddress();
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => signIn(user.email, "wrong-guess-000", address)));
    const took = performance.now() - started;
    expect(results.every((r) => r === null)).toBe(true);
    expect(await attemptsOn(user.email)).toBe(50);
    // The 45 past the first five waited 40, 80, 160 and then 320 ms each, side by side.
    expect(took).toBeGreaterThanOrEqual(300);
  });

  it("lets the owner in with the right password after the guesses, only later", async () => {
    const user = await owner();
    const attacker = freshAddress();
    for (let i = 0; i < 8; i++) expect(await signIn(user.email, `wrong-guess-${i}`, attacker)).toBeNull();
    const started = performance.now();
    const me = await signIn(user.email, PASSWORD, freshAddress());
    expect(me).toMatchObject({ id: user.id });
    // The ninth attempt on the account: 40 × 2³ = 320 ms, the cap.
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("refuses an address past its hard limit whatever the account, and not another address", async () => {
    const address = freshAddress();
    // LOGIN_MAX_ATTEMPTS × 10 attempts per address and window.
    for (let i = 0; i < 50; i++) expect(await signIn(`nobody-${i}-${address}@example.test`, "x", address)).toBeNull();
    await expect(signIn("nobody-else@example.test", "x", address)).rejects.toBeInstanceOf(LoginThrottledError);
    expect(await signIn("nobody-else@example.test", "x", freshAddress())).toBeNull();
  });
});
