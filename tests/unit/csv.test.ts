import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { toCsv } from "@/server/services/csv";

/** What every export wrote before toCsv had a writer of its own: the output it must match byte for byte. */
const reference = (rows: unknown[][]) => stringify(rows, { escape_formulas: true });

const TRICKY = [
  "",
  " ",
  "plain",
  'say "hi"',
  '"',
  '""',
  "a,b",
  ",",
  "line\nbreak",
  "\n",
  "cr\rinside",
  "crlf\r\nend",
  "trailing\r",
  "=1+1",
  '=HYPERLINK("http://x")',
  "+1",
  "-1",
  "-",
  "@SUM(A1)",
  "\tlead",
  "\rlead",
  "\r\nlead",
  "\uFF1D1",
  "\uFF0B1",
  "\uFF0D1",
  "\uFF20x",
  '\uFF1D"q",\n',
  "a=b",
  " =not first",
  "'quoted already",
  "Ünïcödé — ‘quotes’ «guillemets»",
  "😀 emoji, with comma",
  "\uD83D lone surrogate",
  "\u2028 line separator",
  "\u001e record separator",
  ";semicolon",
];

describe("toCsv", () => {
  it("keeps every cell a spreadsheet would run as a formula as text, header cells included", () => {
    const csv = toCsv([
      ["Key", "=Title", "+Owner", "-Cost", "@Risk"],
      ["PAY-1", '=HYPERLINK("http://x")', "\tlead", "\rtrail", "a=b"],
    ]);
    expect(csv.split("\n")[0]).toBe("Key,'=Title,'+Owner,'-Cost,'@Risk");
    expect(csv).toContain(`PAY-1,"'=HYPERLINK(""http://x"")",'\tlead,"'\rtrail",a=b\n`);
  });

  it("leaves ordinary cells alone", () => {
    expect(toCsv([["PAY-12", "Take payments", "IMPLEMENTS; VERIFIES (suspect)", ""]])).toBe(
      "PAY-12,Take payments,IMPLEMENTS; VERIFIES (suspect),\n",
    );
  });

  it("writes exactly what csv-stringify with escape_formulas writes for quotes, separators, formula starts and unicode", () => {
    expect(toCsv([TRICKY])).toBe(reference([TRICKY]));
    for (const cell of TRICKY) expect(toCsv([[cell], [cell, cell]])).toBe(reference([[cell], [cell, cell]]));
    expect(toCsv([])).toBe(reference([]));
    expect(toCsv([[]])).toBe(reference([[]]));
    expect(toCsv([[""], ["", ""]])).toBe(reference([[""], ["", ""]]));
  });

  it("writes what csv-stringify writes for any rows of strings", () => {
    const cell = fc.oneof(
      fc.constantFrom(...TRICKY),
      fc.string({ unit: fc.constantFrom(..."\",\n\r=+-@\t\uFF1D\uFF0B\uFF0D\uFF20' a;é".split("")), maxLength: 8 }),
      fc.string({ unit: "binary", maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 5 }), (rows) => {
        expect(toCsv(rows)).toBe(reference(rows));
      }),
      { numRuns: 2_000 },
    );
  });

  it("leaves anything but strings to csv-stringify's casting", () => {
    const rows = [["PAY-1", 3, true, null, undefined, -2]] as unknown as string[][];
    expect(toCsv(rows)).toBe(reference(rows as unknown[][]));
    expect(toCsv(rows)).toBe("PAY-1,3,1,,,-2\n");
  });
});
