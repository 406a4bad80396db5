import { describe, expect, it } from "vitest";

import { verifyPassword } from "@/server/auth/password";
import { db } from "@/server/db";

import { callerFor, createUser, expectTRPCError, uniqueEmail } from "../helpers/factories";

const strong = "violet-otter-harbor-42";

describe("auth.register", () => {
  // Each test file has its own empty database, so this runs before any other user exists.
  it("makes exactly one of several simultaneous first registrations the instance ADMIN", async () => {
    expect(await db.user.count()).toBe(0);
    const emails = Array.from({ length: 5 }, () => uniqueEmail("first"));
    await Promise.all(emails.map((email) => callerFor(null).auth.register({ email, name: "First", password: strong })));
    const users = await db.user.findMany({ where: { email: { in: emails } }, select: { role: true } });
    expect(users).toHaveLength(5);
    expect(users.filter((u) => u.role === "ADMIN")).toHaveLength(1);
    const later = uniqueEmail("later");
    await callerFor(null).auth.register({ email: later, name: "Later", password: strong });
    expect((await db.user.findUniqueOrThrow({ where: { email: later } })).role).toBe("USER");
  });

  it("stores an argon2id hash, never the password, and returns no hash", async () => {
    const email = uniqueEmail();
    const answer = await callerFor(null).auth.register({ email, name: "Hashed", password: strong });
    expect(answer).toEqual({ ok: true, verificationRequired: false });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    const row = await db.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row.passwordHash!, strong)).toBe(true);
    expect(await verifyPassword(row.passwordHash!, "wrong-password-1")).toBe(false);
    const audit = await db.auditEvent.findFirst({ where: { entityId: user.id, action: "user.registered" } });
    expect(JSON.stringify(audit?.after)).not.toContain(strong);
  });

  it.each([
    ["too short", "short1!"],
    ["common", "password123"],
    ["repetitive", "aaaaaaaaaaaa"],
    ["oversized", "x1y2z3".repeat(30)],
  ])("refuses a weak or oversized password (%s) with BAD_REQUEST", async (_label, password) => {
    const before = await db.user.count();
    const err = await expectTRPCError(
      callerFor(null).auth.register({ email: uniqueEmail(), name: "Weak", password }),
      "BAD_REQUEST",
    );
    expect(err.message.toLowerCase()).toContain("password");
    expect(await db.user.count()).toBe(before);
  });

  it("refuses a password containing the email's name", async () => {
    await expectTRPCError(
      callerFor(null).auth.register({ email: "margaret@example.test", name: "M", password: "margaret-2026!" }),
      "BAD_REQUEST",
    );
  });

  it("refuses malformed emails and oversized names", async () => {
    await expectTRPCError(callerFor(null).auth.register({ email: "nope", name: "X", password: strong }), "BAD_REQUEST");
    await expectTRPCError(
      callerFor(null).auth.register({ email: uniqueEmail(), name: "n".repeat(101), password: strong }),
      "BAD_REQUEST",
    );
  });
});

describe("user.list and user.setRole", () => {
  it("pages through users by email and filters by text", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const tag = `zeta${Date.now()}`;
    await Promise.all([1, 2, 3].map((i) => createUser({ email: `${tag}-${i}@example.test`, name: `Zeta ${i}` })));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callerFor(admin.id).user.list({ query: tag, limit: 2, cursor });
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3].map((i) => `${tag}-${i}@example.test`));
  });

  it("promotes and demotes, but never removes the last instance admin", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const other = await createUser();
    const caller = callerFor(admin.id);
    await expect(caller.user.setRole({ userId: other.id, role: "ADMIN" })).resolves.toMatchObject({ role: "ADMIN" });
    await expect(caller.user.setRole({ userId: other.id, role: "USER" })).resolves.toMatchObject({ role: "USER" });
    // Demote every admin but this one, then try to demote this one.
    await db.user.updateMany({ where: { role: "ADMIN", id: { not: admin.id } }, data: { role: "USER" } });
    await expectTRPCError(caller.user.setRole({ userId: admin.id, role: "USER" }), "CONFLICT");
    await expectTRPCError(caller.user.setRole({ userId: "does-not-exist", role: "USER" }), "NOT_FOUND");
  });

  it("takes effect on the next request: a demoted admin loses admin procedures", async () => {
    const admin = await createUser({ role: "ADMIN" });
    const second = await createUser({ role: "ADMIN" });
    await callerFor(admin.id).user.setRole({ userId: second.id, role: "USER" });
    await expectTRPCError(callerFor(second.id).user.list({}), "FORBIDDEN");
  });

  it("treats a session whose user was deleted as signed out", async () => {
    const user = await createUser();
    await db.user.delete({ where: { id: user.id } });
    await expectTRPCError(callerFor(user.id).user.me(), "UNAUTHORIZED");
  });
});
