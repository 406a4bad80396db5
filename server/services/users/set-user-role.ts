import type { UserSetRoleInput } from "@/lib/schemas/user";
import { conflict, notFound } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";

import { publicUserSelect } from "./user-select";

/** Changes a user's instance role; the last instance admin cannot be demoted. */
export async function setUserRole(opts: { actor: Actor; input: UserSetRoleInput }) {
  const { userId, role } = opts.input;
  return applyChange(opts.actor, async (tx, record) => {
    // Lock the admin set so two concurrent demotions cannot both pass the check.
    await tx.$executeRaw`SELECT id FROM "User" WHERE role = 'ADMIN' FOR UPDATE`;
    const before = await tx.user.findUnique({ where: { id: userId }, select: publicUserSelect });
    if (!before) throw notFound("User");
    if (before.role === role) return before;
    if (before.role === "ADMIN" && role !== "ADMIN" && before.deactivatedAt === null) {
      const admins = await tx.user.count({ where: { role: "ADMIN", deactivatedAt: null } });
      if (admins <= 1) throw conflict("At least one active instance administrator must remain");
    }
    const after = await tx.user.update({ where: { id: userId }, data: { role }, select: publicUserSelect });
    record({ action: "user.role_changed", entityType: "User", entityId: userId, before, after });
    return after;
  });
}
