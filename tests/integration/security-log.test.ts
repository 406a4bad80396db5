/**
 * The security log: what is recorded about sign-ins and account changes,
 * that no password (or identifier that may be one) ever lands in it, who
 * may read it, and that it forgets after its retention.
 */
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { CLIENT_ADDRESS_HEADER, CLIENT_ADDRESS_STAMPED } from "@/server/auth/client-ip";
import { buildAuthOptions } from "@/server/auth/options";
import { emailHash, pruneSecurityLog } from "@/server/auth/security-log";
import { db } from "@/server/db";

import { callerFor, createUser, expectTRPCError, uniqueEmail } from "../helpers/factories";

const PASSWORD = "juniper-lantern-cobalt-3";
const TYPED_SECRET = "Typed-Secret-Never-Stored-77";

beforeAll(() => {
  (globalThis as Record<symbol, unknown>)[CLIENT_ADDRESS_STAMPED] = true;
  resetEnvCache();
});
afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[CLIENT_ADDRESS_STAMPED];
});

function authorize(email: string, password: string) {
  const provider = buildAuthOptions().providers[0] as unknown as {
    options: { authorize: (c: unknown, r: unknown) => Promise<{ id: string } | null> };
  };
  return provider.options.authorize(
    { email, password },
    { headers: { [CLIENT_ADDRESS_HEADER]: "203.0.113.5", "user-agent": "Mozilla/5.0 Firefox/141.0" } },
  );
}

const userWithPassword = (role: "USER" | "ADMIN" = "USER") => createUser({ role, password: PASSWORD });

describe("security log", () => {
  it("records failed sign-ins without the password, and an unknown address only as its hash", async () => {
    const user = await userWithPassword();
    const unknown = uniqueEmail("typo");
    expect(await authorize(user.email, TYPED_SECRET)).toBeNull();
    expect(await authorize(unknown, TYPED_SECRET)).toBeNull();

    const [known] = await db.securityEvent.findMany({ where: { userId: user.id, kind: "sign_in_failed" } });
    expect(known).toMatchObject({
      ip: "203.0.113.5",
      userAgent: "Mozilla/5.0 Firefox/141.0",
      emailHash: null,
      detail: { method: "password", reason: "wrong_password" },
    });
    const [stranger] = await db.securityEvent.findMany({ where: { emailHash: emailHash(unknown) } });
    expect(stranger).toMatchObject({ userId: null, detail: { reason: "unknown_account" } });

    const everything = JSON.stringify(await db.securityEvent.findMany());
    expect(everything).not.toContain(TYPED_SECRET);
    expect(everything).not.toContain(unknown);
    expect(everything).not.toContain(PASSWORD);
  });

  it("records sign-in and sign-out with how and from where, and account changes", async () => {
    const user = await userWithPassword();
    const options = buildAuthOptions({ userAgent: "Mozilla/5.0 Chrome/150.0", ip: "198.51.100.4" });
    const token = await options.callbacks!.jwt!({
      token: {},
      user: { id: user.id },
      account: { provider: "credentials", type: "credentials", providerAccountId: user.id },
    } as never);
    await options.events!.signOut!({ token } as never);
    await callerFor(user.id).user.changePassword({
      currentPassword: PASSWORD,
      newPassword: "fresh-passphrase-for-log",
    });
    const kinds = (await db.securityEvent.findMany({ where: { userId: user.id }, orderBy: { at: "asc" } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(["sign_in", "sign_out", "password_changed"]);
    const signIn = await db.securityEvent.findFirstOrThrow({ where: { userId: user.id, kind: "sign_in" } });
    expect(signIn).toMatchObject({ ip: "198.51.100.4", detail: { method: "password" } });
    expect(JSON.stringify(await db.securityEvent.findMany({ where: { userId: user.id } }))).not.toContain(
      "fresh-passphrase-for-log",
    );
    // The token itself (which would sign in) is not in the log either.
    const cookie = await encode({ token, secret: process.env.AUTH_SECRET as string });
    expect(JSON.stringify(await db.securityEvent.findMany())).not.toContain(cookie.slice(0, 40));
  });

  it("shows a person their own sign-ins only, and the whole log to instance admins, paged", async () => {
    const [me, other] = [await userWithPassword(), await userWithPassword()];
    await authorize(me.email, "wrong-one-1234");
    await authorize(other.email, "wrong-two-1234");
    const mine = await callerFor(me.id).securityLog.mine();
    expect(mine.length).toBeGreaterThan(0);
    expect(await db.securityEvent.count({ where: { id: { in: mine.map((e) => e.id) }, userId: { not: me.id } } })).toBe(
      0,
    );
    await expectTRPCError(callerFor(me.id).securityLog.list({}), "FORBIDDEN");

    const admin = await createUser({ role: "ADMIN" });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callerFor(admin.id).securityLog.list({ limit: 2, cursor, kind: "sign_in_failed" });
      seen.push(...page.items.map((e) => e.id));
      expect(page.items.every((e) => e.kind === "sign_in_failed")).toBe(true);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(await db.securityEvent.count({ where: { kind: "sign_in_failed" } }));
    await expectTRPCError(callerFor(admin.id).securityLog.list({ cursor: "forged" }), "BAD_REQUEST");
  });

  it("forgets entries older than its retention and keeps the rest", async () => {
    const user = await createUser();
    const old = await db.securityEvent.create({
      data: { kind: "sign_in", userId: user.id, at: new Date(Date.now() - 91 * 86_400_000) },
    });
    const recent = await db.securityEvent.create({
      data: { kind: "sign_in", userId: user.id, at: new Date(Date.now() - 89 * 86_400_000) },
    });
    expect(await pruneSecurityLog()).toBeGreaterThanOrEqual(1);
    expect(await db.securityEvent.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.securityEvent.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});
