/**
 * Reads an issues CSV — Jira's "Export Excel CSV (all fields)" or a spreadsheet — into the import row model
 * (server/services/imports/types.ts). Nothing is looked up: matching keys and assignees is the importer's.
 *
 * Columns
 *
 * - Each header is mapped: by the upload's mapping (header text, case aside), else by name, compared without
 *   case, spaces or punctuation: Key → key; Issue key, ID, Identifier, Source ID, External ID, Foreign ID →
 *   sourceRef; Summary, Title → title; Description → description; Priority, Severity → severity; Status;
 *   Resolution; Labels, Label, Tags → labels; Assignee. Jira's Issue id and every other header are ignored
 *   (issues have no custom attributes).
 * - Jira repeats a header once per value (Labels, Comment, Sprint, Watchers, Attachment …). Every labels
 *   column counts; of any other repeated header only the first column does. Two different headers filling
 *   one field are refused, naming both. A file without a title column is refused.
 *
 * Values
 *
 * - Priority: Highest, Blocker → CRITICAL; High, Critical → HIGH; Medium, Major, Normal → MEDIUM; Low, Lowest,
 *   Minor, Trivial → LOW; Specline's own values as written (upper case, so Specline's CRITICAL is not taken
 *   for Jira's Critical).
 * - Status: To Do, Open, Backlog, New, Reopened → OPEN; Selected for Development, Triaged, Ready → TRIAGED;
 *   In Progress, In Review, In Development → IN_PROGRESS; Done, Closed, Resolved → DONE; Won't Do, Won't Fix,
 *   Cancelled, Rejected, Declined → WONT_FIX; and Specline's own. A resolution of Won't Fix, Won't Do,
 *   Duplicate, Cannot Reproduce, Incomplete or Declined turns DONE into WONT_FIX.
 * - Labels split on commas and semicolons (a Specline label may hold spaces; Jira's never do), duplicates
 *   dropped. An empty assignee cell is null: unassigned.
 * - In a Jira export (one with an Issue key or Issue id column) the description's wiki markup becomes
 *   Markdown (jiraWikiToMarkdown); elsewhere it is taken as Markdown already.
 * - Rows. `row` is the line the record starts on. A title longer than 200 characters is cut at a word with
 *   "…". A row without a title, with a description over 50,000 characters, or with an unknown priority or
 *   status is left out and reported.
 */
import type { IssueSeverity, IssueStatus } from "@prisma/client";

import { type ImportMapping, ISSUE_CSV_TARGETS } from "@/lib/schemas/import";
import { ISSUE_SEVERITIES, ISSUE_STATUSES } from "@/lib/schemas/issue";
import { AppError } from "@/server/errors";

import {
  type CsvLimits,
  type CsvRecord,
  duplicateColumn,
  mappedTargets,
  normalizeHeader,
  quoted,
  readCsvTable,
} from "./csv-table";
import { cutTitle } from "./reqif-rows";
import type { ImportIssueRow, ImportIssueSource, ImportRowError } from "./types";

export interface IssuesCsvOptions {
  mapping: ImportMapping;
  limits?: Partial<CsvLimits>;
}

type Field = Exclude<(typeof ISSUE_CSV_TARGETS)[number], "ignore">;
interface Column {
  index: number;
  field: Field;
}

const DESCRIPTION_MAX = 50_000;

const HEADERS: Record<string, Field | "ignore"> = {
  key: "key",
  issuekey: "sourceRef",
  id: "sourceRef",
  identifier: "sourceRef",
  sourceid: "sourceRef",
  externalid: "sourceRef",
  foreignid: "sourceRef",
  issueid: "ignore",
  summary: "title",
  title: "title",
  description: "description",
  priority: "severity",
  severity: "severity",
  status: "status",
  resolution: "resolution",
  labels: "labels",
  label: "labels",
  tags: "labels",
  assignee: "assignee",
};

/** Jira's priorities (and the older Blocker … Trivial scheme), by normalized name. */
const SEVERITIES: Record<string, IssueSeverity> = {
  highest: "CRITICAL",
  blocker: "CRITICAL",
  high: "HIGH",
  critical: "HIGH",
  medium: "MEDIUM",
  major: "MEDIUM",
  normal: "MEDIUM",
  low: "LOW",
  lowest: "LOW",
  minor: "LOW",
  trivial: "LOW",
};

