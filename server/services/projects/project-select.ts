import type { Prisma } from "@prisma/client";

export const projectSelect = {
  id: true,
  key: true,
  name: true,
  description: true,
  settings: true,
  version: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  updatedById: true,
} satisfies Prisma.ProjectSelect;

/** The versioned part of a project: what a ProjectVersion snapshot holds. */
export function projectSnapshot(p: {
  name: string;
  description: string;
  settings: Prisma.JsonValue | Prisma.InputJsonValue;
}) {
  return { name: p.name, description: p.description, settings: p.settings };
}
