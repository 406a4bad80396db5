import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { Markdown } from "@/components/markdown";

const render = (md: string) => renderToStaticMarkup(<Markdown>{md}</Markdown>);

describe("Markdown rendering of requirement text", () => {
  it("renders GitHub-flavoured Markdown", () => {
    const html = render("The system **shall** log in.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done");
    expect(html).toContain("<strong>shall</strong>");
    expect(html).toContain("<table>");
    expect(html).toContain('type="checkbox"');
  });

  it.each([
    ["a script tag", "<script>alert(1)</script>"],
    ["an inline handler", '<img src=x onerror="alert(1)">'],
    ["an iframe", '<iframe src="https://evil.example"></iframe>'],
  ])("drops raw HTML: %s", (_label, md) => {
    const html = render(`Before ${md} after`);
    expect(html).not.toMatch(/<script|onerror|<iframe/i);
    expect(html).toContain("Before");
  });

  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)"])(
    "neutralises dangerous link targets (%s)",
    (url) => {
      const html = render(`[click](${url}) ![img](${url})`);
      expect(html).not.toMatch(/javascript:|data:text|vbscript:/i);
    },
  );

  it("keeps safe links, opening them without an opener", () => {
    const html = render("[spec](https://example.com/spec) [local](/projects/DEMO)");
    expect(html).toContain('href="https://example.com/spec"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('href="/projects/DEMO"');
  });
});