/** Jira's common workflow statuses and Specline's own, by normalized name. */
const STATUSES: Record<string, IssueStatus> = {
  todo: "OPEN",
  open: "OPEN",
  backlog: "OPEN",
  new: "OPEN",
  reopened: "OPEN",
  selectedfordevelopment: "TRIAGED",
  triaged: "TRIAGED",
  ready: "TRIAGED",
  inprogress: "IN_PROGRESS",
  inreview: "IN_PROGRESS",
  indevelopment: "IN_PROGRESS",
  done: "DONE",
  closed: "DONE",
  resolved: "DONE",
  wontdo: "WONT_FIX",
  wontfix: "WONT_FIX",
  cancelled: "WONT_FIX",
  canceled: "WONT_FIX",
  rejected: "WONT_FIX",
  declined: "WONT_FIX",
};

/** Resolutions that mean a finished issue was not fixed. */
const NOT_FIXED = new Set(["wontfix", "wontdo", "duplicate", "cannotreproduce", "incomplete", "declined"]);

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/** Reads an issues CSV. BAD_REQUEST for a file that cannot be read or mapped; bad rows are reported. */
export function readIssuesCsv(bytes: Uint8Array, opts: IssuesCsvOptions): ImportIssueSource {
  const table = readCsvTable(bytes, opts.limits);
  const columns = mapColumns(table.header, opts.mapping);
  const names = new Set(table.header.map(normalizeHeader));
  const fromJira = names.has("issuekey") || names.has("issueid");
  const rows: ImportIssueRow[] = [];
  const errors: ImportRowError[] = [];
  for (const record of table.records) {
    const problems: string[] = [];
    const row = readRow(record, columns, fromJira, problems);
    if (problems.length > 0) errors.push({ row: record.line, message: problems.join("; ") });
    else rows.push(row);
  }
  return { rows, errors };
}

function mapColumns(header: string[], mapping: ImportMapping): Column[] {
  const mapped = mappedTargets(mapping.columns);
  const columns: Column[] = [];
  const filledBy = new Map<Field, string>();
  const seen = new Set<string>();
  header.forEach((h, index) => {
    const name = normalizeHeader(h);
    const given = mapped(h);
    if (given !== undefined && !(ISSUE_CSV_TARGETS as readonly string[]).includes(given)) {
      throw bad(`The column "${h}" maps to ${given}, which issues do not have`);
    }
    const target = (given as Field | "ignore" | undefined) ?? HEADERS[name] ?? "ignore";
    const repeated = seen.has(name);
    seen.add(name);
    if (target === "ignore") return;
    if (target !== "labels") {
      if (repeated) return;
      const first = filledBy.get(target);
      if (first !== undefined) throw duplicateColumn(first, h, target);
      filledBy.set(target, h);
    }
    columns.push({ index, field: target });
  });
  if (!filledBy.has("title")) throw bad("The file needs a Summary or Title column (or a mapping to title)");
  return columns;
}

function readRow(record: CsvRecord, columns: Column[], fromJira: boolean, problems: string[]): ImportIssueRow {
  const row: ImportIssueRow = { row: record.line, sourceRef: null, key: null, title: "", description: "" };
  let resolution = "";
  for (const { index, field } of columns) {
    const value = record.cells[index] ?? "";
    const text = value.trim();
    switch (field) {
      case "key":
        row.key = text.toUpperCase() || null;
        break;
      case "sourceRef":
        row.sourceRef = text || null;
        break;
      case "title":
        row.title = cutTitle(text);
        break;
      case "description": {
        const unix = value.replace(/\r\n?/g, "\n");
        row.description = fromJira ? jiraWikiToMarkdown(unix) : unix;
        break;
      }
      case "severity": {
        if (!text) break;
        const severity = (ISSUE_SEVERITIES as readonly string[]).includes(text)
          ? (text as IssueSeverity)
          : SEVERITIES[normalizeHeader(text)];
        if (severity) row.severity = severity;
        else problems.push(`Priority ${quoted(text)} is not one of ${ISSUE_SEVERITIES.join(", ")} or a Jira priority`);
        break;
      }
      case "status": {
        if (!text) break;
        const status = STATUSES[normalizeHeader(text)];
        if (status) row.status = status;
        else problems.push(`Status ${quoted(text)} is not one of ${ISSUE_STATUSES.join(", ")} or a Jira status`);
        break;
      }
      case "resolution":
        resolution = text;
        break;
      case "labels": {
        const labels = text
          .split(/[,;]/)
          .map((l) => l.trim())
          .filter(Boolean);
        row.labels = [...new Set([...(row.labels ?? []), ...labels])];
        break;
      }
      case "assignee":
        row.assignee = text || null;
        break;
    }
  }
  if (row.status === "DONE" && NOT_FIXED.has(normalizeHeader(resolution))) row.status = "WONT_FIX";
  if (!row.title) problems.push("The row has no title");
  if (row.description.length > DESCRIPTION_MAX) {
    problems.push(
      `The description is ${row.description.length.toLocaleString("en-US")} characters long; at most ${DESCRIPTION_MAX.toLocaleString("en-US")} are allowed`,
    );
  }
  return row;
}

