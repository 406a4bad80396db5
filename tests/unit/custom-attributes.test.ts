/**
 * Custom attribute values of every type: what validateAttributes accepts and in which stored form (date-times
 * in UTC, multi-valued enums distinct and in the definition's order), what it refuses and how it names the
 * attribute; the input schema's bounds; and the form's date-time conversion in the reader's time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  fromLocalDateTimeInput,
  parseRawAttributes,
  toLocalDateTimeInput,
  toRawAttributes,
} from "@/components/requirements/attributes";
import { utcDateTime } from "@/lib/schemas/common";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { requirementUpdateInput } from "@/lib/schemas/requirement";
import { AppError } from "@/server/errors";
import { storedAttributes, validateAttributes } from "@/server/services/requirements/attributes";

const DEFS: AttributeDefinition[] = [
  { key: "owner", label: "Owner", type: "text", required: false },
  { key: "notes", label: "Notes", type: "richText", required: false },
  { key: "effort", label: "Effort", type: "number", required: false },
  { key: "risk", label: "Risk", type: "enum", required: false, options: ["low", "high"] },
  { key: "platforms", label: "Platforms", type: "multiEnum", required: false, options: ["web", "ios", "android"] },
  { key: "due", label: "Due", type: "date", required: false },
  { key: "review", label: "Review", type: "dateTime", required: false },
  { key: "safety", label: "Safety", type: "boolean", required: false },
];

/** The BAD_REQUEST validateAttributes throws for `values`, with the attribute it names. */
function refusal(values: Record<string, unknown>, defs: AttributeDefinition[] = DEFS) {
  try {
    validateAttributes(defs, values);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe("BAD_REQUEST");
    return { message: e.message, attribute: (e.details as { attribute?: string } | undefined)?.attribute };
  }
  throw new Error(`accepted ${JSON.stringify(values)}`);
}

