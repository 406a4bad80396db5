import { describe, expect, it } from "vitest";

import { z } from "zod";

import { auditListInput } from "@/lib/schemas/audit";
import { password, registerInput } from "@/lib/schemas/auth";
import {
  DATE_RANGE_MESSAGE,
  day,
  expectedVersion,
  isJsonValue,
  jsonOut,
  PG_INT_MAX,
  pgInt,
  positiveInt,
  projectKey,
  timestamp,
} from "@/lib/schemas/common";
import { issueKey } from "@/lib/schemas/issue";
import { requirementDiffInput, requirementKey } from "@/lib/schemas/requirement";
import { statsDailyInput } from "@/lib/schemas/stats";
import { AppError } from "@/server/errors";
import {
  afterTimeAndId,
  decodeCursor,
  decodeTimeAndId,
  encodeCursor,
  timeAndIdCursor,
  toPage,
} from "@/server/services/pagination";

describe("projectKey", () => {
  it.each(["PAY", "AB", "ABCDEFGHIJ"])("accepts %s", (k) => expect(projectKey.parse(k)).toBe(k));
  it.each(["A", "ABCDEFGHIJK", "pay", "PAY1", "PA Y", "", "ÄÖ"])("rejects %j", (k) => {
    expect(projectKey.safeParse(k).success).toBe(false);
  });
});

describe("password policy", () => {
  it("accepts long, varied passphrases and rejects weak ones", () => {
    expect(password.safeParse("violet-otter-harbor-42").success).toBe(true);
    expect(password.safeParse("short").success).toBe(false);
    expect(password.safeParse("Password123").success).toBe(false);
    expect(password.safeParse("abababababab").success).toBe(false);
    expect(password.safeParse("x".repeat(129)).success).toBe(false);
  });

  it("lower-cases and trims email on registration", () => {
    const parsed = registerInput.parse({
      email: "  Ada@Example.TEST ",
      name: " Ada ",
      password: "violet-otter-harbor-42",
    });
    expect(parsed).toMatchObject({ email: "ada@example.test", name: "Ada" });
  });
});

describe("keyset pagination helpers", () => {
  it("returns a cursor only when there are more rows", () => {
    expect(toPage([1, 2, 3], 2, String)).toEqual({ items: [1, 2], nextCursor: "2" });
    expect(toPage([1, 2], 2, String)).toEqual({ items: [1, 2], nextCursor: null });
    expect(toPage([], 2, String)).toEqual({ items: [], nextCursor: null });
  });

  it("round-trips compound cursors through the list's schema", () => {
    const schema = z.tuple([z.enum(["LOW", "HIGH"]), positiveInt]);
    expect(decodeCursor(encodeCursor(["HIGH", 42]), schema)).toEqual(["HIGH", 42]);
    expect(decodeCursor(undefined, schema)).toBeNull();
    expect(decodeCursor("", schema)).toBeNull();
  });

  it.each([
    ["unknown enum value", encodeCursor(["NOPE", 3])],
    ["wrong arity", encodeCursor(["HIGH", 3, 4])],
    ["wrong types", encodeCursor([3, "HIGH"])],
    ["a number beyond PostgreSQL's integer", encodeCursor(["HIGH", 2 ** 31])],
    ["a fraction", encodeCursor(["HIGH", 1.5])],
    ["not JSON", "not base64 json"],
    ["random base64", Buffer.from("\u0001\u00ff garbage").toString("base64url")],
    ["JSON that is not an array", Buffer.from('{"a":1}').toString("base64url")],
  ])("refuses a cursor with %s as BAD_REQUEST", (_, cursor) => {
    const schema = z.tuple([z.enum(["LOW", "HIGH"]), positiveInt]);
    expect(() => decodeCursor(cursor, schema)).toThrow(
      expect.objectContaining({ code: "BAD_REQUEST", message: "Invalid cursor" }),
    );
  });

  it("reads (time, id) cursors only with a real time between 1900 and 9999", () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    expect(decodeTimeAndId(timeAndIdCursor(at, "row-1"))).toEqual({ at, id: "row-1" });
    expect(afterTimeAndId(undefined, "createdAt", "asc")).toBeUndefined();
    for (const time of [
      "-100000-01-01T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "1899-12-31T23:59:59.999Z",
      "tomorrow",
      5,
    ]) {
      expect(() => decodeTimeAndId(encodeCursor([time, "row-1"]))).toThrow(AppError);
    }
    expect(() => decodeTimeAndId(encodeCursor([at.toISOString(), "x".repeat(65)]))).toThrow(AppError);
    expect(() => afterTimeAndId(encodeCursor([at.toISOString()]), "createdAt", "desc")).toThrow(AppError);
  });
});

