/**
 * The XHTML of a ReqIF rich-text value as Markdown (and as plain text, for titles).
 *
 * The ReqIF reader hands the value's elements over one SAX event at a time (namespace prefixes already
 * stripped: `xhtml:p`, `reqif-xhtml:p` and a default-namespace `<p>` are all `p`); they are collected into a
 * small tree, bounded in depth and size, and written out as CommonMark with GFM tables and strike-through:
 * headings, paragraphs, bold and italic, nested lists, links, inline and block code, tables, block quotes and
 * hard line breaks. Converting the events directly rather than re-serialising them for turndown spares a
 * second parse into a DOM per value, and the output matches how Specline writes Markdown, so text Specline
 * exported reads back as it was. Scripts, styles, forms and every attribute other than a few harmless ones
 * (link targets, image sources, list starts, code languages, cell alignment) are dropped. An image or an
 * embedded `<object data="…">` (an attachment of a .reqifz) becomes a Markdown image or link naming the file,
 * so no reference is lost; the attachment's bytes are not stored.
 *
 * Recursion here is bounded by the collector's depth limit; the hierarchy of requirements never comes here.
 */
import { AppError } from "@/server/errors";

export interface XhtmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: (XhtmlNode | string)[];
}

export interface XhtmlLimits {
  /** Elements nested inside one value. */
  maxDepth: number;
  /** Characters of text (and markup) in one value. */
  maxLength: number;
}

export interface ConvertedXhtml {
  markdown: string;
  /** The text without markup, one line per block. */
  text: string;
}

/** Attributes kept, by element; everything else (event handlers, styles, ids) is dropped on the way in. */
const KEPT_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ["href", "title"],
  img: ["src", "alt", "title"],
  object: ["data", "type", "name"],
  ol: ["start"],
  pre: ["class"],
  code: ["class"],
  th: ["align", "style", "colspan"],
  td: ["align", "style", "colspan"],
};

/** Collects one value's elements from SAX events; `where` names the value in error messages. */
export class XhtmlCollector {
  private readonly root: XhtmlNode = { tag: "#root", attrs: {}, children: [] };
  private readonly stack: XhtmlNode[] = [this.root];
  private size = 0;

  constructor(
    private readonly limits: XhtmlLimits,
    private readonly where: string,
  ) {}

  open(local: string, attributes: Record<string, string>): void {
    if (this.stack.length > this.limits.maxDepth) {
      throw new AppError(
        "BAD_REQUEST",
        `The XHTML of ${this.where} nests more than ${this.limits.maxDepth} elements deep; this file cannot be imported`,
      );
    }
    const tag = local.toLowerCase();
    const attrs: Record<string, string> = {};
    for (const name of KEPT_ATTRIBUTES[tag] ?? []) {
      const value = attributes[name];
      if (value !== undefined) attrs[name] = value;
    }
    this.grow(tag.length + 2);
    const node: XhtmlNode = { tag, attrs, children: [] };
    this.top().children.push(node);
    this.stack.push(node);
  }

  close(): void {
    if (this.stack.length > 1) this.stack.pop();
  }

  text(text: string): void {
    this.grow(text.length);
    this.top().children.push(text);
  }

  finish(): ConvertedXhtml {
    return { markdown: blocks(this.root.children).join("\n\n"), text: plainText(this.root) };
  }

  private top(): XhtmlNode {
    return this.stack[this.stack.length - 1] as XhtmlNode;
  }