describe("validateAttributes", () => {
  it("accepts a value of every type and stores each in its one form", () => {
    const notes = "## Why\n\n- *one*\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |";
    expect(
      validateAttributes(DEFS, {
        owner: "QA",
        notes,
        effort: 3.5,
        risk: "high",
        platforms: ["android", "web"],
        due: "2027-01-31",
        review: "2026-11-22T15:30:00+01:00",
        safety: false,
      }),
    ).toEqual({
      owner: "QA",
      notes,
      effort: 3.5,
      risk: "high",
      platforms: ["web", "android"],
      due: "2027-01-31",
      review: "2026-11-22T14:30:00.000Z",
      safety: false,
    });
  });

  it("normalises date-times to UTC with milliseconds, whatever offset or precision they came with", () => {
    const review = (value: string) => validateAttributes(DEFS, { review: value }).review;
    expect(review("2026-11-22T14:30Z")).toBe("2026-11-22T14:30:00.000Z");
    expect(review("2026-11-22T09:30:05.1-05:00")).toBe("2026-11-22T14:30:05.100Z");
    expect(review("2026-11-22T14:30:05.123456789Z")).toBe("2026-11-22T14:30:05.123Z");
    expect(review("2026-12-31T23:30:00-01:00")).toBe("2027-01-01T00:30:00.000Z");
    expect(review("0001-01-01T00:00:00Z")).toBe("0001-01-01T00:00:00.000Z");
    expect(review("0050-06-15T12:00:00Z")).toBe("0050-06-15T12:00:00.000Z");
    expect(review("9999-12-31T23:59:59.999Z")).toBe("9999-12-31T23:59:59.999Z");
  });

  it("stores a multi-valued enum's options once each, in the definition's order", () => {
    expect(validateAttributes(DEFS, { platforms: ["ios", "web", "ios", "web"] }).platforms).toEqual(["web", "ios"]);
    expect(validateAttributes(DEFS, { platforms: ["android"] }).platforms).toEqual(["android"]);
  });

  it("drops empty values: null, empty text and an empty list of options", () => {
    expect(validateAttributes(DEFS, { owner: "", notes: null, platforms: [], review: null })).toEqual({});
  });

  it("refuses an option the definition does not offer, naming it and the attribute", () => {
    const r = refusal({ platforms: ["web", "windows"] });
    expect(r.attribute).toBe("platforms");
    expect(r.message).toBe('Attribute "platforms": "windows" is not one of web, ios, android');
  });

  it("refuses a multi-valued enum that is not a list of strings", () => {
    for (const value of ["web", ["web", 1], { web: true }, true]) {
      const r = refusal({ platforms: value });
      expect(r.attribute).toBe("platforms");
      expect(r.message).toMatch(/^Attribute "platforms": must be a list of options from web, ios, android$/);
    }
  });

  it("refuses date-times without an offset, in other shapes, that do not exist, or outside the years 1–9999", () => {
    const cases: [unknown, RegExp][] = [
      ["2026-11-22T14:30:00", /look like 2026-11-22T14:30:00Z/],
      ["2026-11-22 14:30:00Z", /look like/],
      ["2026-11-22", /look like/],
      ["22/11/2026 14:30 +01:00", /look like/],
      ["-100000-01-01T00:00:00Z", /look like/],
      ["-000001-01-01T00:00:00Z", /look like/],
      ["+275760-09-13T00:00:00Z", /look like/],
      ["275760-09-13T00:00:00Z", /look like/],
      ["10000-01-01T00:00:00Z", /look like/],
      ["2026-02-30T10:00:00Z", /Not a calendar date and time/],
      ["2026-11-22T24:00:00Z", /Not a calendar date and time/],
      ["2026-11-22T14:60:00Z", /Not a calendar date and time/],
      ["2026-11-22T14:30:00+24:00", /Not a calendar date and time/],
      ["0000-06-01T00:00:00Z", /years 0001 to 9999/],
      ["0001-01-01T00:30:00+01:00", /years 0001 to 9999/],
      ["9999-12-31T23:30:00-01:00", /years 0001 to 9999/],
      [`2026-11-22T14:30:00.${"1".repeat(40)}Z`, /at most 40 characters/],
      [1_700_000_000_000, /must be a date and time with an offset or Z/],
    ];
    for (const [value, message] of cases) {
      const r = refusal({ review: value });
      expect(r.attribute, String(value)).toBe("review");
      expect(r.message, String(value)).toMatch(/^Attribute "review": must be a date and time with an offset or Z/);
      expect(r.message, String(value)).toMatch(message);
    }
  });

  it("holds rich text to 20,000 characters and plain text to 2,000", () => {
    expect(validateAttributes(DEFS, { notes: "x".repeat(20_000) }).notes).toHaveLength(20_000);
    expect(refusal({ notes: "x".repeat(20_001) })).toEqual({
      attribute: "notes",
      message: 'Attribute "notes": must be at most 20000 characters',
    });
    expect(validateAttributes(DEFS, { owner: "x".repeat(2_000) }).owner).toHaveLength(2_000);
    expect(refusal({ owner: "x".repeat(2_001) })).toEqual({
      attribute: "owner",
      message: 'Attribute "owner": must be at most 2000 characters',
    });
  });

  it("names the attribute in every type error", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ owner: 3 }, 'Attribute "owner": must be text'],
      [{ notes: ["a"] }, 'Attribute "notes": must be text'],
      [{ effort: "3" }, 'Attribute "effort": must be a number'],
      [{ risk: "medium" }, 'Attribute "risk": must be one of low, high'],
      [{ risk: ["low"] }, 'Attribute "risk": must be one of low, high'],
      [{ due: "2026-11-22T10:00:00Z" }, 'Attribute "due": must be a date (YYYY-MM-DD): Days look like 2026-11-22'],
      [{ safety: "yes" }, 'Attribute "safety": must be true or false'],
      [{ colour: "red" }, 'Attribute "colour": is not defined for this project'],
    ];
    for (const [values, message] of cases) expect(refusal(values).message).toBe(message);
  });

  it("counts an empty list as no value for a required multi-valued enum", () => {
    const required = DEFS.map((d) => (d.key === "platforms" ? { ...d, required: true } : d));
    expect(refusal({ platforms: [] }, required)).toEqual({
      attribute: "platforms",
      message: 'Attribute "platforms": is required',
    });
  });
});

