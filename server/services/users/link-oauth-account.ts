import { getEnv } from "@/lib/env.mjs";
import { applyChange } from "@/server/services/change";

import { signupAllowed } from "./register-user";

/** Why an OAuth sign-in was refused; the sign-in page explains each (components/auth/sign-in-form.tsx). */
export type OAuthRefusal = "OAuthAccountNotLinked" | "AccountDeactivated" | "SignupClosed" | "OAuthEmailMissing";

export type OAuthOutcome = { userId: string } | { refused: OAuthRefusal };

export interface OAuthIdentity {
  provider: string;
  providerAccountId: string;
  /** The address the provider gave, lower-cased. */
  email: string;
  /** Whether the provider vouches that the address belongs to this person (Google's `email_verified`, GitHub's primary verified address). */
  emailVerified: boolean;
  name: string;
  /** A signed-in user connecting this provider from their settings: link to them, whatever the address. */
  linkTo?: string | null;
}

/**
 * Maps an OAuth identity to a Specline user:
 *
 * 1. an identity linked before signs in as its user (unless deactivated);
 * 2. a signed-in user connecting the provider gets it linked to them;
 * 3. an existing account with the same address is linked only when the
 *    provider vouches for the address **and** the account's own address is
 *    verified — otherwise whoever registered someone else's address first
 *    would share the real owner's account, or the owner the squatter's. The
 *    person signs in with the password (or resets it, which proves the
 *    address) and connects the provider from their settings;
 * 4. otherwise a new account, if SIGNUP_MODE lets the address sign up,
 *    verified when the provider vouches for the address.
 */
export async function linkOAuthAccount(identity: OAuthIdentity): Promise<OAuthOutcome> {
  const { provider, providerAccountId } = identity;
  return applyChange({ userId: identity.linkTo ?? null, requestId: `oauth-${provider}` }, async (tx, record) => {
    const account = await tx.account.findUnique({
      where: { provider_providerAccountId: { provider, providerAccountId } },
      select: { userId: true, user: { select: { deactivatedAt: true } } },
    });
    if (account) {
      if (account.user.deactivatedAt) return { refused: "AccountDeactivated" as const };
      if (identity.linkTo && identity.linkTo !== account.userId) return { refused: "OAuthAccountNotLinked" as const };
      return { userId: account.userId };
    }

    let userId: string;
    if (identity.linkTo) {
      userId = identity.linkTo;
    } else {
      if (!identity.email) return { refused: "OAuthEmailMissing" as const };
      const existing = await tx.user.findUnique({
        where: { email: identity.email },
        select: { id: true, emailVerifiedAt: true, deactivatedAt: true },
      });
      if (existing) {
        if (existing.deactivatedAt) return { refused: "AccountDeactivated" as const };
        if (!identity.emailVerified || !existing.emailVerifiedAt) return { refused: "OAuthAccountNotLinked" as const };
        userId = existing.id;
      } else {
        const isFirst = (await tx.user.count({ take: 1 })) === 0;
        if (!isFirst && !signupAllowed(identity.email, getEnv())) return { refused: "SignupClosed" as const };
        const user = await tx.user.create({
          data: {
            email: identity.email,
            name: identity.name.slice(0, 100) || identity.email,
            role: isFirst ? "ADMIN" : "USER",
            emailVerifiedAt: identity.emailVerified ? new Date() : null,
          },
          select: { id: true },
        });
        record({
          action: "user.registered",
          entityType: "User",
          entityId: user.id,
          after: { email: identity.email, via: provider, emailVerified: identity.emailVerified },
        });
        userId = user.id;
      }
    }
    const linked = await tx.account.create({ data: { userId, provider, providerAccountId }, select: { id: true } });
    record({ action: "user.account_linked", entityType: "Account", entityId: linked.id, after: { provider, userId } });
    return { userId };
  });
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * The address GitHub vouches for: the entry of `/user/emails` marked both
 * primary and verified (lower-cased), or null. The profile's public email
 * may be any address the person typed, verified or not.
 */
export function gitHubVerifiedEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const entry = (emails as GitHubEmail[]).find((e) => e && e.primary === true && e.verified === true);
  return typeof entry?.email === "string" && entry.email.includes("@") ? entry.email.toLowerCase() : null;
}
