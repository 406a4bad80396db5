/**
 * The pure parts of idempotent creates: which keys are accepted, the request
 * hash a retry is compared on, fresh keys where `crypto.randomUUID` is
 * missing, and the raw serialization failure a racing duplicate ends in.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

import { IDEMPOTENCY_KEY_MAX_LENGTH, isValidIdempotencyKey, newIdempotencyKey } from "@/lib/idempotency";
import { isWriteConflict, toAppError } from "@/server/errors";
import { parseIdempotencyKey, requestHash } from "@/server/services/idempotency";

describe("Idempotency-Key values", () => {
  it("accepts 1–200 printable ASCII characters", () => {
    for (const key of ["a", "3f2b7c1e-0d4a-4c8e-9b1f-2a6d5e4c3b2a", " spaced key ", "~!@#$%^&*()", "k".repeat(200)]) {
      expect(isValidIdempotencyKey(key), key).toBe(true);
    }
  });

  it("refuses empty, too long, control and non-ASCII keys", () => {
    for (const key of [
      "",
      "k".repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1),
      "tab\there",
      "nul\u0000",
      "del\u007f",
      "é",
      "😀",
    ]) {
      expect(isValidIdempotencyKey(key), JSON.stringify(key)).toBe(false);
    }
  });

  it("parses an absent header as no key and a malformed one as BAD_REQUEST", () => {
    expect(parseIdempotencyKey(null)).toBeNull();
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey("abc")).toBe("abc");
    expect(() => parseIdempotencyKey("")).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});

describe("newIdempotencyKey", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is a random v4 UUID, also where crypto.randomUUID is missing (plain http)", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newIdempotencyKey()).toMatch(uuid);
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    expect(globalThis.crypto.randomUUID).toBeUndefined();
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(uuid);
  });
});

describe("requestHash", () => {
  it("is the same for the same input whatever the key order, and leaves undefined properties out", () => {
    const a = requestHash({ projectKey: "PAY", title: "T", tags: ["x", "y"], nested: { b: 1, a: 2 } });
    const b = requestHash({
      nested: { a: 2, b: 1 },
      tags: ["x", "y"],
      title: "T",
      projectKey: "PAY",
      parentKey: undefined,
    });
    expect(b).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("tells different inputs apart, types included", () => {
    const hashes = [
      { title: "T" },
      { title: "U" },
      { title: "T", tags: [] },
      { tags: ["x", "y"] },
      { tags: ["y", "x"] },
      { tags: ["x,y"] },
      { n: 1 },
      { n: "1" },
      { n: null },
      { n: true },
      { d: new Date(0) },
      { d: "1970-01-01T00:00:00.000Z" },
      { d: 0 },
      { a: [undefined] },
      { a: [null] },
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is compared here
      { a: [, 1] },
      { a: [1] },
      { m: new Map([["k", 1]]) },
      { m: new Set(["k"]) },
      { b: 1n },
      undefined,
      null,
      "",
      [],
      {},
    ].map(requestHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it("hashes input nested 100,000 levels deep without exhausting the stack, and a cycle without looping", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { d: deep };
    expect(requestHash(deep)).toMatch(/^[0-9a-f]{64}$/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(requestHash(cyclic)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("a raw statement's serialization failure", () => {
  it("is a write conflict (CONFLICT), like Prisma's own P2034", () => {
    const raw = { code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "40001" } } } };
    expect(isWriteConflict(raw)).toBe(true);
    expect(isWriteConflict({ code: "40P01" })).toBe(true);
    expect(isWriteConflict({ code: "P2034" })).toBe(true);
    expect(isWriteConflict({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "23505" } } } })).toBe(
      false,
    );
    expect(toAppError(raw)?.code).toBe("CONFLICT");
  });
});