/* ------------------------------------------------------------------ Jira wiki markup */

/** `{code}`, `{code:java}`, `{code:title=A.java|language=java}` and `{noformat}` blocks, with what they hold. */
const CODE_BLOCK = /\{(code|noformat)(?::([^}\n]*))?\}([\s\S]*?)\{\1\}/gi;

/**
 * The common bits of Jira's wiki markup as Markdown: headings, bold, italics, monospace, code and noformat
 * blocks, links and lists. Anything else is left as written, and nothing inside a code block is touched.
 */
export function jiraWikiToMarkdown(wiki: string): string {
  const text = wiki.replace(/\r\n?/g, "\n");
  let out = "";
  let last = 0;
  for (const match of text.matchAll(CODE_BLOCK)) {
    out += convertLines(text.slice(last, match.index));
    last = match.index + match[0].length;
    const [, kind = "", params = "", body = ""] = match;
    if (!body.includes("\n")) {
      out += codeSpan(body);
      continue;
    }
    const code = body.replace(/^\n/, "").replace(/\n$/, "");
    const fence = "`".repeat(Math.max(3, longestRun(code, "`") + 1));
    const lang = kind.toLowerCase() === "code" ? language(params) : "";
    out = out.replace(/[ \t]+$/, "");
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    out += `${fence}${lang}\n${code}\n${fence}`;
    if (last < text.length && text[last] !== "\n") out += "\n";
  }
  return out + convertLines(text.slice(last));
}

/** The language of `{code:java}` or `{code:title=A.java|language=java}`; "" when none or not a plain name. */
function language(params: string): string {
  const parts = params.split("|").map((p) => p.trim());
  const named = parts.find((p) => /^lang(uage)?=/i.test(p))?.replace(/^[^=]*=/, "");
  const lang = named ?? parts.find((p) => p !== "" && !p.includes("=")) ?? "";
  return /^[A-Za-z0-9_+#.-]{1,30}$/.test(lang) ? lang.toLowerCase() : "";
}

function convertLines(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const heading = /^\s*h([1-6])\.\s+(.*)$/.exec(line);
      if (heading) return `${"#".repeat(Number(heading[1]))} ${inline(heading[2] ?? "")}`;
      const quote = /^\s*bq\.\s+(.*)$/.exec(line);
      if (quote) return `> ${inline(quote[1] ?? "")}`;
      const item = /^\s*([*#]+)\s+(.*)$/.exec(line);
      if (item) {
        const markers = item[1] ?? "";
        // Nested items are indented by the width of each enclosing item's marker.
        const indent = [...markers.slice(0, -1)].map((m) => (m === "*" ? "  " : "   ")).join("");
        return `${indent}${markers.endsWith("*") ? "-" : "1."} ${inline(item[2] ?? "")}`;
      }
      return inline(line);
    })
    .join("\n");
}

/** `{{monospace}}` and `[text|url]` links, which are taken as they are, and the text between them. */
const INLINE_TOKEN = /\{\{([^\n]+?)\}\}|\[([^\]|\n]*)\|([^\]|\n]+)\]|\[((?:https?|mailto):[^\]|\s]+)\]/g;
const SAFE_URL = /^(?:https?:|mailto:|ftp:)/i;

function inline(line: string): string {
  let out = "";
  let last = 0;
  for (const match of line.matchAll(INLINE_TOKEN)) {
    const [whole, mono, label, url, bare] = match;
    let token = whole;
    if (mono !== undefined) token = codeSpan(mono);
    else if (url !== undefined && SAFE_URL.test(url.trim())) token = `[${label?.trim() || url.trim()}](${url.trim()})`;
    else if (bare !== undefined) token = `<${bare}>`;
    out += emphasis(line.slice(last, match.index)) + token;
    last = match.index + whole.length;
  }
  return out + emphasis(line.slice(last));
}

/** `*bold*` → `**bold**`, `_italic_` → `*italic*`: only around words, so `2 * 3 * 4` and snake_case stay. */
function emphasis(text: string): string {
  return text
    .replace(/(?<![\p{L}\p{N}*\\])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gu, "**$1**")
    .replace(/(?<![\p{L}\p{N}_\\])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, "*$1*");
}

function codeSpan(code: string): string {
  const ticks = "`".repeat(longestRun(code, "`") + 1);
  const pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
