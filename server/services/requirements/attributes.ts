/**
 * Custom attribute values are validated on every write against the
 * project's definitions (settings.requirementAttributes), and stored in one
 * form per type: date-times as UTC `YYYY-MM-DDTHH:mm:ss.sssZ`, multi-valued
 * enums as distinct options in the definition's order.
 *
 * Definitions change over time without making any stored version wrong:
 * - `required` applies to new values only (see `validateAttributes`);
 * - a retired attribute keeps its stored values but takes no new ones;
 * - a definition, its type or an enum option that stored versions use cannot be
 *   deleted or changed (`assertDefinitionsKeepValues`), so every old value stays
 *   readable and every old version restorable.
 */
import { Prisma } from "@prisma/client";

import { sameValue } from "@/lib/diff";
import { day, utcDateTime } from "@/lib/schemas/common";
import { type AttributeDefinition, projectSettings } from "@/lib/schemas/project";
import { ATTRIBUTE_RICH_TEXT_MAX, ATTRIBUTE_TEXT_MAX, type AttributeValue } from "@/lib/schemas/requirement";
import type { Tx } from "@/server/db";
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

/** What a write knows about the requirement whose values it checks. */
export interface AttributeWrite {
  /** The values the requirement holds now (stored form); absent when it is being created. */
  previous?: Readonly<Record<string, unknown>>;
  /** Restoring an earlier version: its values come back exactly as they were written then. */
  restore?: boolean;
}

/** Whether two value maps hold the same non-empty values. */
function sameValues(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const filled = (m: Readonly<Record<string, unknown>>) => Object.keys(m).filter((k) => !isEmpty(m[k]));
  const keys = filled(a);
  return keys.length === filled(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
}

/**
 * Returns the values in their stored form with empty ones (null, "", []) dropped, or throws BAD_REQUEST
 * naming the offending attribute. Takes stored values too (restore, an edit that keeps them), so it trusts
 * no type.
 *
 * How definitions that changed since a requirement was written apply (`write`):
 * - Required attributes are checked when the values written differ from the ones the requirement holds
 *   (always for a new requirement). An edit of the title or statement that leaves the values as they were,
 *   a transition, a move and a restore are never blocked by an attribute made required later: the
 *   requirement was valid under the rules of its day, and demanding the value would force whoever fixes a
 *   typo to invent it. Whoever changes the attribute values must supply it.
 * - A retired attribute keeps the value the requirement holds: leaving it out of an edit keeps it, and
 *   sending it unchanged is fine, but setting, changing or clearing it is refused (un-retire it first).
 * - A restore brings back the earlier version's values exactly, retired ones included, because they are
 *   values the requirement once held rather than new ones.
 */
export function validateAttributes(
  defs: AttributeDefinition[],
  values: Readonly<Record<string, unknown>>,
  write: AttributeWrite = {},
): Record<string, AttributeValue> {
  const { previous, restore = false } = write;
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const given: Record<string, unknown> = { ...values };
  if (previous && !restore) {
    for (const def of defs) {
      if (def.retired && !(def.key in given) && !isEmpty(previous[def.key])) given[def.key] = previous[def.key];
    }
  }
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(given)) {
    const def = byKey.get(key);
    if (!def) invalid(key, "is not defined for this project");
    if (isEmpty(value)) continue;
    out[key] = storedValue(def, value);
  }
  if (!restore) {
    for (const def of defs) {
      if (!def.retired) continue;
      const before = previous?.[def.key];
      const after = out[def.key];
      const unchanged = isEmpty(before) ? after === undefined : sameValue(before, after);
      if (!unchanged) invalid(def.key, "is retired; its value can be kept but no longer set or changed");
    }
    if (!previous || !sameValues(previous, out)) {
      for (const def of defs) {
        if (def.required && !def.retired && !(def.key in out)) invalid(def.key, "is required");
      }
    }
  }
  return out;
}

