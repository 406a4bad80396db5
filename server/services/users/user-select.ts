import type { Prisma } from "@prisma/client";

/** The user fields any caller may see. */
export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
} satisfies Prisma.UserSelect;
