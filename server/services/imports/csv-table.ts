/**
 * The table half of the CSV readers (csv-requirements.ts, csv-issues.ts): bytes checked as UTF-8, the
 * delimiter sniffed, the records parsed with the line each starts on, the limits enforced, and the single
 * quote Specline's exporter puts before a formula character (server/services/csv.ts) taken off again. The
 * readers only decide what the columns mean.
 */
import { CsvError, parse } from "csv-parse/sync";

import { AppError } from "@/server/errors";

export interface CsvLimits {
  /** Records after the header line (blank records are not counted). */
  maxRows: number;
  maxColumns: number;
  /** Characters in one cell. */
  maxCellLength: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRows: 100_000, maxColumns: 200, maxCellLength: 100_000 };

export interface CsvRecord {
  /** 1-based line of the file the record starts on (the header is usually line 1), as a text editor counts. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  /** Header cells, trimmed. */
  header: string[];
  /** The records after the header, without blank ones. */
  records: CsvRecord[];
}

const bad = (message: string) => new AppError("BAD_REQUEST", message);
const count = (n: number) => n.toLocaleString("en-US");

/** What csv-stringify's `escape_formulas` puts a quote before: = + - @ tab CR and the full-width = + - @. */
const ESCAPED_FORMULA = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell as it was before the exporter kept a spreadsheet from running it as a formula. */
export function unescapeFormula(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

/** A header as it is compared: case, spaces and punctuation aside ("Issue key" and "issue_key" are one). */
export function normalizeHeader(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/**
 * The delimiter of the header line: whichever of comma, semicolon and tab it holds most often outside quotes
 * (a comma on a tie, or when it holds none — a file of one column).
 */
export function sniffDelimiter(text: string): string {
  const seen: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && char in seen) seen[char] = (seen[char] ?? 0) + 1;
  }
  let best = ",";
  for (const candidate of [";", "\t"]) if ((seen[candidate] ?? 0) > (seen[best] ?? 0)) best = candidate;
  return best;
}

/**
 * Counts lines the way a text editor does (CRLF, LF or a lone CR each end one) up to a byte offset. Offsets only
 * grow, so each byte is looked at once; CR and LF never occur inside a multi-byte UTF-8 character.
 */
function lineCounter(bytes: Uint8Array) {
  let pos = 0;
  let line = 1;
  return (offset: number): number => {
    for (; pos < offset; pos++) {
      const b = bytes[pos];
      if (b === 0x0a || (b === 0x0d && bytes[pos + 1] !== 0x0a)) line++;
    }
    return line;
  };
}

/** Where the next record starts: after the previous one, past the empty lines the parser skips. */
function skipLineBreaks(bytes: Uint8Array, offset: number): number {
  let pos = offset;
  while (pos < bytes.length && (bytes[pos] === 0x0a || bytes[pos] === 0x0d)) pos++;
  return pos;
}

/**
 * The file as a header and records. BAD_REQUEST when it is not UTF-8, not CSV (naming the line), has no rows
 * after the header, or goes past a limit.
 */
export function readCsvTable(bytes: Uint8Array, limits: Partial<CsvLimits> = {}): CsvTable {
  const { maxRows, maxColumns, maxCellLength } = { ...DEFAULT_CSV_LIMITS, ...limits };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bad("The file is not UTF-8 text");
  }

  const lineAt = lineCounter(bytes);
  const records: CsvRecord[] = [];
  // Where the record being read starts: the parser reports only where each record ends.
  let nextStart = 0;
  const startLine = () => lineAt(skipLineBreaks(bytes, nextStart));

  const onRecord = (cells: string[], info: { bytes: number }) => {
    const line = startLine();
    nextStart = info.bytes;
    if (cells.length > maxColumns) {
      throw bad(`Line ${line} has ${count(cells.length)} columns; a file may have at most ${count(maxColumns)}`);
    }
    for (const cell of cells) {
      if (cell.length > maxCellLength) {
        throw bad(`Line ${line} has a cell longer than ${count(maxCellLength)} characters, the most a cell may hold`);
      }
    }
    const isHeader = records.length === 0;
    if (!isHeader && cells.every((c) => c.trim() === "")) return null;
    // records[0] is the header, so this refuses the first row past the limit.
    if (records.length > maxRows) throw bad(`The file has more than ${count(maxRows)} rows, the most one import takes`);
    records.push({ line, cells: cells.map(unescapeFormula) });
    return null;
  };

  try {
    parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      bom: true,
      delimiter: sniffDelimiter(text),
      record_delimiter: ["\r\n", "\n", "\r"],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: onRecord,
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw bad(
      err.code === "CSV_QUOTE_NOT_CLOSED"
        ? `The file is not valid CSV: the record on line ${startLine()} opens a quote that is never closed`
        : `The file is not valid CSV: the record on line ${startLine()} cannot be read`,
    );
  }

  const [head, ...rows] = records;
  if (!head || rows.length === 0) throw bad("The file has no rows");
  return { header: head.cells.map((h) => h.trim()), records: rows };
}

/**
 * The target `mapping` gives a header, if any: mapping keys are header texts compared trimmed and without
 * regard to case.
 */
export function mappedTargets(columns: Record<string, string>): (header: string) => string | undefined {
  const byHeader = new Map(Object.entries(columns).map(([header, target]) => [header.trim().toLowerCase(), target]));
  return (header) => byHeader.get(header.trim().toLowerCase());
}

/** Refuses a second column for a field one column already fills. */
export function duplicateColumn(first: string, second: string, target: string): AppError {
  return bad(`The columns "${first}" and "${second}" both map to ${target}; map one of them to ignore`);
}

/** A cell's text quoted for a message, shortened when long. */
export function quoted(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 59)}…` : t);
}
