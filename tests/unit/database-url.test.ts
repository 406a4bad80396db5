import { describe, expect, it } from "vitest";

import { allowsPreparedStatements, poolConfig } from "@/lib/database-url.mjs";

describe("poolConfig", () => {
  it("takes the pool size from connection_limit and does not pass it on", () => {
    const c = poolConfig("postgresql://postgres@127.0.0.1:5432/app?sslmode=disable&connection_limit=1");
    expect(c.max).toBe(1);
    expect(new URL(c.connectionString).searchParams.has("connection_limit")).toBe(false);
    expect(new URL(c.connectionString).searchParams.get("sslmode")).toBe("disable");
  });

  it("falls back to the default for a missing or unusable limit and caps large ones", () => {
    expect(poolConfig("postgresql://h/db").max).toBe(10);
    expect(poolConfig("postgresql://h/db?connection_limit=0").max).toBe(10);
    expect(poolConfig("postgresql://h/db?connection_limit=abc").max).toBe(10);
    expect(poolConfig("postgresql://h/db?connection_limit=5000").max).toBe(100);
    expect(poolConfig("postgresql://h/db", 3).max).toBe(3);
  });
});

describe("allowsPreparedStatements", () => {
  it("is on unless the URL turns it off, and the flag never reaches the server", () => {
    expect(allowsPreparedStatements("postgresql://h/db")).toBe(true);
    const embedded =
      "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable&connection_limit=1&prepared_statements=false";
    expect(allowsPreparedStatements(embedded)).toBe(false);
    expect(poolConfig(embedded).connectionString).not.toContain("prepared_statements");
  });
});

describe("poolConfig session options", () => {
  it("turns JIT compilation off unless the URL brings its own options", () => {
    expect(poolConfig("postgresql://h/db").options).toBe("-c jit=off");
    expect(poolConfig("postgresql://h/db?options=-c%20work_mem%3D64MB").options).toBeUndefined();
    expect(poolConfig("postgresql://h/db?options=-c%20work_mem%3D64MB").connectionString).toContain("options=");
  });
});
