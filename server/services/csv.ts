/**
 * CSV for every export. A spreadsheet opening the file runs any cell that
 * starts with =, +, -, @, a tab or a carriage return as a formula, so each
 * such cell — header cells included — is prefixed with a single quote and
 * stays text (csv-stringify's `escape_formulas`, which also covers the
 * full-width forms of those characters).
 *
 * The bytes are csv-stringify's with `escape_formulas` and its defaults
 * (comma, `"` doubled inside quotes, a cell quoted when it holds a quote,
 * a comma, a line feed or a carriage return, `\n` after every row), written
 * here directly: the library casts, checks options and builds a record per
 * cell, which took a third of the time of an export of 10,000 trace links;
 * written here it takes about 5 % (docs/benchmarks.md).
 * tests/unit/csv.test.ts holds the two to the same output.
 */
import { stringify } from "csv-stringify/sync";

/** First characters csv-stringify's `escape_formulas` prefixes with a quote (a string cell's `-` included). */
const FORMULA_START = new Set(["=", "+", "-", "@", "\t", "\r", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"]);
const NEEDS_QUOTES = /[",\n\r]/;
const QUOTE = /"/g;

function csvCell(value: string): string {
  const text = FORMULA_START.has(value.charAt(0)) ? `'${value}` : value;
  return NEEDS_QUOTES.test(value) ? `"${text.replace(QUOTE, '""')}"` : text;
}

/** What csv-stringify makes of anything but rows of strings, which a caller could slip past the types. */
function viaLibrary(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => [...row]),
    { escape_formulas: true },
  );
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  let out = "";
  for (const row of rows) {
    if (!Array.isArray(row)) return viaLibrary(rows);
    let line = "";
    for (let i = 0; i < row.length; i++) {
      const value: unknown = row[i];
      if (typeof value !== "string") return viaLibrary(rows);
      line += i === 0 ? csvCell(value) : `,${csvCell(value)}`;
    }
    out += `${line}\n`;
  }
  return out;
}
