import { describe, expect, it } from "vitest";

import { decodeRouteParam, routeParamOrNotFound } from "@/lib/route-param";

describe("route params", () => {
  it("decodes percent-escapes", () => {
    expect(decodeRouteParam("PAY-12")).toBe("PAY-12");
    expect(decodeRouteParam("%C3%84B")).toBe("ÄB");
    expect(routeParamOrNotFound("PAY%2D1")).toBe("PAY-1");
  });

  it("turns a malformed escape into the not-found page, not an error", () => {
    expect(decodeRouteParam("%E0%A4%A")).toBeNull();
    expect(decodeRouteParam("%")).toBeNull();
    let thrown: unknown;
    try {
      routeParamOrNotFound("%E0%A4%A");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ digest: expect.stringContaining("404") });
  });
});
