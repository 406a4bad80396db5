/**
 * OAuth sign-in: an identity becomes a Specline user only in ways that
 * cannot hand one person's account to another (linkOAuthAccount), and
 * GitHub's address counts only when GitHub marks it primary and verified.
 */
import { describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { gitHubVerifiedEmail, linkOAuthAccount } from "@/server/services/users/link-oauth-account";

import { createUser, uniqueEmail, uniqueSuffix } from "../helpers/factories";

const identity = (over: Partial<Parameters<typeof linkOAuthAccount>[0]> = {}) => ({
  provider: "github",
  providerAccountId: uniqueSuffix(),
  email: uniqueEmail("gh"),
  emailVerified: true,
  name: "Octo Cat",
  ...over,
});

function userIdOf(outcome: Awaited<ReturnType<typeof linkOAuthAccount>>): string {
  if (!("userId" in outcome)) throw new Error(`refused: ${outcome.refused}`);
  return outcome.userId;
}

describe("OAuth sign-in linking", () => {
  it("creates a verified user for a new identity the provider vouches for, and returns the same user next time", async () => {
    const who = identity();
    const first = userIdOf(await linkOAuthAccount(who));
    expect(userIdOf(await linkOAuthAccount(who))).toBe(first);
    const user = await db.user.findUniqueOrThrow({ where: { id: first }, omit: { passwordHash: false } });
    expect(user).toMatchObject({ email: who.email, name: "Octo Cat", passwordHash: null });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(await db.account.count({ where: { userId: first } })).toBe(1);
  });

  it("links to an existing verified account only when the provider vouches for the address", async () => {
    const existing = await createUser();
    await db.user.update({ where: { id: existing.id }, data: { emailVerifiedAt: new Date() } });
    const unvouched = identity({ provider: "google", email: existing.email, emailVerified: false });
    expect(await linkOAuthAccount(unvouched)).toEqual({ refused: "OAuthAccountNotLinked" });
    expect(await db.account.count({ where: { userId: existing.id } })).toBe(0);

    const vouched = identity({ provider: "google", email: existing.email, emailVerified: true });
    expect(userIdOf(await linkOAuthAccount(vouched))).toBe(existing.id);
    expect(await db.account.count({ where: { userId: existing.id } })).toBe(1);
  });

  it("does not hand the real owner's provider sign-in to whoever registered their address first", async () => {
    // A squatter registered victim@… with a password and never verified it.
    const squatter = await createUser({ email: uniqueEmail("victim") });
    await db.user.update({ where: { id: squatter.id }, data: { emailVerifiedAt: null } });
    const owner = identity({ email: squatter.email, emailVerified: true });
    expect(await linkOAuthAccount(owner)).toEqual({ refused: "OAuthAccountNotLinked" });
    expect(await db.account.count({ where: { userId: squatter.id } })).toBe(0);
  });

  it("connects a provider to the signed-in user from their settings, whatever its address", async () => {
    const me = await createUser();
    const linked = userIdOf(
      await linkOAuthAccount(identity({ email: uniqueEmail("other"), emailVerified: false, linkTo: me.id })),
    );
    expect(linked).toBe(me.id);
    // Someone else's identity cannot be moved to me.
    const theirs = identity();
    userIdOf(await linkOAuthAccount(theirs));
    expect(await linkOAuthAccount({ ...theirs, linkTo: me.id })).toEqual({ refused: "OAuthAccountNotLinked" });
  });

  it("refuses a deactivated account, an identity without an email, and writes nothing", async () => {
    const gone = await createUser();
    await db.user.update({ where: { id: gone.id }, data: { deactivatedAt: new Date(), emailVerifiedAt: new Date() } });
    expect(await linkOAuthAccount(identity({ email: gone.email }))).toEqual({ refused: "AccountDeactivated" });
    const before = await db.user.count();
    expect(await linkOAuthAccount(identity({ email: "" }))).toEqual({ refused: "OAuthEmailMissing" });
    expect(await db.user.count()).toBe(before);
  });

  it("takes GitHub's address only when it is primary and verified", () => {
    expect(
      gitHubVerifiedEmail([
        { email: "public@example.test", primary: false, verified: true },
        { email: "Main@Example.test", primary: true, verified: true },
      ]),
    ).toBe("main@example.test");
    expect(gitHubVerifiedEmail([{ email: "main@example.test", primary: true, verified: false }])).toBeNull();
    expect(gitHubVerifiedEmail({ message: "Bad credentials" })).toBeNull();
    expect(gitHubVerifiedEmail([null, { email: 42, primary: true, verified: true }])).toBeNull();
  });
});
