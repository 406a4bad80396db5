import { describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { linkOAuthAccount } from "@/server/services/users/link-oauth-account";

import { createUser, uniqueEmail, uniqueSuffix } from "../helpers/factories";

describe("OAuth sign-in linking", () => {
  it("creates a user for a new identity and returns the same user next time", async () => {
    const email = uniqueEmail("gh");
    const identity = { provider: "github", providerAccountId: uniqueSuffix(), email, name: "Octo Cat" };
    const first = await linkOAuthAccount(identity);
    const again = await linkOAuthAccount(identity);
    expect(again).toBe(first);
    const user = await db.user.findUniqueOrThrow({ where: { id: first }, omit: { passwordHash: false } });
    expect(user).toMatchObject({ email, name: "Octo Cat", passwordHash: null });
    expect(await db.account.count({ where: { userId: first } })).toBe(1);
  });

  it("links an identity to the existing user with the same email", async () => {
    const existing = await createUser();
    const id = await linkOAuthAccount({
      provider: "google",
      providerAccountId: uniqueSuffix(),
      email: existing.email,
      name: "X",
    });
    expect(id).toBe(existing.id);
    expect(await db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ role: existing.role });
  });

  it("refuses an identity without an email and writes nothing", async () => {
    const before = await db.user.count();
    await expect(
      linkOAuthAccount({ provider: "github", providerAccountId: uniqueSuffix(), email: "", name: "" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db.user.count()).toBe(before);
  });
});
