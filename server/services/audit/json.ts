/**
 * JSON columns (settings, audit snapshots, security-log details) as the output schemas type them.
 * Prisma types a JSON object's keys as optional, so its `JsonValue` is not assignable to the
 * schemas' JSON type, though a value read from the database never holds `undefined`.
 */
import type { Prisma } from "@prisma/client";
import type { z } from "zod";

import type { jsonObjectOut, jsonOut } from "@/lib/schemas/common";

export type Json = z.output<typeof jsonOut>;
export type JsonObject = z.output<typeof jsonObjectOut>;

/** A JSON column's value, typed as the output schemas' `jsonOut`. */
export function jsonValue(value: Prisma.JsonValue): Json {
  return value as Json;
}

/** A JSON column that holds an object (project settings); `{}` for anything else. */
export function jsonObject(value: Prisma.JsonValue): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
