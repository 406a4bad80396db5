import { describe, expect, it } from "vitest";

import { safeCallbackUrl, safeRedirect } from "@/lib/safe-redirect";

/** Ways a link has been crafted to leave a site after sign-in. */
const HOSTILE = [
  "/\t/evil.example",
  "/\n/evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\\/evil.example",
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  " /projects",
  "/%2F%2Fevil.example",
  `/${"a".repeat(3000)}`,
];

describe("safeCallbackUrl", () => {
  it.each(HOSTILE)("keeps %j on the app", (payload) => {
    const target = safeCallbackUrl(payload);
    const landed = new URL(target, "https://app.example");
    expect(landed.origin).toBe("https://app.example");
    expect(target.startsWith("/") && !target.startsWith("//")).toBe(true);
  });

  it("sends hostile values to the fallback, not to a rewritten path elsewhere", () => {
    for (const payload of ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"]) {
      expect(safeCallbackUrl(payload)).toBe("/projects");
    }
  });

  it("keeps the app's own paths with their query and fragment", () => {
    expect(safeCallbackUrl("/projects/PAY/issues?status=OPEN#top")).toBe("/projects/PAY/issues?status=OPEN#top");
    expect(safeCallbackUrl(["/notifications", "/admin"])).toBe("/notifications");
    expect(safeCallbackUrl(undefined)).toBe("/projects");
  });

  it("never goes back to the sign-in or sign-up page", () => {
    expect(safeCallbackUrl("/sign-in?callbackUrl=/x")).toBe("/projects");
    expect(safeCallbackUrl("/sign-up")).toBe("/projects");
    expect(safeCallbackUrl("/sign-ins-report")).toBe("/sign-ins-report");
  });
});

describe("safeRedirect (next-auth's redirect callback)", () => {
  const base = "https://app.example";
  it.each([...HOSTILE, "https://evil.example/projects"])("keeps %j on the app", (payload) => {
    expect(new URL(safeRedirect(payload, base)).origin).toBe(base);
  });

  it("follows absolute URLs of the app itself and the sign-in page after sign-out", () => {
    expect(safeRedirect(`${base}/projects/PAY`, base)).toBe(`${base}/projects/PAY`);
    expect(safeRedirect("/sign-in", base)).toBe(`${base}/sign-in`);
    expect(safeRedirect("https://evil.example/sign-in", base)).toBe(`${base}/projects`);
  });
});
