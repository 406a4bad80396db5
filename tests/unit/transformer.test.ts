import fc from "fast-check";
import superjson from "superjson";
import { describe, expect, it } from "vitest";

import { isoString, serializeFast } from "@/lib/transformer";

/** Plain response data: what procedures return (dates included, undefined in places). */
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.date({ noInvalidDate: true }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("a.b", "a\\b", "x\\.y", "", "0", "__proto__x", "prototype", "constructor")),
      tie("value"),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** What a call returned, or the message it threw: both sides must agree on either. */
function outcome(fn: () => unknown) {
  try {
    return { value: fn() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe("serializeFast", () => {
  it("writes exactly what superjson writes for plain data, dates and undefined included", () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(outcome(() => serializeFast(value))).toEqual(outcome(() => superjson.serialize(value)));
      }),
      { numRuns: 3000 },
    );
  });

  it("reads back through superjson.deserialize exactly as superjson's own output does", () => {
    fc.assert(
      fc.property(plain, (value) => {
        const fast = outcome(() => superjson.deserialize(serializeFast(value)));
        expect(fast).toEqual(outcome(() => superjson.deserialize(superjson.serialize(value))));
      }),
      { numRuns: 1000 },
    );
  });

  it("annotates a bare Date or undefined at the root the way superjson does", () => {
    for (const value of [new Date(0), undefined, [new Date(1)], { d: new Date(2) }]) {
      expect(serializeFast(value)).toEqual(superjson.serialize(value));
    }
  });

  it("hands values it does not handle to superjson, so they still round-trip", () => {
    const exotic: unknown[] = [
      { n: NaN },
      { i: -Infinity },
      { z: -0 },
      { big: 12n },
      { m: new Map([["a", 1]]) },
      { s: new Set([1, 2]) },
      { r: /a+/g },
      { bad: new Date(Number.NaN) },
      {
        klass: new (class Point {
          x = 1;
        })(),
      },
    ];
    for (const value of exotic) {
      expect(serializeFast(value)).toEqual(superjson.serialize(value));
      expect(superjson.deserialize(serializeFast(value))).toEqual(superjson.deserialize(superjson.serialize(value)));
    }
  });

  it("survives a cycle by falling back instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => serializeFast(cyclic)).not.toThrow();
    const back = superjson.deserialize<Record<string, unknown>>(serializeFast(cyclic));
    expect(back.self).toBe(back);
  });

  it("keeps shared objects equal, as copies", () => {
    const shared = { k: 1, at: new Date(5) };
    const back = superjson.deserialize<{ p: typeof shared; q: typeof shared }>(serializeFast({ p: shared, q: shared }));
    expect(back.p).toEqual(shared);
    expect(back.q).toEqual(shared);
  });
});

describe("isoString", () => {
  const native = (time: number) => new Date(time).toISOString();
  const MAX = 8.64e15; // the last valid Date, either side of 1970

  it("writes what toISOString writes, at every millisecond fast-check picks and at the edges", () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), (time) => {
        expect(isoString(time)).toBe(native(time));
      }),
      { numRuns: 20_000 },
    );
    // Mostly inside the years it writes itself, where a slip would show.
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(10000, 0, 1) - 1 }), (time) => {
        expect(isoString(time)).toBe(native(time));
      }),
      { numRuns: 50_000 },
    );
  });

  it("gets leap days, century rules and the ends of its range right", () => {
    const edges = [
      Date.UTC(1000, 0, 1) - 1,
      Date.UTC(1000, 0, 1),
      Date.UTC(1600, 1, 29, 23, 59, 59, 999),
      Date.UTC(1700, 1, 28, 12),
      Date.UTC(1700, 2, 1),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(1900, 2, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      0,
      1,
      Date.UTC(2000, 1, 29, 0, 0, 0, 7),
      Date.UTC(2024, 1, 29, 13, 5, 9, 42),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -MAX,
      MAX,
    ];
    for (const time of edges) expect(isoString(time)).toBe(native(time));
  });
});
