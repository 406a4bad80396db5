import { describe, expect, it } from "vitest";

import { password, registerInput } from "@/lib/schemas/auth";
import { projectKey } from "@/lib/schemas/common";
import { decodeCursor, encodeCursor, toPage } from "@/server/services/pagination";

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

  it("round-trips compound cursors and rejects tampered ones", () => {
    const c = encodeCursor(["2026-01-01", 42]);
    expect(decodeCursor(c, 2)).toEqual(["2026-01-01", 42]);
    expect(decodeCursor(c, 3)).toBeNull();
    expect(decodeCursor("not base64 json", 2)).toBeNull();
    expect(decodeCursor(undefined, 2)).toBeNull();
  });
});
