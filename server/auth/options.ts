/**
 * Sign-in with next-auth: email + password (argon2id), plus GitHub and Google
 * when their credentials are configured. The cookie is next-auth's encrypted
 * JWT holding the user id and the id of a `Session` row started at sign-in
 * (server/auth/sessions.ts) and ended at sign-out; every request checks that
 * row with the caller, and roles and memberships are read from the database
 * on every request, so a role change applies to the very next call.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";

import { getEnv } from "@/lib/env.mjs";
import { safeRedirect } from "@/lib/safe-redirect";
import { signInInput } from "@/lib/schemas/auth";
import { dummyHash, verifyPassword } from "@/server/auth/password";
import { db } from "@/server/db";
import { countRateLimitRejection } from "@/server/observability/metrics";
import { getLimiter } from "@/server/rate-limit";
import { gitHubVerifiedEmail, linkOAuthAccount } from "@/server/services/users/link-oauth-account";

import { clientIp } from "./client-ip";
import { recordSignInEvent } from "./security-log";
import { endSession, type SessionOrigin, startSession } from "./sessions";
import { spendSecondFactor } from "./two-factor";

async function usesTwoFactor(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpEnabledAt: true } });
  return Boolean(user?.totpEnabledAt);
}

export class LoginThrottledError extends Error {
  constructor() {
    super("TooManyAttempts");
  }
}

/** The right password for an account with two-factor sign-in, sent without a code. */
export class SecondFactorRequiredError extends Error {
  constructor() {
    super("TotpRequired");
  }
}

/** The right password with a wrong, used or expired second factor. */
export class SecondFactorInvalidError extends Error {
  constructor() {
    super("TotpInvalid");
  }
}

/** The right password for an account an administrator deactivated. */
export class AccountDeactivatedError extends Error {
  constructor() {
    super("AccountDeactivated");
  }
}

/** A request's User-Agent, from next-auth's plain header record. */
function userAgentOf(headers: Record<string, unknown>): string | null {
  const value = headers["user-agent"];
  return typeof value === "string" ? value : null;
}

/** Attempts on one account are counted up to this many per window (past it every attempt waits the longest). */
export const ACCOUNT_ATTEMPTS_COUNTED = 10_000;

/**
 * How long the `attempt`-th sign-in on one account in the window waits
 * before its password is even looked at: nothing for the first
 * LOGIN_MAX_ATTEMPTS, then LOGIN_DELAY_BASE_MS doubling with each further
 * attempt, at most LOGIN_DELAY_MAX_MS (30 s). Every attempt waits alike,
 * right password or wrong, so the wait tells nothing; the owner is slowed
 * while someone guesses, never locked out.
 */
export function loginDelayMs(attempt: number, env = getEnv()): number {
  const over = attempt - env.LOGIN_MAX_ATTEMPTS;
  if (over <= 0) return 0;
  return Math.min(env.LOGIN_DELAY_MAX_MS, env.LOGIN_DELAY_BASE_MS * 2 ** Math.min(over - 1, 30));
}

async function authorizeCredentials(raw: unknown, ip: string, userAgent: string | null) {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password, code } = parsed.data;
  const env = getEnv();
  // Every attempt is counted before anything else, in one atomic call per key — never checked first and
  // counted later, which would let a burst of parallel guesses all pass the check. Per account, the count
  // sets the attempt's delay; per client address (spraying many accounts) there is a hard limit.
  const window = env.LOGIN_WINDOW_SECONDS;
  const byAccount = getLimiter("login-account", { tokens: ACCOUNT_ATTEMPTS_COUNTED, windowSeconds: window });
  const byIp = getLimiter("login-ip", { tokens: env.LOGIN_MAX_ATTEMPTS * 10, windowSeconds: window });
  const [account, address] = await Promise.all([byAccount.limit(email), byIp.limit(ip)]);
  const failed = (userId: string | null, reason: string) =>
    recordSignInEvent({
      kind: "sign_in_failed",
      userId,
      // An address that matched no account is kept only as its hash (it may be a mistyped password).
      email: userId ? null : email,
      ip,
      userAgent,
      detail: { method: "password", reason },
    });
  if (!address.success) {
    countRateLimitRejection("sign-in");
    await failed(null, "address_throttled");
    throw new LoginThrottledError();
  }
  const attempt = account.success ? ACCOUNT_ATTEMPTS_COUNTED - account.remaining : ACCOUNT_ATTEMPTS_COUNTED + 1;
  const delay = loginDelayMs(attempt, env);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, deactivatedAt: true, totpEnabledAt: true },
  });
  // Verify against a dummy hash when there is no user so timing does not reveal accounts.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user?.passwordHash || !ok) {
    await failed(user?.id ?? null, user ? "wrong_password" : "unknown_account");
    return null;
  }
  // Said only to someone who knows the password.
  if (user.deactivatedAt) {
    await failed(user.id, "deactivated");
    throw new AccountDeactivatedError();
  }
  if (user.totpEnabledAt) {
    if (!code) throw new SecondFactorRequiredError();
    if (!(await spendSecondFactor(user.id, code, { ip, userAgent }))) {
      await failed(user.id, "wrong_code");
      throw new SecondFactorInvalidError();
    }
  }
  return { id: user.id, email: user.email, name: user.name };
}