/** One value in its stored form, or BAD_REQUEST naming the attribute. */
function storedValue(def: AttributeDefinition, value: unknown): AttributeValue {
  const key = def.key;
  const options = def.options ?? [];
  switch (def.type) {
    case "text":
      return text(key, value, ATTRIBUTE_TEXT_MAX);
    case "richText":
      return text(key, value, ATTRIBUTE_RICH_TEXT_MAX);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) invalid(key, "must be a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") invalid(key, "must be true or false");
      return value;
    case "date": {
      if (typeof value !== "string") invalid(key, "must be a date (YYYY-MM-DD)");
      const parsed = day.safeParse(value);
      if (!parsed.success) invalid(key, `must be a date (YYYY-MM-DD): ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    }
    case "dateTime": {
      const format = "must be a date and time with an offset or Z (ISO 8601)";
      if (typeof value !== "string") invalid(key, format);
      const parsed = utcDateTime.safeParse(value);
      if (!parsed.success) invalid(key, `${format}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    }
    case "enum":
      if (typeof value !== "string" || !options.includes(value)) invalid(key, `must be one of ${options.join(", ")}`);
      return value;
    case "multiEnum": {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        invalid(key, `must be a list of options from ${options.join(", ")}`);
      }
      const stray = value.find((v) => !options.includes(v));
      if (stray !== undefined) invalid(key, `"${stray}" is not one of ${options.join(", ")}`);
      // Distinct and in the definition's order, so equal choices are stored (and compared) as equal lists.
      const chosen = new Set(value);
      return [...new Set(options)].filter((o) => chosen.has(o));
    }
  }
}

const ENUM_TYPES: ReadonlySet<string> = new Set(["enum", "multiEnum"]);

/**
 * Refuses a change of the project's definitions that would leave a stored value without a reading: deleting
 * an attribute, changing its type, or removing an enum option while any version of any requirement in the
 * project holds a value for it (or that option). Retiring is the way to take such an attribute out of use.
 * Runs after the project row was written, so requirement writes that read the old definitions (they lock the
 * project row for share) have committed and are counted.
 */
export async function assertDefinitionsKeepValues(
  tx: Tx,
  projectId: string,
  before: AttributeDefinition[],
  after: AttributeDefinition[],
): Promise<void> {
  const next = new Map(after.map((d) => [d.key, d]));
  const gone: string[] = [];
  const retyped: [AttributeDefinition, AttributeDefinition][] = [];
  const dropped = new Map<string, Set<string>>();
  for (const old of before) {
    const now = next.get(old.key);
    if (!now) gone.push(old.key);
    else if (now.type !== old.type) retyped.push([old, now]);
    else if (ENUM_TYPES.has(old.type)) {
      const removed = (old.options ?? []).filter((o) => !(now.options ?? []).includes(o));
      if (removed.length > 0) dropped.set(old.key, new Set(removed));
    }
  }
  const whole = [...gone, ...retyped.map(([d]) => d.key)];
  if (whole.length > 0) {
    const used = await tx.$queryRaw<{ key: string; requirements: number }[]>`
      SELECT e.key, count(DISTINCT v."requirementId")::int AS requirements
      FROM "RequirementVersion" v CROSS JOIN LATERAL jsonb_each(v.attributes) e
      WHERE v."projectId" = ${projectId} AND jsonb_typeof(v.attributes) = 'object'
        AND e.key IN (${Prisma.join(whole)})
      GROUP BY e.key ORDER BY e.key`;
    const counted = new Map(used.map((u) => [u.key, u.requirements]));
    for (const key of gone) {
      const n = counted.get(key);
      if (n) {
        throw new AppError(
          "BAD_REQUEST",
          `Attribute "${key}" cannot be deleted: ${requirementsHold(n)}. Retire it instead, so those values stay readable.`,
          { attribute: key },
        );
      }
    }
    for (const [old, now] of retyped) {
      const n = counted.get(old.key);
      if (n) {
        throw new AppError(
          "BAD_REQUEST",
          `Attribute "${old.key}" cannot change from ${old.type} to ${now.type}: ${requirementsHold(n)}. Retire it and add a new attribute instead.`,
          { attribute: old.key },
        );
      }
    }
  }
  if (dropped.size > 0) {
    const used = await tx.$queryRaw<{ key: string; option: string }[]>`
      SELECT DISTINCT e.key, o.option
      FROM "RequirementVersion" v
      CROSS JOIN LATERAL jsonb_each(v.attributes) e
      CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE jsonb_typeof(e.value) WHEN 'array' THEN e.value ELSE jsonb_build_array(e.value) END
      ) o(option)
      WHERE v."projectId" = ${projectId} AND jsonb_typeof(v.attributes) = 'object'
        AND e.key IN (${Prisma.join([...dropped.keys()])})
      ORDER BY e.key, o.option`;
    for (const { key, option } of used) {
      if (!dropped.get(key)?.has(option)) continue;
      throw new AppError(
        "BAD_REQUEST",
        `Attribute "${key}": option "${option}" cannot be removed because stored requirement versions use it. Keep the option, or retire the attribute and add a new one.`,
        { attribute: key, option },
      );
    }
  }
}

function requirementsHold(n: number): string {
  return `${n === 1 ? "1 requirement has" : `${n} requirements have`} a value for it (now or in an earlier version)`;
}
