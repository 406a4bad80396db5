import { describe, expect, it } from "vitest";

import { parseEnv } from "@/lib/env.mjs";

describe("parseEnv", () => {
  it("applies defaults for an empty environment", () => {
    expect(parseEnv({})).toMatchObject({ PORT: 3000, DATA_DIR: ".data", PROJECT_CREATION: "anyone" });
  });

  it("names every bad variable in one error", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", PORT: "70000", AUTH_SECRET: "short" })).toThrow(
      /DATABASE_URL[\s\S]*PORT|PORT[\s\S]*DATABASE_URL/,
    );
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: must be at least 32 characters/);
    expect(() => parseEnv({ REDIS_URL: "http://x" })).toThrow(/REDIS_URL/);
  });

  it("requires OAuth ids and secrets in pairs", () => {
    expect(() => parseEnv({ GITHUB_ID: "abc" })).toThrow(/GITHUB_ID and GITHUB_SECRET/);
    expect(parseEnv({ GOOGLE_ID: "a", GOOGLE_SECRET: "b" })).toMatchObject({ GOOGLE_ID: "a" });
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", REDIS_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
