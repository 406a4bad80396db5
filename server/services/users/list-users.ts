import type { Prisma } from "@prisma/client";

import type { UserListInput } from "@/lib/schemas/user";
import { db } from "@/server/db";
import { toPage } from "@/server/services/pagination";

import { publicUserSelect } from "./user-select";

/** Instance users ordered by email (unique, so it is its own keyset cursor). */
export async function listUsers(opts: { input: UserListInput }) {
  const { cursor, limit, query } = opts.input;
  const where: Prisma.UserWhereInput = {
    ...(cursor ? { email: { gt: cursor } } : {}),
    ...(query
      ? {
          OR: [{ email: { contains: query, mode: "insensitive" } }, { name: { contains: query, mode: "insensitive" } }],
        }
      : {}),
  };
  const rows = await db.user.findMany({
    where,
    orderBy: { email: "asc" },
    take: limit + 1,
    select: { ...publicUserSelect, _count: { select: { memberships: true } } },
  });
  return toPage(rows, limit, (u) => u.email);
}
