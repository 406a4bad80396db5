/**
 * Custom attribute values are validated on every write against the
 * project's definitions (settings.requirementAttributes), and stored in one
 * form per type: date-times as UTC `YYYY-MM-DDTHH:mm:ss.sssZ`, multi-valued
 * enums as distinct options in the definition's order.
 */
import type { Prisma } from "@prisma/client";

import { day, utcDateTime } from "@/lib/schemas/common";
import { type AttributeDefinition, projectSettings } from "@/lib/schemas/project";
import { ATTRIBUTE_RICH_TEXT_MAX, ATTRIBUTE_TEXT_MAX, type AttributeValue } from "@/lib/schemas/requirement";
import { AppError } from "@/server/errors";

export function attributeDefinitions(settings: Prisma.JsonValue): AttributeDefinition[] {
  const parsed = projectSettings.safeParse(settings ?? {});
  return parsed.success ? (parsed.data.requirementAttributes ?? []) : [];
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value)) ||
    (Array.isArray(value) && value.every((v) => typeof v === "string"))
  );
}

/**
 * A version's stored values as the API types them. Every write validated them, so nothing is dropped in
 * practice; a value of any other shape would be left out rather than fail the whole answer.
 */
export function storedAttributes(value: Prisma.JsonValue): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return out;
  for (const [key, v] of Object.entries(value)) if (isAttributeValue(v)) out[key] = v;
  return out;
}

function invalid(key: string, message: string): never {
  throw new AppError("BAD_REQUEST", `Attribute "${key}": ${message}`, { attribute: key });
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

function text(key: string, value: unknown, max: number): string {
  if (typeof value !== "string") invalid(key, "must be text");
  if (value.length > max) invalid(key, `must be at most ${max} characters`);
  return value;
}

/**
 * Returns the values in their stored form with empty ones (null, "", []) dropped, or throws BAD_REQUEST
 * naming the offending attribute. Takes stored values too (restore, an edit that keeps them), so it trusts
 * no type.
 */
export function validateAttributes(
  defs: AttributeDefinition[],
  values: Readonly<Record<string, unknown>>,
): Record<string, AttributeValue> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) invalid(key, "is not defined for this project");
    if (isEmpty(value)) continue;
    const options = def.options ?? [];
    switch (def.type) {
      case "text":
        out[key] = text(key, value, ATTRIBUTE_TEXT_MAX);
        break;
      case "richText":
        out[key] = text(key, value, ATTRIBUTE_RICH_TEXT_MAX);
        break;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) invalid(key, "must be a number");
        out[key] = value;
        break;
      case "boolean":
        if (typeof value !== "boolean") invalid(key, "must be true or false");
        out[key] = value;
        break;
      case "date": {
        if (typeof value !== "string") invalid(key, "must be a date (YYYY-MM-DD)");
        const parsed = day.safeParse(value);
        if (!parsed.success) invalid(key, `must be a date (YYYY-MM-DD): ${parsed.error.issues[0]?.message}`);
        out[key] = parsed.data;
        break;
      }
      case "dateTime": {
        const format = "must be a date and time with an offset or Z (ISO 8601)";
        if (typeof value !== "string") invalid(key, format);
        const parsed = utcDateTime.safeParse(value);
        if (!parsed.success) invalid(key, `${format}: ${parsed.error.issues[0]?.message}`);
        out[key] = parsed.data;
        break;
      }
      case "enum":
        if (typeof value !== "string" || !options.includes(value)) invalid(key, `must be one of ${options.join(", ")}`);
        out[key] = value;
        break;
      case "multiEnum": {
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
          invalid(key, `must be a list of options from ${options.join(", ")}`);
        }
        const stray = value.find((v) => !options.includes(v));
        if (stray !== undefined) invalid(key, `"${stray}" is not one of ${options.join(", ")}`);
        // Distinct and in the definition's order, so equal choices are stored (and compared) as equal lists.
        const chosen = new Set(value);
        out[key] = [...new Set(options)].filter((o) => chosen.has(o));
        break;
      }
    }
  }
  for (const def of defs) {
    if (def.required && !(def.key in out)) invalid(def.key, "is required");
  }
  return out;
}
