/**
 * Custom attributes in forms: the project's definitions, the raw values the
 * inputs hold, and the typed values the API takes. Date-times are entered and
 * shown in the reader's time zone and sent as UTC.
 */
import { type TimeFormats, timeFormats } from "@/components/local-time";
import { utcDateTime } from "@/lib/schemas/common";
import type { AttributeDefinition, AttributeType } from "@/lib/schemas/project";
import { ATTRIBUTE_RICH_TEXT_MAX, ATTRIBUTE_TEXT_MAX, type AttributeValue } from "@/lib/schemas/requirement";

export type { AttributeDefinition, AttributeType, AttributeValue };
/** What an input holds: text for most types, the checked options of a multi-valued enum. */
export type RawAttributes = Record<string, string | string[]>;

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

/** The attributes requirements may take new values for: all but the retired ones. */
export function activeAttributes(defs: AttributeDefinition[]): AttributeDefinition[] {
  return defs.filter((d) => !d.retired);
}

/** Labels for diffs and history; a retired attribute says so wherever its old values show. */
export function attributeLabels(defs: AttributeDefinition[]): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.key, d.retired ? `${d.label} (retired)` : d.label]));
}

export function attributeTypes(defs: AttributeDefinition[]): Record<string, AttributeType> {
  return Object.fromEntries(defs.map((d) => [d.key, d.type]));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * A stored UTC date-time as a `datetime-local` input shows it: the same instant in the reader's time zone,
 * with seconds and milliseconds only when it has them; "" for anything that is not a time.
 */
export function toLocalDateTimeInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const minutes = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const [s, ms] = [d.getSeconds(), d.getMilliseconds()];
  if (ms) return `${minutes}:${pad(s)}.${pad(ms, 3)}`;
  return s ? `${minutes}:${pad(s)}` : minutes;
}

const YEAR_RANGE = "Enter a time in the years 1 to 9999";
const LOCAL_DATE_TIME = /^(\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A `datetime-local` value, read in the reader's time zone, as the UTC instant the API stores
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`), or why it is not one.
 */
export function fromLocalDateTimeInput(local: string): { ok: true; value: string } | { ok: false; message: string } {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) return { ok: false, message: "Enter a date and time" };
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || year > 9999) return { ok: false, message: YEAR_RANGE };
  // setFullYear, unlike the Date constructor, takes years 0–99 as written rather than as 1900–1999.
  const d = new Date(2000, 0, 1);
  d.setFullYear(year, month - 1, day);
  if (d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day || hour > 23 || minute > 59) {
    return { ok: false, message: "Not a calendar date and time" };
  }
  d.setHours(hour, minute, second, Number((m[7] ?? "").padEnd(3, "0")));
  // Near 0001-01-01 or 9999-12-31 the reader's offset can carry the instant out of the years UTC may hold.
  const parsed = utcDateTime.safeParse(d.toISOString());
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: YEAR_RANGE };
}

/** Stored values → what the inputs hold (retired attributes have no input). */
export function toRawAttributes(
  defs: AttributeDefinition[],
  values: Record<string, unknown> | null | undefined,
): RawAttributes {
  const raw: RawAttributes = {};
  for (const d of activeAttributes(defs)) {
    const v = values?.[d.key];
    if (d.type === "multiEnum") raw[d.key] = Array.isArray(v) ? v.filter((o) => typeof o === "string") : [];
    else if (d.type === "dateTime" && typeof v === "string") raw[d.key] = toLocalDateTimeInput(v) || v;
    else raw[d.key] = v === undefined || v === null ? "" : typeof v === "boolean" ? (v ? "true" : "false") : String(v);
  }
  return raw;
}

/**
 * What the inputs hold → typed values of the active attributes (empty ones left out), with a message per
 * invalid field; `missing` lists the required attributes left empty (their messages are in `errors` too).
 * `original` (the values the form started from) keeps a date-time the reader did not touch exactly as stored:
 * in the hour a clock is set back, one local time names two instants.
 */
export function parseRawAttributes(
  defs: AttributeDefinition[],
  raw: RawAttributes,
  original?: Record<string, unknown>,
): { values: Record<string, AttributeValue>; errors: Record<string, string>; missing: string[] } {
  const values: Record<string, AttributeValue> = {};
  const errors: Record<string, string> = {};
  const missing: string[] = [];
  const required = (d: AttributeDefinition) => {
    if (!d.required) return;
    errors[d.key] = `${d.label} is required`;
    missing.push(d.key);
  };
  for (const d of activeAttributes(defs)) {
    const held = raw[d.key] ?? "";
    const input = d.type === "multiEnum" && !Array.isArray(held) ? (held ? [held] : []) : held;
    if (Array.isArray(input)) {
      const options = d.options ?? [];
      const stale = input.find((o) => !options.includes(o));
      if (stale !== undefined) errors[d.key] = `“${stale}” is no longer an option; clear it`;
      else if (input.length > 0) values[d.key] = options.filter((o) => input.includes(o));
      else required(d);
      continue;
    }
    const text = input.trim();
    if (text === "") {
      required(d);
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
      case "dateTime": {
        const before = original?.[d.key];
        if (typeof before === "string" && toLocalDateTimeInput(before) === text) {
          values[d.key] = before;
          break;
        }
        const parsed = fromLocalDateTimeInput(text);
        if (parsed.ok) values[d.key] = parsed.value;
        else errors[d.key] = parsed.message;
        break;
      }
      case "enum":
        if (d.options && !d.options.includes(text)) errors[d.key] = `Choose one of ${d.options.join(", ")}`;
        else values[d.key] = text;
        break;
      default: {
        const max = d.type === "richText" ? ATTRIBUTE_RICH_TEXT_MAX : ATTRIBUTE_TEXT_MAX;
        if (input.length > max) errors[d.key] = `Must be at most ${max} characters`;
        else values[d.key] = input;
      }
    }
  }
  return { values, errors, missing };
}

/** How a stored value reads on the page, in the reader's locale; a date-time also in their zone. */
export function formatAttributeValue(
  def: AttributeDefinition | undefined,
  value: unknown,
  formats?: TimeFormats,
): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "—";
  if (def?.type === "date" && typeof value === "string") {
    // A calendar date, not an instant: the same day in every zone.
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) return timeFormats(formats?.locale ?? "en", "UTC").date(d);
  }
  if (def?.type === "dateTime" && typeof value === "string") {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return (formats ?? timeFormats("en", "UTC")).dateTime(d);
  }
  return String(value);
}
