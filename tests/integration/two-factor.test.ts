/**
 * Two-factor sign-in against the real database and the real credentials
 * provider: setting it up with a code from the app, signing in with a code
 * (never the same one twice, not even at the same moment) or a recovery code
 * (once), turning it off, and instances that require it of their admins.
 */
import { generate } from "otplib";
import { afterEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { buildAuthOptions, SecondFactorInvalidError, SecondFactorRequiredError } from "@/server/auth/options";
import { db } from "@/server/db";

import { callerFor, createUser, expectTRPCError } from "../helpers/factories";

const PASSWORD = "harbor-quartz-meadow-27";
const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  delete process.env.REQUIRE_ADMIN_MFA;
  resetEnvCache();
});

function signIn(email: string, password: string, code?: string) {
  const provider = buildAuthOptions().providers[0] as unknown as {
    options: { authorize: (c: unknown, r: unknown) => Promise<{ id: string } | null> };
  };
  return provider.options.authorize({ email, password, ...(code ? { code } : {}) }, { headers: {} });
}

/** A user with a password and two-factor sign-in turned on; returns the secret and the recovery codes. */
async function withTwoFactor(role: "USER" | "ADMIN" = "USER") {
  const user = await createUser({ role, password: PASSWORD });
  const me = callerFor(user.id);
  const { secret, uri, qrSvg } = await me.user.twoFactor.start();
  expect(uri).toMatch(/^otpauth:\/\/totp\/Specline:/);
  expect(qrSvg).toContain("<svg");
  const { recoveryCodes } = await me.user.twoFactor.confirm({ code: await generate({ secret, epoch: now() - 30 }) });
  return { user, secret, recoveryCodes };
}

describe("two-factor sign-in", () => {
  it("turns on only with a right code from the app, and keeps the secret encrypted", async () => {
    const user = await createUser();
    const me = callerFor(user.id);
    const { secret } = await me.user.twoFactor.start();
    await expectTRPCError(me.user.twoFactor.confirm({ code: "000000" }), "BAD_REQUEST");
    expect((await me.user.twoFactor.status()).enabled).toBe(false);
    const { recoveryCodes } = await me.user.twoFactor.confirm({ code: await generate({ secret }) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await me.user.twoFactor.status()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, omit: { totpSecret: false } });
    expect(row.totpSecret).not.toContain(secret);
    expect(JSON.stringify(await db.recoveryCode.findMany({ where: { userId: user.id } }))).not.toContain(
      recoveryCodes[0],
    );
    await expectTRPCError(me.user.twoFactor.start(), "CONFLICT");
  });

  it("asks for a code after the right password, refuses a wrong one, and never takes a code twice", async () => {
    const { user, secret } = await withTwoFactor();
    await expect(signIn(user.email, PASSWORD)).rejects.toBeInstanceOf(SecondFactorRequiredError);
    await expect(signIn(user.email, PASSWORD, "123456")).rejects.toBeInstanceOf(SecondFactorInvalidError);
    // A wrong password still says only that.
    await expect(signIn(user.email, "wrong-password-99", "123456")).resolves.toBeNull();

    const code = await generate({ secret });
    await expect(signIn(user.email, PASSWORD, code)).resolves.toMatchObject({ id: user.id });
    await expect(signIn(user.email, PASSWORD, code)).rejects.toBeInstanceOf(SecondFactorInvalidError);

    // The next code, sent twice at the same moment: one sign-in.
    const next = await generate({ secret, epoch: now() + 30 });
    const both = await Promise.allSettled([signIn(user.email, PASSWORD, next), signIn(user.email, PASSWORD, next)]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = await db.securityEvent.count({
      where: { userId: user.id, kind: "sign_in_failed", detail: { path: ["reason"], equals: "wrong_code" } },
    });
    expect(failed).toBe(3);
  });

  it("takes each recovery code once, in any case and with or without its dash", async () => {
    const { user, recoveryCodes } = await withTwoFactor();
    const [first, second] = recoveryCodes as [string, string];
    await expect(signIn(user.email, PASSWORD, first.toUpperCase())).resolves.toMatchObject({ id: user.id });
    await expect(signIn(user.email, PASSWORD, first)).rejects.toBeInstanceOf(SecondFactorInvalidError);
    await expect(signIn(user.email, PASSWORD, second.replace("-", ""))).resolves.toMatchObject({ id: user.id });
    expect((await callerFor(user.id).user.twoFactor.status()).recoveryCodesLeft).toBe(8);
    expect(await db.securityEvent.count({ where: { userId: user.id, kind: "recovery_code_used" } })).toBe(2);
  });

  it("turns off only with the password and a code, and then signs in with the password alone", async () => {
    const { user, secret } = await withTwoFactor();
    const me = callerFor(user.id);
    const code = await generate({ secret, epoch: now() + 30 });
    await expectTRPCError(me.user.twoFactor.disable({ password: "not-it-at-all-1", code }), "BAD_REQUEST");
    await expectTRPCError(me.user.twoFactor.disable({ password: PASSWORD, code: "000000" }), "BAD_REQUEST");
    await me.user.twoFactor.disable({ password: PASSWORD, code });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    await expect(signIn(user.email, PASSWORD)).resolves.toMatchObject({ id: user.id });
    const kinds = (await db.securityEvent.findMany({ where: { userId: user.id }, orderBy: { at: "asc" } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(["mfa_enabled", "mfa_disabled"]));
  });

  it("replaces the recovery codes with a current code; the old ones stop working", async () => {
    const { user, secret, recoveryCodes } = await withTwoFactor();
    const { recoveryCodes: fresh } = await callerFor(user.id).user.twoFactor.regenerateRecoveryCodes({
      code: await generate({ secret, epoch: now() + 30 }),
    });
    expect(fresh).toHaveLength(10);
    await expect(signIn(user.email, PASSWORD, recoveryCodes[0])).rejects.toBeInstanceOf(SecondFactorInvalidError);
    await expect(signIn(user.email, PASSWORD, fresh[0])).resolves.toMatchObject({ id: user.id });
  });

  it("keeps a provider sign-in out of an account with two-factor sign-in", async () => {
    const { user } = await withTwoFactor();
    const options = buildAuthOptions();
    const outcome = await options.callbacks!.signIn!({
      user: { id: "provider-id" },
      account: { provider: "github", type: "oauth", providerAccountId: `gh-${user.id}` },
      profile: { email: user.email, email_verified: true, name: "X" },
    } as never);
    expect(outcome).toBe("/sign-in?error=TotpPasswordRequired");
  });

  it("with REQUIRE_ADMIN_MFA, an admin can do nothing but set it up until it is on", async () => {
    process.env.REQUIRE_ADMIN_MFA = "true";
    resetEnvCache();
    const admin = await createUser({ role: "ADMIN" });
    const me = callerFor(admin.id);
    const refused = await expectTRPCError(me.project.list({}), "FORBIDDEN");
    expect((refused as unknown as { details?: unknown }).details).toEqual({ reason: "mfa_required" });
    await expect(me.user.me()).resolves.toMatchObject({ mfaRequired: true, mfaEnabled: false });
    const { secret } = await me.user.twoFactor.start();
    await me.user.twoFactor.confirm({ code: await generate({ secret }) });
    await expect(me.project.list({})).resolves.toBeDefined();
    // Other people are not asked.
    const member = await createUser();
    await expect(callerFor(member.id).project.list({})).resolves.toBeDefined();
  });
});