/** What one request to next-auth's endpoints brings: the browser a sign-in starts a session for, and who is signed in there. */
export interface AuthRequestContext extends SessionOrigin {
  /** The user whose live session made this request: an OAuth sign-in then connects the provider to them… */
  signedInUserId?: string | null;
  /** …and the session it replaces (the browser gets a new cookie; the old session ends). */
  signedInSessionId?: string | null;
}

/** GitHub, with the address GitHub vouches for (primary and verified) in place of the profile's public one. */
function gitHub(clientId: string, clientSecret: string) {
  return GitHubProvider({
    clientId,
    clientSecret,
    userinfo: {
      url: "https://api.github.com/user",
      async request({ client, tokens }) {
        const profile = await client.userinfo(tokens.access_token as string);
        const res = await fetch("https://api.github.com/user/emails", {
          headers: { Authorization: `token ${tokens.access_token}`, "User-Agent": "Specline" },
          signal: AbortSignal.timeout(10_000),
        });
        const email = res.ok ? gitHubVerifiedEmail(await res.json()) : null;
        return { ...profile, email, email_verified: email !== null } as typeof profile;
      },
    },
  });
}

/** Whether the provider vouches for the profile's address: Google says so itself; for GitHub it is chosen that way above. */
function providerVouches(provider: string, profile: unknown): boolean {
  const verified = (profile as { email_verified?: unknown } | undefined)?.email_verified;
  return (provider === "google" || provider === "github") && verified === true;
}

/** next-auth's options for one request to its endpoints (see AuthRequestContext). */
export function buildAuthOptions(request: AuthRequestContext = {}): NextAuthOptions {
  const env = getEnv();
  const origin: SessionOrigin = { userAgent: request.userAgent, ip: request.ip };
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
        code: { label: "Two-factor code", type: "text" },
      },
      authorize: (credentials, req) =>
        authorizeCredentials(credentials, clientIp(req.headers ?? {}), userAgentOf(req.headers ?? {})),
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) providers.push(gitHub(env.GITHUB_ID, env.GITHUB_SECRET));
  if (env.GOOGLE_ID && env.GOOGLE_SECRET) {
    providers.push(GoogleProvider({ clientId: env.GOOGLE_ID, clientSecret: env.GOOGLE_SECRET }));
  }

  return {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: Math.ceil(env.SESSION_MAX_AGE_DAYS * 24 * 60 * 60) },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(token.sid);
        if (typeof token?.sub === "string") {
          await recordSignInEvent({
            kind: "sign_out",
            userId: token.sub,
            ip: request.ip,
            userAgent: request.userAgent,
          });
        }
      },
    },
    callbacks: {
      /** After sign-in or sign-out: only this app's own pages (lib/safe-redirect.ts). */
      redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
      /** OAuth: which Specline user this identity is (server/services/users/link-oauth-account.ts), or why not. */
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        const email = (profile?.email ?? "").toLowerCase();
        const outcome = await linkOAuthAccount({
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          email,
          emailVerified: providerVouches(account.provider, profile),
          name: profile?.name ?? user?.name ?? email,
          linkTo: request.signedInUserId ?? null,
        });
        if (!("refused" in outcome) && !request.signedInUserId && (await usesTwoFactor(outcome.userId))) {
          // The provider cannot give the second factor: such an account signs in with its password and code.
          return "/sign-in?error=TotpPasswordRequired";
        }
        if ("refused" in outcome) {
          // Connecting from the settings goes back there with the reason; a sign-in goes to the sign-in page.
          return `${request.signedInUserId ? "/settings/security" : "/sign-in"}?error=${outcome.refused}`;
        }
        // next-auth hands this same object to the jwt callback below.
        user.id = outcome.userId;
        return true;
      },
      async jwt({ token, user, account }) {
        if (user) {
          token.sub = user.id;
          token.sid = await startSession(user.id, origin);
          await recordSignInEvent({
            kind: "sign_in",
            userId: user.id,
            ip: request.ip,
            userAgent: request.userAgent,
            detail: { method: account?.provider === "credentials" || !account ? "password" : account.provider },
          });
          // This browser signed in again (connecting a provider): its previous session is replaced, not kept beside.
          if (request.signedInSessionId) await endSession(request.signedInSessionId);
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
}

export function enabledOAuthProviders(): { id: string; name: string }[] {
  const env = getEnv();
  return [
    ...(env.GITHUB_ID ? [{ id: "github", name: "GitHub" }] : []),
    ...(env.GOOGLE_ID ? [{ id: "google", name: "Google" }] : []),
  ];
}
