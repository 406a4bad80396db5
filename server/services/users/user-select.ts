import type { Prisma } from "@prisma/client";

/** The user fields any caller may see. */
export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  /** Deactivated accounts stay visible (their work keeps their name), marked. */
  deactivatedAt: true,
  createdAt: true,
} satisfies Prisma.UserSelect;
