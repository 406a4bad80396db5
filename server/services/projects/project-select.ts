import type { Prisma } from "@prisma/client";

import { type JsonObject, jsonObject } from "@/server/services/audit/json";

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

/** A project row as procedures answer with it: its settings typed as a JSON object. */
export function presentProject<T extends { settings: Prisma.JsonValue }>(
  row: T,
): Omit<T, "settings"> & { settings: JsonObject } {
  return { ...row, settings: jsonObject(row.settings) };
}

/** The versioned part of a project: what a ProjectVersion snapshot holds. */
export function projectSnapshot(p: {
  name: string;
  description: string;
  settings: Prisma.JsonValue | Prisma.InputJsonValue;
}) {
  return { name: p.name, description: p.description, settings: p.settings };
}