  private grow(by: number): void {
    this.size += by;
    if (this.size > this.limits.maxLength) {
      throw new AppError(
        "BAD_REQUEST",
        `${capitalize(this.where)} is longer than ${this.limits.maxLength.toLocaleString("en")} characters; this file cannot be imported`,
      );
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "caption",
  "center",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
]);

/** Elements whose content is not text a reader sees. */
const DROPPED = new Set([
  "applet",
  "base",
  "button",
  "embed",
  "form",
  "frame",
  "frameset",
  "head",
  "iframe",
  "input",
  "link",
  "math",
  "meta",
  "noscript",
  "script",
  "select",
  "style",
  "svg",
  "template",
  "textarea",
  "title",
]);

/** Stands for a hard line break until a block's text is final (XML text can never hold U+FFFF). */
const HARD_BREAK = "\uFFFF";

type Child = XhtmlNode | string;

const isElement = (n: Child): n is XhtmlNode => typeof n !== "string";
const isList = (n: Child) => isElement(n) && (n.tag === "ul" || n.tag === "ol");

/* ------------------------------------------------------------------ blocks */

/** Markdown blocks of a run of children: inline runs become paragraphs between the block elements. */
function blocks(children: readonly Child[]): string[] {
  const out: string[] = [];
  let run: Child[] = [];
  const flush = () => {
    const text = paragraph(run);
    if (text) out.push(text);
    run = [];
  };
  for (const child of children) {
    if (isElement(child) && DROPPED.has(child.tag)) continue;
    if (!isElement(child) || !BLOCK.has(child.tag)) {
      run.push(child);
      continue;
    }
    flush();
    out.push(...block(child));
  }
  flush();
  return out;
}

function block(node: XhtmlNode): string[] {
  switch (node.tag) {
    case "h1":
    case "h2":
    case "h3":
    case "h4":
    case "h5":
    case "h6": {
      const text = finishInline(inline(node.children), false).replace(/ *\n/g, " ");
      return text ? [`${"#".repeat(Number(node.tag[1]))} ${text.replace(/(^|\s)(#+)$/, "$1\\$2")}`] : [];
    }
    case "ul":
    case "ol":
      return [list(node)].filter(Boolean);
    case "blockquote": {
      const inner = blocks(node.children).join("\n\n");
      return inner ? [prefixLines(inner, "> ", ">")] : [];
    }
    case "pre":
      return [codeBlock(node)];
    case "table":
      return table(node);
    case "hr":
      return ["---"];
    case "dt": {
      const text = paragraph(node.children);
      return text ? [`**${text}**`] : [];
    }
    default:
      return blocks(node.children);
  }
}

/** Prefixes every line of `text`; empty lines get `empty` instead. */
function prefixLines(text: string, prefix: string, empty: string): string {
  return text
    .split("\n")
    .map((line) => (line ? prefix + line : empty))
    .join("\n");
}

function list(node: XhtmlNode): string {
  const ordered = node.tag === "ol";
  const start = ordered ? Number.parseInt(node.attrs.start ?? "1", 10) || 1 : 1;
  const items: { parts: string[]; loose: boolean }[] = [];
  for (const child of node.children) {
    if (typeof child === "string" && !child.trim()) continue;
    if (isElement(child) && DROPPED.has(child.tag)) continue;
    const last = items[items.length - 1];
    // A list nested directly in a list (as DOORS writes it) belongs to the item before it.
    if (isList(child) && last) {
      last.parts.push(list(child as XhtmlNode));
      continue;
    }
    const content = isElement(child) && child.tag === "li" ? child.children : [child];
    // Tight unless the item holds blocks other than nested lists (paragraphs, tables, code).
    const loose = content.some((c) => isElement(c) && BLOCK.has(c.tag) && !isList(c));
    items.push({ parts: blocks(content), loose });
  }
  const loose = items.some((i) => i.loose);
  return items
    .map(({ parts }, index) => {
      const marker = ordered ? `${start + index}.` : "-";
      const body = parts.join(loose ? "\n\n" : "\n");
      if (!body) return marker;
      const indent = " ".repeat(marker.length + 1);
      return body
        .split("\n")
        .map((line, i) => (i === 0 ? `${marker} ${line}` : line ? indent + line : ""))
        .join("\n");
    })
    .join(loose ? "\n\n" : "\n");
}

function codeBlock(node: XhtmlNode): string {
  const code = rawText(node).replace(/\n$/, "");
  const classes = [node.attrs.class, ...node.children.filter(isElement).map((c) => c.attrs.class)].join(" ");
  const language = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(classes)?.[1] ?? "";
  const fence = "`".repeat(Math.max(3, longestRun(code, "`") + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

function table(node: XhtmlNode): string[] {
  const rows: XhtmlNode[] = [];
  const out: string[] = [];
  for (const child of node.children) {
    if (!isElement(child)) continue;
    if (child.tag === "tr") rows.push(child);
    else if (child.tag === "thead" || child.tag === "tbody" || child.tag === "tfoot") {
      for (const row of child.children) if (isElement(row) && row.tag === "tr") rows.push(row);
    } else if (child.tag === "caption") out.push(...blocks(child.children));
  }
  const cells = rows.map((row) => {
    const texts: string[] = [];
    for (const cell of row.children) {
      if (!isElement(cell) || (cell.tag !== "td" && cell.tag !== "th")) continue;
      texts.push(cellText(cell));
      const span = Math.min(Number.parseInt(cell.attrs.colspan ?? "1", 10) || 1, 50);
      for (let i = 1; i < span; i++) texts.push("");
    }
    return texts;
  });
  const width = Math.max(0, ...cells.map((c) => c.length));
  if (width === 0) return out;
  const head = rows[0]?.children.filter((c): c is XhtmlNode => isElement(c) && (c.tag === "td" || c.tag === "th"));
  const delimiter = Array.from({ length: width }, (_, i) => {
    const cell = head?.[i];
    const align = (
      cell?.attrs.align ??
      /text-align\s*:\s*(\w+)/i.exec(cell?.attrs.style ?? "")?.[1] ??
      ""
    ).toLowerCase();
    return align === "center" ? ":---:" : align === "right" ? "---:" : align === "left" ? ":---" : "---";
  });
  const line = (texts: string[]) =>
    `| ${Array.from({ length: width }, (_, i) => texts[i] ?? "").join(" | ")} |`.replace(/ {2}\|/g, " |");
  const [first = [], ...rest] = cells;
  out.push([line(first), line(delimiter), ...rest.map(line)].join("\n"));
  return out;
}

function cellText(cell: XhtmlNode): string {
  return blocks(cell.children)
    .join(" ")
    .replace(/ {2}\n|\n/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/* ------------------------------------------------------------------ inline */

/** A paragraph of inline content: whitespace collapsed, line starts escaped, hard breaks written out. */
function paragraph(children: readonly Child[]): string {
  return finishInline(inline(children), true);
}

function finishInline(raw: string, escapeStarts: boolean): string {
  const text = raw
    .replace(/[ \n]*\uFFFF[ \n]*/g, HARD_BREAK)
    .replace(/ *\n[ \n]*/g, "\n")
    .replace(/ {2,}/g, " ")
    .replace(/^[ \n\uFFFF]+|[ \n\uFFFF]+$/g, "");
  if (!text) return "";
  const lines = text.split(/(\n|\uFFFF)/);
  let out = "";
  for (let i = 0; i < lines.length; i += 2) {
    const line = lines[i] as string;
    out += escapeStarts ? escapeLineStart(line) : line;
    const separator = lines[i + 1];
    if (separator !== undefined) out += separator === HARD_BREAK ? "  \n" : "\n";
  }
  return out;
}

/** Escapes what would turn a line of text into a heading, quote, list item, setext underline or fence. */
function escapeLineStart(line: string): string {
  return line
    .replace(/^(#{1,6})(?=[ \t]|$)/, "\\$1")
    .replace(/^>/, "\\>")
    .replace(/^([-+])(?=[ \t]|$)/, "\\$1")
    .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, "$1\\$2")
    .replace(/^(=+|-+)([ \t]*)$/, "\\$1$2");
}

function inline(children: readonly Child[]): string {
  let out = "";
  for (const child of children) out += inlineNode(child);
  return out;
}

function inlineNode(node: Child): string {
  if (typeof node === "string") return escapeText(collapse(node));
  if (DROPPED.has(node.tag)) return "";
  switch (node.tag) {
    case "br":
      return HARD_BREAK;
    case "strong":
    case "b":
      return wrap(inline(node.children), "**");
    case "em":
    case "i":
    case "cite":
    case "dfn":
    case "var":
      return wrap(inline(node.children), "*");
    case "s":
    case "strike":
    case "del":
      return wrap(inline(node.children), "~~");
    case "code":
    case "tt":
    case "kbd":
    case "samp":
      return codeSpan(collapse(rawText(node)).replace(/\n/g, " "));
    case "a":
      return link(node);
    case "img":
      return image(node);
    case "object":
      return object(node);
    default:
      // A block inside inline content (a paragraph in a link, say) keeps its line of its own.
      return BLOCK.has(node.tag) ? `\n${inline(node.children)}\n` : inline(node.children);
  }
}

/** Whitespace as HTML shows it: a run becomes one space, or one line break if it held one. */
function collapse(text: string): string {
  return text.replace(/[ \t\r\n]+/g, (run) => (run.includes("\n") ? "\n" : " "));
}

/** Puts emphasis marks around the content, leaving its leading and trailing whitespace outside. */
function wrap(content: string, mark: string): string {
  const m = /^([ \n\uFFFF]*)([\s\S]*?)([ \n\uFFFF]*)$/.exec(content);
  if (!m?.[2]) return content;
  return `${m[1]}${mark}${m[2]}${mark}${m[3]}`;
}

function codeSpan(code: string): string {
  if (!code.trim()) return code ? " " : "";
  const ticks = "`".repeat(longestRun(code, "`") + 1);
  const pad = code.startsWith("`") || code.endsWith("`") || (code.startsWith(" ") && code.endsWith(" ")) ? " " : "";
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

const UNSAFE_URL = /^\s*(?:javascript|vbscript|data):/i;

function destination(url: string): string {
  const trimmed = url.trim();
  return /[\s<>()]/.test(trimmed)
    ? `<${trimmed.replace(/[<>\n]/g, (c) => encodeURIComponent(c))}>`
    : trimmed.replace(/\\/g, "%5C");
}

function label(text: string): string {
  return text.replace(/[\\[\]]/g, "\\$&");
}

function fileName(url: string): string {
  const path = url.split(/[?#]/)[0] ?? "";
  return decodeSafely(path.split(/[\\/]/).filter(Boolean).pop() ?? path);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function link(node: XhtmlNode): string {
  const text = inline(node.children);
  const href = node.attrs.href?.trim();
  if (!href || UNSAFE_URL.test(href) || href.startsWith("#")) return text;
  const title = node.attrs.title ? ` "${node.attrs.title.replace(/["\\]/g, "\\$&")}"` : "";
  const shown = text.replace(/^[ \n\uFFFF]+|[ \n\uFFFF]+$/g, "") || label(href);
  return `[${shown}](${destination(href)}${title})`;
}

function image(node: XhtmlNode): string {
  const src = node.attrs.src?.trim();
  const alt = node.attrs.alt?.trim();
  if (!src || UNSAFE_URL.test(src)) return alt ? escapeText(collapse(alt)) : "";
  return `![${label(alt || fileName(src))}](${destination(src)})`;
}

const IMAGE_FILE = /\.(?:png|jpe?g|gif|bmp|svg|webp|tiff?|emf|wmf)$/i;

/**
 * An embedded object — an attachment such as a picture or an OLE object with a picture as its fallback —
 * as a Markdown image (pictures) or link (anything else) naming its file; nested fallbacks follow it.
 */
function object(node: XhtmlNode): string {
  const data = node.attrs.data?.trim();
  if (!data || UNSAFE_URL.test(data)) return inline(node.children);
  const isImage = /^image\//i.test(node.attrs.type ?? "") || IMAGE_FILE.test(data.split(/[?#]/)[0] ?? "");
  let out = `${isImage ? "!" : ""}[${label(fileName(data))}](${destination(data)})`;
  for (const child of node.children) {
    if (isElement(child) && child.tag === "object") out += ` ${object(child)}`;
  }
  return out;
}

/** Escapes what Markdown would read as markup in a run of text. */
function escapeText(text: string): string {
  const tildes = (text.match(/~/g)?.length ?? 0) > 1;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const before = text[i - 1] ?? " ";
    const after = text[i + 1] ?? " ";
    switch (c) {
      case "\\":
      case "`":
      case "[":
        out += `\\${c}`;
        break;
      case "*":
        out += /\s/.test(before) && /\s/.test(after) ? c : `\\${c}`;
        break;
      case "_":
        out +=
          (/[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after)) || (/\s/.test(before) && /\s/.test(after))
            ? c
            : `\\${c}`;
        break;
      case "~":
        out += tildes ? `\\${c}` : c;
        break;
      case "<":
        out += /[A-Za-z/!?]/.test(after) ? `\\${c}` : c;
        break;
      case "&":
        out += /^&#?[A-Za-z0-9]+;/.test(text.slice(i, i + 34)) ? `\\${c}` : c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

/* ------------------------------------------------------------------ text */

/** The text of a node exactly as written (for code), line breaks included. */
function rawText(node: XhtmlNode): string {
  let out = "";
  for (const child of node.children) {
    if (typeof child === "string") out += child;
    else if (child.tag === "br") out += "\n";
    else if (!DROPPED.has(child.tag)) out += rawText(child);
  }
  return out;
}

/** The text a reader sees, one line per block, without markup. */
function plainText(root: XhtmlNode): string {
  const parts: string[] = [];
  const walk = (node: XhtmlNode) => {
    for (const child of node.children) {
      if (typeof child === "string") parts.push(child.replace(/\s+/g, " "));
      else if (child.tag === "br") parts.push("\n");
      else if (DROPPED.has(child.tag)) continue;
      else if (BLOCK.has(child.tag)) {
        parts.push("\n");
        walk(child);
        parts.push("\n");
      } else walk(child);
    }
  };
  walk(root);
  return parts
    .join("")
    .split("\n")
    .map((line) => line.replace(/ {2,}/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}
