/**
 * XML text for the ReqIF export: escaping, and Markdown as the XHTML that ReqIF's rich-text values hold.
 *
 * Markdown goes through remark (CommonMark and GitHub tables, lists, strike-through) to HTML's syntax tree,
 * with raw HTML dropped as on every page of the app; each element is put in the XHTML namespace
 * (`xhtml:p`, the prefix declared on the document) and written with numeric character references only, so
 * the result is well-formed XML whatever the text held.
 */
import type { Element, Root, RootContent } from "hast";
import { toHtml } from "hast-util-to-html";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

export const XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

/** Characters XML 1.0 cannot hold at all (controls other than tab and line breaks, lone surrogates, U+FFFE/F). */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding the control characters XML cannot hold is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an XML element or a double-quoted attribute; what XML cannot hold becomes U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r/g, "&#13;");
}

const markdown = unified().use(remarkParse).use(remarkGfm).use(remarkRehype);

/** Markdown as one `<xhtml:div>` of XHTML. */
export function markdownToXhtml(source: string): string {
  const tree = markdown.runSync(markdown.parse(source.replace(NOT_XML, "\uFFFD"))) as Root;
  // Iterative: a deeply nested list or quote costs memory, not stack.
  const stack: (Root | Element)[] = [tree];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === "element") node.tagName = `xhtml:${node.tagName}`;
    for (const child of node.children as RootContent[]) {
      if (child.type === "element") stack.push(child);
    }
  }
  const body = toHtml(tree, {
    closeSelfClosing: true,
    characterReferences: { useNamedReferences: false },
    allowDangerousHtml: false,
  });
  return `<xhtml:div>${body}</xhtml:div>`;
}
