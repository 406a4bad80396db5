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

/** A person as shown beside their work (author, reporter, assignee, member): deactivated ones are shown greyed. */
export const personSelect = { id: true, name: true, deactivatedAt: true } satisfies Prisma.UserSelect;
/** The same with the address, where the page shows it (members, mentions). */
export const personWithEmailSelect = { ...personSelect, email: true } satisfies Prisma.UserSelect;
