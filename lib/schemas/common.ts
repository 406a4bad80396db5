/** Input building blocks shared by every router: keys, names, numbers, dates, pagination. */
import { z } from "zod";

export const MAX_PAGE_SIZE = 100;

/** PostgreSQL's `integer` range: anything bigger would fail in the database instead of in validation. */
export const PG_INT_MAX = 2_147_483_647;
export const PG_INT_MIN = -2_147_483_648;

/** Any whole number a PostgreSQL `integer` column holds. */
export const pgInt = z
  .number()
  .int()
  .min(PG_INT_MIN, `Must be at least ${PG_INT_MIN}`)
  .max(PG_INT_MAX, `Must be at most ${PG_INT_MAX}`);

/** A positive whole number in PostgreSQL's `integer` range: version numbers, key numbers, counters. */
export const positiveInt = z
  .number()
  .int()
  .min(1, "Must be at least 1")
  .max(PG_INT_MAX, `Must be at most ${PG_INT_MAX}`);

/** The version of an item the client last saw (compare-and-set), or a version number to read. */
export const version = positiveInt;
export const expectedVersion = positiveInt;

/** Oldest and newest day any date input may name; PostgreSQL and JavaScript both handle every day between. */
export const MIN_DAY = "1900-01-01";
export const MAX_DAY = "9999-12-31";
const MIN_TIME = Date.parse(`${MIN_DAY}T00:00:00.000Z`);
const MAX_TIME = Date.parse(`${MAX_DAY}T23:59:59.999Z`);
export const DATE_RANGE_MESSAGE = `Dates must be between ${MIN_DAY} and ${MAX_DAY}`;

/** Whether a Date is a real time within the supported range. */
export function isSupportedDate(d: Date): boolean {
  const t = d.getTime();
  return !Number.isNaN(t) && t >= MIN_TIME && t <= MAX_TIME;
}

/** A UTC calendar day, `YYYY-MM-DD`, that exists (no 2026-02-30) and lies between 1900 and 9999. */
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Days look like 2026-11-22", abort: true })
  .refine(
    (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    },
    { error: "Not a calendar day", abort: true },
  )
  .refine((s) => s >= MIN_DAY && s <= MAX_DAY, DATE_RANGE_MESSAGE);

/**
 * Oldest and newest instants a date-time attribute may hold: every instant whose UTC year has four digits,
 * so the stored text keeps one shape (`toISOString` writes other years as `+010000-…` or `-000001-…`).
 */
export const MIN_DATE_TIME = "0001-01-01T00:00:00.000Z";
export const MAX_DATE_TIME = "9999-12-31T23:59:59.999Z";
export const DATE_TIME_RANGE_MESSAGE = "Date-times must lie in the years 0001 to 9999 (UTC)";

/** `YYYY-MM-DDTHH:mm[:ss[.fraction]]` and an offset (`Z`, `+01:00`); longer years cannot match. */
const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The instant an ISO 8601 date-time names; null for a day or time of day that does not exist. */
function parseDateTime(text: string): Date | null {
  const m = DATE_TIME_PATTERN.exec(text);
  if (!m) return null;
  const [year, month, dayOfMonth, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 9, 10].map(
    (i) => Number(m[i] ?? 0),
  ) as [number, number, number, number, number, number, number, number];
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (m[8] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  // setUTCFullYear, unlike Date.UTC, takes years 0–99 as written rather than as 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, dayOfMonth);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== dayOfMonth) return null;
  d.setUTCHours(hour, minute - offset, second, ms);
  return d;
}
const MIN_DATE_TIME_MS = Date.parse(MIN_DATE_TIME);
const MAX_DATE_TIME_MS = Date.parse(MAX_DATE_TIME);

/**
 * A date and time with its offset (ISO 8601: `2026-11-22T14:30:00Z`, `2026-11-22T15:30+01:00`), normalised to
 * the UTC instant `YYYY-MM-DDTHH:mm:ss.sssZ` (fractions past milliseconds dropped), years 0001 to 9999 in UTC.
 */
export const utcDateTime = z
  .string()
  .max(40, { error: "Date-times are at most 40 characters", abort: true })
  .regex(DATE_TIME_PATTERN, {
    error: "Date-times look like 2026-11-22T14:30:00Z or 2026-11-22T15:30:00+01:00",
    abort: true,
  })
  .transform((text, ctx) => {
    const d = parseDateTime(text);
    if (d === null) {
      ctx.issues.push({ code: "custom", message: "Not a calendar date and time", input: text });
      return z.NEVER;
    }
    // An offset can carry 0001-01-01 or 9999-12-31 over into a year four digits cannot write.
    if (d.getTime() < MIN_DATE_TIME_MS || d.getTime() > MAX_DATE_TIME_MS) {
      ctx.issues.push({ code: "custom", message: DATE_TIME_RANGE_MESSAGE, input: text });
      return z.NEVER;
    }
    return d.toISOString();
  });

/** A point in time — a Date, or an ISO date or date-time string — between 1900 and 9999. */
export const timestamp = z
  .union([z.date(), z.string().max(40, "Dates are at most 40 characters")])
  .pipe(z.coerce.date({ error: "Not a valid date" }))
  .refine(isSupportedDate, DATE_RANGE_MESSAGE);

export const pagination = {
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
};

export const projectKey = z
  .string()
  .max(100, "Project key must be 2–10 upper-case letters (A–Z)")
  .trim()
  .regex(/^[A-Z]{2,10}$/, "Project key must be 2–10 upper-case letters (A–Z)");

export const id = z.string().min(1).max(64);

export const email = z.string().trim().toLowerCase().max(254).email("Enter a valid email address");

export const displayName = z.string().trim().min(1, "Name is required").max(100);

/**
 * Object keys the wire format refuses to send back (superjson's guard against
 * prototype pollution): stored under a user-chosen key, any of them would make
 * every response that carries it a 500.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
export const RESERVED_KEYS_MESSAGE = 'Keys cannot be "__proto__", "constructor" or "prototype"';

/** Whether any object in `value`, at any depth, has a reserved key (checked without recursion). */
export function hasReservedKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      if (RESERVED_KEYS.has(key)) return true;
      stack.push(child);
    }
  }
  return false;
}

