/**
 * Custom attribute values are validated on every write against the
 * project's definitions (settings.requirementAttributes).
 */
import type { Prisma } from "@prisma/client";

import { day } from "@/lib/schemas/common";
import { type AttributeDefinition, projectSettings } from "@/lib/schemas/project";
import { AppError } from "@/server/errors";

export function attributeDefinitions(settings: Prisma.JsonValue): AttributeDefinition[] {
  const parsed = projectSettings.safeParse(settings ?? {});
  return parsed.success ? (parsed.data.requirementAttributes ?? []) : [];
}

function invalid(key: string, message: string): never {
  throw new AppError("BAD_REQUEST", `Attribute "${key}": ${message}`, { attribute: key });
}

/** Returns the values with nulls dropped, or throws BAD_REQUEST naming the offending attribute. */
export function validateAttributes(
  defs: AttributeDefinition[],
  values: Record<string, string | number | boolean | null>,
): Record<string, string | number | boolean> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) invalid(key, "is not defined for this project");
    if (value === null || value === "") continue;
    switch (def.type) {
      case "text":
        if (typeof value !== "string") invalid(key, "must be text");
        break;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) invalid(key, "must be a number");
        break;
      case "boolean":
        if (typeof value !== "boolean") invalid(key, "must be true or false");
        break;
      case "date": {
        if (typeof value !== "string") invalid(key, "must be a date (YYYY-MM-DD)");
        const parsed = day.safeParse(value);
        if (!parsed.success) invalid(key, `must be a date (YYYY-MM-DD): ${parsed.error.issues[0]?.message}`);
        break;
      }
      case "enum":
        if (typeof value !== "string" || !def.options?.includes(value)) {
          invalid(key, `must be one of ${def.options?.join(", ")}`);
        }
        break;
    }
    out[key] = value;
  }
  for (const def of defs) {
    if (def.required && !(def.key in out)) invalid(def.key, "is required");
  }
  return out;
}