describe("shared number and date schemas", () => {
  it("bounds version numbers and integers to PostgreSQL's integer range", () => {
    expect(expectedVersion.parse(1)).toBe(1);
    expect(expectedVersion.parse(PG_INT_MAX)).toBe(PG_INT_MAX);
    for (const v of [0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(expectedVersion.safeParse(v).success).toBe(false);
    }
    expect(pgInt.parse(-(2 ** 31))).toBe(-(2 ** 31));
    expect(pgInt.safeParse(-(2 ** 31) - 1).success).toBe(false);
    expect(requirementDiffInput.safeParse({ key: "PAY-1", from: 3_000_000_000, to: 1 }).success).toBe(false);
  });

  it("accepts real calendar days between 1900-01-01 and 9999-12-31", () => {
    for (const d of ["1900-01-01", "2024-02-29", "9999-12-31"]) expect(day.parse(d)).toBe(d);
    const messages = (v: unknown) => day.safeParse(v).error?.issues.map((i) => i.message);
    expect(messages("0000-01-01")).toEqual([DATE_RANGE_MESSAGE]);
    expect(messages("1899-12-31")).toEqual([DATE_RANGE_MESSAGE]);
    expect(messages("2026-02-30")).toEqual(["Not a calendar day"]);
    expect(messages("-100000-01-01")).toEqual(["Days look like 2026-11-22"]);
    expect(DATE_RANGE_MESSAGE).toBe("Dates must be between 1900-01-01 and 9999-12-31");
    expect(statsDailyInput.safeParse({ projectKey: "PAY", from: "0000-01-01", to: "0000-01-02" }).success).toBe(false);
  });

  it("accepts Dates and ISO strings in range as timestamps", () => {
    expect(timestamp.parse("2026-01-02")).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(timestamp.parse(new Date("2026-01-02T03:04:05Z"))).toEqual(new Date("2026-01-02T03:04:05Z"));
    for (const v of ["-100000-01-01", "0000-01-01", "+275760-09-13", "garbage", "9".repeat(41), new Date(Number.NaN)]) {
      expect(timestamp.safeParse(v).success).toBe(false);
    }
    expect(timestamp.safeParse("-100000-01-01").error?.issues[0]?.message).toBe(DATE_RANGE_MESSAGE);
    expect(auditListInput.safeParse({ from: "-100000-01-01" }).success).toBe(false);
  });

  it("bounds key strings before matching them", () => {
    expect(projectKey.safeParse("A".repeat(300)).success).toBe(false);
    expect(requirementKey.safeParse(`PAY-${"1".repeat(300)}`).success).toBe(false);
    expect(issueKey.safeParse("P".repeat(300)).success).toBe(false);
  });
});

describe("jsonOut", () => {
  it("accepts JSON data at any shape and refuses what JSON cannot hold, as z.json() does", () => {
    const accepted: unknown[] = [
      "text",
      0,
      -1.5,
      true,
      null,
      [],
      {},
      { workflow: "default", labels: ["a", "b"], nested: { deep: [{ x: 1 }, null, [true]] } },
      Object.assign(Object.create(null), { plain: "object without a prototype" }),
    ];
    const refused: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { missing: undefined },
      [1, undefined],
      new Date(),
      { at: new Date() },
      new Map([["k", "v"]]),
      () => 1,
      10n,
      Symbol("s"),
    ];
    for (const value of accepted) {
      expect(jsonOut.safeParse(value).success).toBe(true);
      expect(z.json().safeParse(value).success).toBe(true);
    }
    for (const value of refused) {
      expect(jsonOut.safeParse(value).success).toBe(false);
    }
  });

  it("says no to nesting past its bound and to a cycle, without exhausting the stack", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(isJsonValue(deep)).toBe(false);
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(isJsonValue(cyclic)).toBe(false);
    let fine: unknown = 1;
    for (let i = 0; i < 200; i++) fine = { next: fine };
    expect(isJsonValue(fine)).toBe(true);
  });
});