describe("attribute values in the input schema", () => {
  const parse = (attributes: unknown) =>
    requirementUpdateInput.safeParse({ key: "PAY-1", expectedVersion: 1, attributes });

  it("takes lists of options, text up to rich text's 20,000 characters, numbers, yes/no and null", () => {
    expect(parse({ a: ["x", "y"], b: "x".repeat(20_000), c: 1, d: true, e: null, f: [] }).success).toBe(true);
  });

  it("refuses longer text, more than 50 options, long options and lists of anything but strings", () => {
    expect(parse({ a: "x".repeat(20_001) }).success).toBe(false);
    expect(parse({ a: Array.from({ length: 51 }, (_, i) => `o${i}`) }).success).toBe(false);
    expect(parse({ a: ["x".repeat(61)] }).success).toBe(false);
    expect(parse({ a: [1, 2] }).success).toBe(false);
    expect(parse({ a: [["x"]] }).success).toBe(false);
    expect(parse({ a: { b: "c" } }).success).toBe(false);
  });

  it("utcDateTime refuses what a Date cannot hold instead of throwing", () => {
    for (const value of ["+275760-09-14T00:00:00Z", "-271821-04-19T00:00:00Z", "9999-99-99T99:99:99Z"]) {
      expect(() => utcDateTime.safeParse(value)).not.toThrow();
      expect(utcDateTime.safeParse(value).success).toBe(false);
    }
  });
});

describe("storedAttributes", () => {
  it("types stored values and leaves out anything of another shape", () => {
    expect(
      storedAttributes({ a: "x", b: 2, c: false, d: ["p", "q"], e: null, f: { g: 1 }, h: [1], i: Number.NaN }),
    ).toEqual({ a: "x", b: 2, c: false, d: ["p", "q"] });
    expect(storedAttributes(null)).toEqual({});
    expect(storedAttributes(["a"])).toEqual({});
  });
});

describe("date-times in the form, in the reader's time zone", () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = "Europe/Berlin";
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("shows a stored UTC time as local wall-clock time, with seconds only when it has them", () => {
    expect(toLocalDateTimeInput("2026-11-22T14:30:00.000Z")).toBe("2026-11-22T15:30");
    expect(toLocalDateTimeInput("2026-07-01T14:30:05.000Z")).toBe("2026-07-01T16:30:05");
    expect(toLocalDateTimeInput("2026-07-01T14:30:05.120Z")).toBe("2026-07-01T16:30:05.120");
    expect(toLocalDateTimeInput("not a time")).toBe("");
  });

  it("sends the local time as the UTC instant, and refuses what is not one", () => {
    expect(fromLocalDateTimeInput("2026-11-22T15:30")).toEqual({ ok: true, value: "2026-11-22T14:30:00.000Z" });
    expect(fromLocalDateTimeInput("2026-07-01T16:30:05.12")).toEqual({ ok: true, value: "2026-07-01T14:30:05.120Z" });
    // Years below 100 are years, not 1900 + n; a round trip through the form changes nothing.
    expect(fromLocalDateTimeInput(toLocalDateTimeInput("0050-06-15T12:00:00.000Z"))).toEqual({
      ok: true,
      value: "0050-06-15T12:00:00.000Z",
    });
    expect(fromLocalDateTimeInput("2026-02-30T10:00")).toMatchObject({ ok: false });
    expect(fromLocalDateTimeInput("275760-09-13T00:00")).toMatchObject({ ok: false });
    expect(fromLocalDateTimeInput("0001-01-01T00:30")).toMatchObject({ ok: false });
    expect(fromLocalDateTimeInput("")).toMatchObject({ ok: false });
  });

  it("keeps an untouched stored time exactly, even in the hour a local time names twice", () => {
    const defs = DEFS.filter((d) => d.key === "review" || d.key === "platforms");
    // 00:30Z and 01:30Z are both 02:30 in Berlin on the night summer time ends.
    const stored = { review: "2026-10-25T01:30:00.000Z", platforms: ["ios"] };
    const raw = toRawAttributes(defs, stored);
    expect(raw).toEqual({ review: "2026-10-25T02:30", platforms: ["ios"] });
    expect(parseRawAttributes(defs, raw, stored).values).toEqual(stored);
    expect(parseRawAttributes(defs, raw).values.review).toBe("2026-10-25T00:30:00.000Z");
    expect(parseRawAttributes(defs, { ...raw, review: "2026-10-25T03:30" }, stored).values.review).toBe(
      "2026-10-25T02:30:00.000Z",
    );
  });

  it("reads checked options in the definition's order and flags one the project no longer offers", () => {
    const defs = DEFS.filter((d) => d.key === "platforms");
    expect(parseRawAttributes(defs, { platforms: ["android", "web"] }).values).toEqual({
      platforms: ["web", "android"],
    });
    expect(parseRawAttributes(defs, { platforms: [] }).values).toEqual({});
    expect(parseRawAttributes(defs, { platforms: ["web", "windows"] }).errors.platforms).toMatch(/windows/);
  });
});
