/**
 * CSV for every export. A spreadsheet opening the file runs any cell that
 * starts with =, +, -, @, a tab or a carriage return as a formula, so each
 * such cell — header cells included — is prefixed with a single quote and
 * stays text (csv-stringify's `escape_formulas`, which also covers the
 * full-width forms of those characters).
 */
import { stringify } from "csv-stringify/sync";

export function toCsv(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => [...row]),
    { escape_formulas: true },
  );
}
