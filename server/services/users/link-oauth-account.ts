import { AppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";

/**
 * Maps an OAuth identity to a Specline user: the linked account if known,
 * else the user with the same email (providers return verified emails), else
 * a new user. Returns the user id.
 */
export async function linkOAuthAccount(opts: {
  provider: string;
  providerAccountId: string;
  email: string;
  name: string;
}): Promise<string> {
  return applyChange({ userId: null, requestId: `oauth-${opts.provider}` }, async (tx, record) => {
    const account = await tx.account.findUnique({
      where: { provider_providerAccountId: { provider: opts.provider, providerAccountId: opts.providerAccountId } },
      select: { userId: true },
    });
    if (account) return account.userId;
    if (!opts.email) throw new AppError("BAD_REQUEST", "The identity provider did not share an email address");
    let user = await tx.user.findUnique({ where: { email: opts.email }, select: { id: true } });
    if (!user) {
      const isFirst = (await tx.user.count()) === 0;
      user = await tx.user.create({
        data: { email: opts.email, name: opts.name.slice(0, 100) || opts.email, role: isFirst ? "ADMIN" : "USER" },
        select: { id: true },
      });
      record({
        action: "user.registered",
        entityType: "User",
        entityId: user.id,
        after: { email: opts.email, via: opts.provider },
      });
    }
    const linked = await tx.account.create({
      data: { userId: user.id, provider: opts.provider, providerAccountId: opts.providerAccountId },
      select: { id: true },
    });
    record({
      action: "user.account_linked",
      entityType: "Account",
      entityId: linked.id,
      after: { provider: opts.provider },
    });
    return user.id;
  });
}
