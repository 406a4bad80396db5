import { Prisma } from "@prisma/client";

import type { RegisterInput } from "@/lib/schemas/auth";
import { hashPassword } from "@/server/auth/password";
import { AppError, isUniqueViolation } from "@/server/errors";
import { applyChange } from "@/server/services/change";

import { publicUserSelect } from "./user-select";

/** Serialises registrations so exactly one "first user" becomes instance ADMIN. */
const FIRST_USER_LOCK = 7_020_101;

export async function registerUser(opts: { input: RegisterInput; requestId: string }) {
  const { email, name, password } = opts.input;
  const passwordHash = await hashPassword(password);
  try {
    return await applyChange(
      { userId: null, requestId: opts.requestId },
      async (tx, record) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
        const existing = await tx.user.findUnique({ where: { email }, select: { id: true } });
        if (existing) throw new AppError("CONFLICT", "An account with this email already exists");
        const isFirst = (await tx.user.count()) === 0;
        const user = await tx.user.create({
          data: { email, name, passwordHash, role: isFirst ? "ADMIN" : "USER" },
          select: publicUserSelect,
        });
        record({ action: "user.registered", entityType: "User", entityId: user.id, after: user });
        return user;
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", "An account with this email already exists");
    throw err;
  }
}
