/**
 * Sign-in with next-auth: email + password (argon2id), plus GitHub and Google
 * when their credentials are configured. Sessions are signed JWT cookies
 * holding only the user id; roles and memberships are read from the database
 * on every request, so a role change applies to the very next call.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";

import { getEnv } from "@/lib/env.mjs";
import { signInInput } from "@/lib/schemas/auth";
import { dummyHash, verifyPassword } from "@/server/auth/password";
import { db } from "@/server/db";
import { getLimiter } from "@/server/rate-limit";
import { linkOAuthAccount } from "@/server/services/users/link-oauth-account";

import { clientIp } from "./client-ip";

export class LoginThrottledError extends Error {
  constructor() {
    super("TooManyAttempts");
  }
}

async function authorizeCredentials(raw: unknown, ip: string) {
  const parsed = signInInput.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const env = getEnv();
  // Failed attempts are counted per account (stops guessing one password) and,
  // more loosely, per client address (stops spraying many accounts); successful
  // sign-ins cost nothing.
  const window = env.LOGIN_WINDOW_SECONDS;
  const byAccount = getLimiter("login-account", { tokens: env.LOGIN_MAX_ATTEMPTS, windowSeconds: window });
  const byIp = getLimiter("login-ip", { tokens: env.LOGIN_MAX_ATTEMPTS * 10, windowSeconds: window });
  const [accountLeft, ipLeft] = await Promise.all([byAccount.getRemaining(email), byIp.getRemaining(ip)]);
  if (accountLeft.remaining <= 0 || ipLeft.remaining <= 0) throw new LoginThrottledError();

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  // Verify against a dummy hash when there is no user so timing does not reveal accounts.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user?.passwordHash || !ok) {
    await Promise.all([byAccount.limit(email), byIp.limit(ip)]);
    return null;
  }
  return { id: user.id, email: user.email, name: user.name };
}

export function buildAuthOptions(): NextAuthOptions {
  const env = getEnv();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorizeCredentials(credentials, clientIp(req.headers ?? {})),
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  }
  if (env.GOOGLE_ID && env.GOOGLE_SECRET) {
    providers.push(GoogleProvider({ clientId: env.GOOGLE_ID, clientSecret: env.GOOGLE_SECRET }));
  }

  return {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async jwt({ token, user, account, profile }) {
        if (account && account.provider !== "credentials") {
          const email = (profile?.email ?? user?.email ?? "").toLowerCase();
          token.sub = await linkOAuthAccount({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email,
            name: profile?.name ?? user?.name ?? email,
          });
        } else if (user) {
          token.sub = user.id;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
  };
}

let cached: NextAuthOptions | undefined;
export function authOptions(): NextAuthOptions {
  cached ??= buildAuthOptions();
  return cached;
}

export function enabledOAuthProviders(): { id: string; name: string }[] {
  const env = getEnv();
  return [
    ...(env.GITHUB_ID ? [{ id: "github", name: "GitHub" }] : []),
    ...(env.GOOGLE_ID ? [{ id: "google", name: "Google" }] : []),
  ];
}
