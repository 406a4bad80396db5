/**
 * The XML text of the ReqIF export: Markdown becomes well-formed XHTML in the `xhtml:` namespace whatever it
 * holds — raw HTML as text, no script links, no characters XML cannot carry — and attribute text is escaped.
 */
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";

import { escapeXml, markdownToXhtml, XHTML_NAMESPACE } from "@/server/services/exports/xml";

/** The element names of `fragment`, parsed as XML with the xhtml prefix declared; throws if not well-formed. */
function elementsOf(fragment: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag) => {
    names.push(`${tag.uri === XHTML_NAMESPACE ? "xhtml" : tag.uri}:${tag.local}`);
  });
  parser.write(`<root xmlns:xhtml="${XHTML_NAMESPACE}">${fragment}</root>`).close();
  return names.slice(1);
}

describe("Markdown as XHTML", () => {
  it("keeps structure: paragraphs, emphasis, lists, tables, code, line breaks", () => {
    const xhtml = markdownToXhtml(
      "The system **shall** _refund_.  \nNext line\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`x < y`",
    );
    expect(elementsOf(xhtml)).toEqual(
      expect.arrayContaining([
        "xhtml:div",
        "xhtml:p",
        "xhtml:strong",
        "xhtml:em",
        "xhtml:br",
        "xhtml:ul",
        "xhtml:li",
        "xhtml:table",
        "xhtml:td",
        "xhtml:code",
      ]),
    );
    expect(xhtml.startsWith("<xhtml:div><xhtml:p>The system <xhtml:strong>shall</xhtml:strong>")).toBe(true);
    expect(xhtml).toContain("<xhtml:code>x &lt; y</xhtml:code>");
  });

  it("writes raw HTML as text and drops script links", () => {
    const xhtml = markdownToXhtml('<script>alert(1)</script> <b onclick="x">bold</b> [click](javascript:alert(1))');
    expect(elementsOf(xhtml)).toEqual(["xhtml:div", "xhtml:p"]);
    expect(xhtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(xhtml).not.toContain('javascript:alert(1)"');
  });

  it("stays well-formed with characters XML cannot hold and with entity references", () => {
    const xhtml = markdownToXhtml("bell \u0007 & lone \uD800 &nbsp; &#0; &amp;copy; ]]> <![CDATA[x]]>");
    expect(() => elementsOf(xhtml)).not.toThrow();
    expect(xhtml).toContain("\uFFFD");
    expect(xhtml).not.toContain("\u0007");
  });
});

describe("attribute text", () => {
  it("escapes markup and quotes and replaces what XML cannot hold", () => {
    expect(escapeXml('a & <b> "c"\u0001\r')).toBe("a &amp; &lt;b&gt; &quot;c&quot;\uFFFD&#13;");
    expect(() => elementsOf(`<x a="${escapeXml('"><evil/>\u0000')}"/>`)).not.toThrow();
  });
});
