import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";
import type { z } from "zod";

import { envSchema, parseEnv } from "@/lib/env.mjs";

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

describe(".env.example", () => {
  // `# NAME=value` or `NAME=value`; prose comments never look like that.
  const lines = readFileSync(path.join(import.meta.dirname, "../../.env.example"), "utf8").split("\n");
  const listed = new Map<string, string>();
  for (const line of lines) {
    const [, name, value] = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line) ?? [];
    if (name !== undefined && value !== undefined) listed.set(name, value);
  }
  // Read by the start script, the backup scripts or the OpenTelemetry SDK rather than the schema.
  const scriptOnly = ["HOSTNAME_BIND", "PG_DUMP", "PG_RESTORE", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"];

  it("lists every variable the schema reads, and nothing else", () => {
    expect([...listed.keys()].filter((k) => !scriptOnly.includes(k)).sort()).toEqual(
      Object.keys(envSchema.shape).sort(),
    );
  });

  it("shows each variable's default", () => {
    for (const [name, field] of Object.entries(envSchema.shape)) {
      const fallback = (field as z.ZodType).safeParse(undefined);
      if (!fallback.success || fallback.data === undefined) continue;
      expect(listed.get(name), name).toBe(String(fallback.data));
    }
  });
});
