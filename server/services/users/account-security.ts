import { enabledOAuthProviders } from "@/server/auth/options";
import { db } from "@/server/db";

/** The account's ways in: a password or not, and which sign-in providers are connected (and which could be). */
export async function accountSecurity(userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true,
      emailVerifiedAt: true,
      passwordHash: true,
      accounts: { select: { provider: true, createdAt: true }, orderBy: { createdAt: "asc" } },
    },
  });
  return {
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    hasPassword: user.passwordHash !== null,
    connected: user.accounts.map((a) => ({ provider: a.provider, connectedAt: a.createdAt })),
    available: enabledOAuthProviders(),
  };
}
