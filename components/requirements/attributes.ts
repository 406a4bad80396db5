/**
 * Custom attributes in forms: the project's definitions, the raw strings the
 * inputs hold, and the typed values the API takes.
 */
import type { AttributeDefinition } from "@/lib/schemas/project";

export type { AttributeDefinition };
export type AttributeValue = string | number | boolean;
export type RawAttributes = Record<string, string>;

/** The definitions from a project's settings JSON, tolerating anything malformed. */
export function attributeDefinitionsOf(settings: unknown): AttributeDefinition[] {
  if (!settings || typeof settings !== "object") return [];
  const defs = (settings as { requirementAttributes?: unknown }).requirementAttributes;
  if (!Array.isArray(defs)) return [];
  return defs.filter(
    (d): d is AttributeDefinition =>
      Boolean(d) &&
      typeof d === "object" &&
      typeof (d as AttributeDefinition).key === "string" &&
      typeof (d as AttributeDefinition).label === "string",
  );
}

export function attributeLabels(defs: AttributeDefinition[]): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.key, d.label]));
}

/** Stored values → the strings the inputs show. */
export function toRawAttributes(
  defs: AttributeDefinition[],
  values: Record<string, unknown> | null | undefined,
): RawAttributes {
  const raw: RawAttributes = {};
  for (const d of defs) {
    const v = values?.[d.key];
    raw[d.key] = v === undefined || v === null ? "" : typeof v === "boolean" ? (v ? "true" : "false") : String(v);
  }
  return raw;
}

/** Input strings → typed values (empty ones left out), with a message per invalid field. */
export function parseRawAttributes(
  defs: AttributeDefinition[],
  raw: RawAttributes,
): { values: Record<string, AttributeValue>; errors: Record<string, string> } {
  const values: Record<string, AttributeValue> = {};
  const errors: Record<string, string> = {};
  for (const d of defs) {
    const text = (raw[d.key] ?? "").trim();
    if (text === "") {
      if (d.required) errors[d.key] = `${d.label} is required`;
      continue;
    }
    switch (d.type) {
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[d.key] = "Enter a number";
        else values[d.key] = n;
        break;
      }
      case "boolean":
        values[d.key] = text === "true";
        break;
      case "date":
        if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[d.key] = "Enter a date (YYYY-MM-DD)";
        else values[d.key] = text;
        break;
      case "enum":
        if (d.options && !d.options.includes(text)) errors[d.key] = `Choose one of ${d.options.join(", ")}`;
        else values[d.key] = text;
        break;
      default:
        if (text.length > 2000) errors[d.key] = "Must be at most 2000 characters";
        else values[d.key] = raw[d.key] ?? "";
    }
  }
  return { values, errors };
}

/** How a stored value reads on the page. */
export function formatAttributeValue(def: AttributeDefinition | undefined, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (def?.type === "date" && typeof value === "string") {
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) {
      return new Intl.DateTimeFormat(undefined, {
        year: "numeric",
        month: "short",
        day: "numeric",
        timeZone: "UTC",
      }).format(d);
    }
  }
  return String(value);
}
