/** The one rule for request ids (server/http/request-id.ts) and the page proxy that applies it. */
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { proxy } from "@/proxy";
import { pageRequestId, requestIdOf } from "@/server/http/request-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetEnvCache();
});

function trustProxies(n: number) {
  process.env.TRUSTED_PROXIES = String(n);
  resetEnvCache();
}

describe("requestIdOf", () => {
  it("gives a fresh id when there is none, or no trusted proxy", () => {
    expect(requestIdOf(new Headers())).toMatch(UUID);
    expect(requestIdOf(new Headers({ "x-request-id": "chosen-by-client" }))).toMatch(UUID);
    expect(requestIdOf(new Request("http://x/", { headers: { "x-request-id": "abc" } }))).toMatch(UUID);
  });

  it("keeps a well-formed id behind a trusted proxy, and replaces anything else", () => {
    trustProxies(1);
    expect(requestIdOf(new Headers({ "x-request-id": "lb-1:2.3_x-y" }))).toBe("lb-1:2.3_x-y");
    expect(requestIdOf(new Headers({ "x-request-id": "a".repeat(100) }))).toBe("a".repeat(100));
    for (const bad of ["a".repeat(101), "two words", "a/b", "{json}", ""]) {
      expect(requestIdOf(new Headers({ "x-request-id": bad }))).toMatch(UUID);
    }
  });
});

describe("the page proxy", () => {
  it("returns the id it forwards to the page, replacing a client's own", () => {
    const res = proxy(new NextRequest("http://localhost/projects", { headers: { "x-request-id": "mine" } }));
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    expect(res.headers.get("x-middleware-request-x-request-id")).toBe(id);
    expect(res.headers.get("content-security-policy")).toContain("nonce-");
    expect(pageRequestId(new Headers({ "x-request-id": id as string }))).toBe(id);
  });

  it("gives prefetches an id but no content policy", () => {
    trustProxies(1);
    const res = proxy(
      new NextRequest("http://localhost/projects", {
        headers: { "next-router-prefetch": "1", "x-request-id": "lb-9" },
      }),
    );
    expect(res.headers.get("x-request-id")).toBe("lb-9");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});