export const longText = (max: number) => z.string().max(max, `Must be at most ${max} characters`);

/** At most `max` UTF-8 bytes; the length check (characters ≤ bytes) turns away huge strings before encoding them. */
export const maxBytes = (max: number, message: string) =>
  z
    .string()
    .max(max, { error: message, abort: true })
    .refine((s) => new TextEncoder().encode(s).length <= max, message);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/* ------------------------------------------------------------------ outputs */
/*
 * Every procedure declares what it answers with (`.output(schema)`): the
 * response carries exactly the declared fields (zod objects drop the rest),
 * and the types other programs code against come from these schemas, not from
 * the database client. Output schemas describe shapes, not input rules: no
 * length limits or refinements, so stored data written under older rules is
 * still answered.
 */

/** A point in time: a Date over tRPC (superjson), an ISO 8601 string over REST and in the OpenAPI document. */
export const dateTimeOut = z.date().meta({ override: { type: "string", format: "date-time" } });

/** How deep `isJsonValue` follows arrays and objects before it says no (a cycle ends there too). */
const JSON_MAX_DEPTH = 256;

/**
 * Whether `value` is JSON data: strings, finite numbers, booleans, null, and arrays and plain objects of
 * them (no `undefined`, no Dates, Maps or class instances). Iterative, so depth cannot exhaust the stack.
 */
export function isJsonValue(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    switch (typeof node) {
      case "string":
      case "boolean":
        continue;
      case "number":
        if (!Number.isFinite(node)) return false;
        continue;
      case "object": {
        if (node === null) continue;
        if (depth >= JSON_MAX_DEPTH) return false;
        if (Array.isArray(node)) {
          for (const child of node) stack.push([child, depth + 1]);
          continue;
        }
        const proto = Object.getPrototypeOf(node) as unknown;
        if (proto !== Object.prototype && proto !== null) return false;
        for (const key in node) {
          if (Object.hasOwn(node, key)) stack.push([(node as Record<string, unknown>)[key], depth + 1]);
        }
        continue;
      }
      default:
        return false;
    }
  }
  return true;
}

/**
 * Any JSON value (settings, custom attribute values, event payloads). Checked by one walk rather than
 * `z.json()`'s recursive union, which tries each kind in turn and builds an issue for every miss: half
 * the cost of checking a page of projects. Described in the OpenAPI document as any value.
 */
export const jsonOut = z
  .custom<z.core.util.JSONType>(isJsonValue, { message: "Expected a JSON value" })
  .meta({ id: "JsonValue", description: "Any JSON value" });

/** A JSON object with string keys. */
export const jsonObjectOut = z.record(z.string(), jsonOut);

/** A person as shown beside their work (author, reporter, assignee): deactivated accounts stay, marked. */
export const personOut = z
  .object({ id: z.string(), name: z.string(), deactivatedAt: dateTimeOut.nullable() })
  .meta({ id: "Person" });

/** The same with the address, where the page shows it (members, mentions). */
export const personWithEmailOut = personOut.extend({ email: z.string() }).meta({ id: "PersonWithEmail" });

/** One page of a keyset-paginated list: pass `nextCursor` back as `cursor` for the next one (null: the last page). */
export function pageOut<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The answer of a call that only reports success. */
export const okOut = z.object({ ok: z.literal(true) });
