/**
 * Reading requirement and issue CSVs into import rows: Specline's own export read back exactly (formula
 * quotes, multi-line cells, multi-valued attributes), files from spreadsheets (semicolons, tabs, a BOM, CRLF),
 * header mapping and its refusals, rows reported by the line they start on, limits, and a realistic Jira
 * export with repeated columns, wiki markup and its priorities, statuses and resolutions.
 */
import { describe, expect, it } from "vitest";

import type { ImportMapping } from "@/lib/schemas/import";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { AppError } from "@/server/errors";
import { toCsv } from "@/server/services/csv";
import { jiraWikiToMarkdown, readIssuesCsv } from "@/server/services/imports/csv-issues";
import { readRequirementsCsv } from "@/server/services/imports/csv-requirements";
import type { ImportRequirementRow } from "@/server/services/imports/types";

const utf8 = (text: string) => new TextEncoder().encode(text);
const noMapping: ImportMapping = { columns: {} };

/** The BAD_REQUEST a read fails with. */
function refusal(read: () => unknown): AppError {
  let caught: unknown = null;
  try {
    read();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe("BAD_REQUEST");
  return caught as AppError;
}

const DEFINITIONS: AttributeDefinition[] = [
  { key: "asil", label: "Safety Level", type: "enum", options: ["QM", "A", "B"], required: false },
  { key: "platforms", label: "Platforms", type: "multiEnum", options: ["A", "B", "C"], required: false },
  { key: "cost", label: "Cost", type: "number", required: false },
  { key: "safetyRelevant", label: "Safety relevant", type: "boolean", required: false },
  { key: "due", label: "Due", type: "date", required: false },
  { key: "note", label: "Note", type: "text", required: false },
];

const readRequirements = (
  text: string,
  opts: { mapping?: ImportMapping; attributes?: AttributeDefinition[]; limits?: Record<string, number> } = {},
) =>
  readRequirementsCsv(utf8(text), {
    mapping: opts.mapping ?? noMapping,
    attributes: opts.attributes ?? [],
    limits: opts.limits,
  });

const requirement = (row: number, title: string, extra: Partial<ImportRequirementRow> = {}): ImportRequirementRow => ({
  row,
  sourceRef: null,
  key: null,
  parentRef: null,
  parentKey: null,
  title,
  statement: "",
  rationale: "",
  attributes: {},
  ...extra,
});

/* ------------------------------------------------------------------ requirements */

describe("readRequirementsCsv: Specline's own export", () => {
  // The exporter's columns (requirements-export.ts csvChunks), written by the exporter's CSV writer.
  const header = [
    "Key",
    "Version",
    "Parent",
    "Title",
    "Type",
    "Priority",
    "Status",
    "Tags",
    "Statement",
    "Rationale",
    ...DEFINITIONS.map((d) => d.label),
  ];
  const statement = "The system shall accept\nVisa and Mastercard.\n\n- 3-D Secure, if the issuer asks";
  const csv = toCsv([
    header,
    [
      "PAY-1",
      "3",
      "",
      "Take card payments",
      "FUNCTIONAL",
      "MUST",
      "APPROVED",
      "payments, cards",
      statement,
      "=SUM(A1) must stay text",
      "B",
      "A; B",
      "12.5",
      "true",
      "2026-03-01",
      "-5 dB",
    ],
    [
      "PAY-2",
      "1",
      "PAY-1",
      "=Refund within 14 days",
      "NON_FUNCTIONAL",
      "SHOULD",
      "IN_REVIEW",
      "",
      "+44 20 7946 0000\r\ncall centre",
      "\tindented",
      "",
      "",
      "-3",
      "false",
      "",
      "@ops 'quoted' ＝fullwidth",
    ],
    ["PAY-3", "1", "PAY-1", "'Quoted' title", "CONSTRAINT", "COULD", "DRAFT", "", "", "", "", "", "", "", "", "x"],
  ]);

  it("writes the escaped cells the way the round trip needs them", () => {
    // Guards the fixture: if the writer stopped escaping, the test below would prove nothing.
    expect(csv).toContain("'=SUM(A1)");
    expect(csv).toContain("'-5 dB");
    expect(csv).toContain("'=Refund");
  });

  it("reads every row back exactly, on the line it starts on", () => {
    const source = readRequirements(csv, { attributes: DEFINITIONS });
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "asil", label: "Safety Level", type: "enum", options: ["QM", "A", "B"] },
      { key: "platforms", label: "Platforms", type: "multiEnum", options: ["A", "B", "C"] },
      { key: "cost", label: "Cost", type: "number" },
      { key: "safetyRelevant", label: "Safety relevant", type: "boolean" },
      { key: "due", label: "Due", type: "date" },
      { key: "note", label: "Note", type: "text" },
    ]);
    expect(source.rows).toEqual([
      requirement(2, "Take card payments", {
        key: "PAY-1",
        statement,
        rationale: "=SUM(A1) must stay text",
        type: "FUNCTIONAL",
        priority: "MUST",
        status: "APPROVED",
        tags: ["payments", "cards"],
        attributes: {
          "Safety Level": "B",
          Platforms: ["A", "B"],
          Cost: 12.5,
          "Safety relevant": true,
          Due: "2026-03-01",
          Note: "-5 dB",
        },
      }),
      // PAY-1's statement spans lines 2 to 5.
      requirement(6, "=Refund within 14 days", {
        key: "PAY-2",
        parentKey: "PAY-1",
        parentRef: "PAY-1",
        statement: "+44 20 7946 0000\r\ncall centre",
        rationale: "\tindented",
        type: "NON_FUNCTIONAL",
        priority: "SHOULD",
        status: "IN_REVIEW",
        tags: [],
        attributes: { Cost: -3, "Safety relevant": false, Note: "@ops 'quoted' ＝fullwidth" },
      }),
      requirement(8, "'Quoted' title", {
        key: "PAY-3",
        parentKey: "PAY-1",
        parentRef: "PAY-1",
        type: "CONSTRAINT",
        priority: "COULD",
        status: "DRAFT",
        tags: [],
        attributes: { Note: "x" },
      }),
    ]);
  });

  it("maps an attribute labelled like a common header to the attribute, not the field", () => {
    const defs: AttributeDefinition[] = [{ key: "description", label: "Description", type: "text", required: false }];
    const source = readRequirements("Key,Title,Statement,Description\nPAY-1,Pay,The text,A note\n", {
      attributes: defs,
    });
    expect(source.rows[0]).toEqual(
      requirement(2, "Pay", { key: "PAY-1", statement: "The text", attributes: { Description: "A note" } }),
    );
  });
});

describe("readRequirementsCsv: files from spreadsheets", () => {
  it("reads a semicolon-delimited file with Excel's CRLF and a BOM", () => {
    const source = readRequirements(
      '\uFEFFName;Text;Priority;Labels\r\nLogin;"Users sign in; with SSO";must;auth, sso\r\nLogout;Ends the session;Should;\r\n',
    );
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([]);
    expect(source.rows).toEqual([
      requirement(2, "Login", { statement: "Users sign in; with SSO", priority: "MUST", tags: ["auth", "sso"] }),
      requirement(3, "Logout", { statement: "Ends the session", priority: "SHOULD", tags: [] }),
    ]);
  });

  it("ignores cells past the header's columns", () => {
    const source = readRequirements("Title;Tags\nA;x, y;stray\n");
    expect(source.rows).toEqual([requirement(2, "A", { tags: ["x", "y"] })]);
  });

  it("reads a tab-delimited file and sniffs the delimiter outside quotes", () => {
    const source = readRequirements('"Title, short"\tStatement\tType\nExport\t"a, b, c"\tnon functional\n', {
      mapping: { columns: { "title, short": "title" } },
    });
    expect(source.rows).toEqual([requirement(2, "Export", { statement: "a, b, c", type: "NON_FUNCTIONAL" })]);
  });

  it("maps headers without regard to case, spaces or punctuation, and takes ids, parents and keys", () => {
    const source = readRequirements(
      "External-ID,PARENT KEY,summary,Requirement_Text,key,Rationale\n" +
        "REQ_0002,PAY-12, Refunds ,Refund in 14 days, pay-7 ,Law\n" +
        "REQ_0003,REQ_0002,Partial refunds,,,\n",
    );
    expect(source.rows).toEqual([
      requirement(2, "Refunds", {
        sourceRef: "REQ_0002",
        key: "PAY-7",
        parentKey: "PAY-12",
        parentRef: "PAY-12",
        statement: "Refund in 14 days",
        rationale: "Law",
      }),
      requirement(3, "Partial refunds", { sourceRef: "REQ_0003", parentRef: "REQ_0002" }),
    ]);
  });

  it("counts lines as an editor does: CRLF records holding LF breaks, and old Mac CR-only files", () => {
    const excel = readRequirements('Title,Statement,Status\r\nA,"one\ntwo\nthree",Draft\r\nB,x,Nope\r\n');
    expect(excel.rows.map((r) => [r.row, r.statement])).toEqual([[2, "one\ntwo\nthree"]]);
    expect(excel.errors.map((e) => e.row)).toEqual([5]);
    const mac = readRequirements("Title\rA\r\rB\r");
    expect(mac.rows.map((r) => [r.row, r.title])).toEqual([
      [2, "A"],
      [4, "B"],
    ]);
  });

  it("skips blank lines and rows of empty cells but counts their lines", () => {
    const source = readRequirements("Title,Status\n\n,\nA,Approved\n\n\nB,verified\n");
    expect(source.rows.map((r) => [r.row, r.title, r.status])).toEqual([
      [4, "A", "APPROVED"],
      [7, "B", "VERIFIED"],
    ]);
  });
});

describe("readRequirementsCsv: mapping", () => {
  it("lets the mapping override the automatic one, by header text without regard to case", () => {
    const source = readRequirements(
      "Headline,Statement,Description,ASIL level,Version\nPay,Shall pay,Because,B,4\nRefund,,,,\n",
      {
        attributes: DEFINITIONS,
        mapping: {
          columns: {
            HEADLINE: "title",
            description: "rationale",
            " asil level ": "attribute:asil",
            version: "sourceRef",
          },
        },
      },
    );
    expect(source.attributes).toEqual([
      { key: "asil", label: "Safety Level", type: "enum", options: ["QM", "A", "B"] },
    ]);
    expect(source.rows).toEqual([
      requirement(2, "Pay", {
        statement: "Shall pay",
        rationale: "Because",
        sourceRef: "4",
        attributes: { "Safety Level": "B" },
      }),
      requirement(3, "Refund"),
    ]);
  });

  it("makes an unknown header a new text attribute with a unique camelCase key", () => {
    const defs: AttributeDefinition[] = [{ key: "ownerTeam", label: "Owner", type: "text", required: false }];
    const source = readRequirements(
      "Title,Owner Team,Verification method,Risk,__proto__,,Notes,notes\n" +
        "A,Payments,Test,low,odd,ignored,n1,n2\n" +
        "B,,Review,,,,,\n",
      { attributes: defs, mapping: { columns: { Risk: "attribute:verificationMethod" } } },
    );
    expect(source.attributes).toEqual([
      // "Owner Team" is the existing attribute's key, spaces and case aside.
      { key: "ownerTeam", label: "Owner", type: "text" },
      // The key the label asks for is the one the mapping gave Risk.
      { key: "verificationMethod2", label: "Verification method", type: "text" },
      { key: "verificationMethod", label: "Risk", type: "text" },
      { key: "attributeProto", label: "Attribute __proto__", type: "text" },
      { key: "notes", label: "Notes", type: "text" },
    ]);
    expect(source.rows).toEqual([
      requirement(2, "A", {
        attributes: {
          Owner: "Payments",
          "Verification method": "Test",
          Risk: "low",
          "Attribute __proto__": "odd",
          Notes: "n1\nn2",
        },
      }),
      requirement(3, "B", { attributes: { "Verification method": "Review" } }),
    ]);
    expect(Object.getPrototypeOf(source.rows[0]!.attributes)).toBe(Object.prototype);
  });

  it("maps a column to a new attribute under the key the mapping gives", () => {
    const source = readRequirements("Title,Risk\nA,low\n", { mapping: { columns: { Risk: "attribute:riskLevel" } } });
    expect(source.attributes).toEqual([{ key: "riskLevel", label: "Risk", type: "text" }]);
    expect(source.rows[0]?.attributes).toEqual({ Risk: "low" });
  });

  it("refuses two columns for one field, naming both", () => {
    const err = refusal(() => readRequirements("Title,Name\nA,B\n"));
    expect(err.message).toBe('The columns "Title" and "Name" both map to title; map one of them to ignore');
    const mapped = refusal(() =>
      readRequirements("Title,Statement,Notes\nA,B,C\n", { mapping: { columns: { notes: "statement" } } }),
    );
    expect(mapped.message).toContain('"Statement" and "Notes"');
  });

  it("accepts the second column once the mapping ignores it", () => {
    const source = readRequirements("Title,Name\nA,B\n", { mapping: { columns: { name: "ignore" } } });
    expect(source.rows).toEqual([requirement(2, "A")]);
  });

  it("refuses a file without a title column, and a mapping to an issue field", () => {
    expect(refusal(() => readRequirements("Statement,Status\nThe system shall,Draft\n")).message).toBe(
      "The file needs a Title column (or a mapping to title)",
    );
    expect(
      refusal(() => readRequirements("Title,Sev\nA,High\n", { mapping: { columns: { Sev: "severity" } } })).message,
    ).toBe('The column "Sev" maps to severity, which requirements do not have');
  });
});

describe("readRequirementsCsv: values and row errors", () => {
  it("reports a bad value on the line its record starts, after a multi-line cell, and leaves the row out", () => {
    const source = readRequirements(
      'Title,Statement,Status\nA,"line one\nline two\nline three",Draft\nB,x,Foo\nC,y,in review\n',
    );
    expect(source.errors).toEqual([
      { row: 5, message: 'Status "Foo" is not one of DRAFT, IN_REVIEW, APPROVED, IMPLEMENTED, VERIFIED, DEPRECATED' },
    ]);
    expect(source.rows.map((r) => [r.row, r.title, r.status])).toEqual([
      [2, "A", "DRAFT"],
      [6, "C", "IN_REVIEW"],
    ]);
  });

  it("reads attribute values by type and reports those that are not of it, all at once", () => {
    const source = readRequirements(
      "Title,Cost,Safety relevant,Due,Platforms\n" +
        "Good,1e3,YES,2026-03-01T00:00:00.000Z,C;; A \n" +
        "Bad,twelve,maybe,03/01/2026,A\n" +
        "Infinite,Infinity,no,2026-02-30,\n",
      { attributes: DEFINITIONS },
    );
    expect(source.rows).toEqual([
      requirement(2, "Good", {
        attributes: { Cost: 1000, "Safety relevant": true, Due: "2026-03-01", Platforms: ["C", "A"] },
      }),
    ]);
    expect(source.errors).toEqual([
      {
        row: 3,
        message:
          'Cost: "twelve" is not a number; Safety relevant: "maybe" is not true or false; Due: "03/01/2026" is not a date (YYYY-MM-DD)',
      },
      { row: 4, message: 'Cost: "Infinity" is not a number' },
    ]);
  });

  it("takes a missing title from the statement's first line, cut at a word, and reports a row without either", () => {
    const long = `${"word ".repeat(60)}end`;
    const source = readRequirements(
      `Title,Statement,Status\n,"\n  First line of it  \nsecond line",\n,${long},\n,,Draft\nOnly title,,\n`,
    );
    expect(source.rows.map((r) => [r.row, r.title])).toEqual([
      [2, "First line of it"],
      [5, `${"word ".repeat(39).trim()}…`],
      [7, "Only title"],
    ]);
    expect(source.rows[1]!.title.length).toBeLessThanOrEqual(200);
    expect(source.errors).toEqual([{ row: 6, message: "The row has no title" }]);
  });
});

describe("readRequirementsCsv: refused files", () => {
  it("refuses bytes that are not UTF-8", () => {
    const latin1 = Uint8Array.from([...utf8("Title\nCaf"), 0xe9, 0x0a]);
    const err = refusal(() => readRequirementsCsv(latin1, { mapping: noMapping, attributes: [] }));
    expect(err.message).toBe("The file is not UTF-8 text");
  });

  it("refuses an empty file and a file with only a header", () => {
    expect(refusal(() => readRequirements("")).message).toBe("The file has no rows");
    expect(refusal(() => readRequirements("\uFEFFTitle,Statement\r\n\r\n")).message).toBe("The file has no rows");
  });

  it("refuses an unclosed quote, naming the line its record starts on", () => {
    const err = refusal(() => readRequirements('Title,Statement\nA,ok\nB,"never closed\nC,more\n'));
    expect(err.message).toBe("The file is not valid CSV: the record on line 3 opens a quote that is never closed");
  });

  it("refuses more rows than the limit, and takes exactly as many", () => {
    const csv = "Title\nA\nB\nC\n";
    expect(readRequirements(csv, { limits: { maxRows: 3 } }).rows).toHaveLength(3);
    expect(refusal(() => readRequirements(csv, { limits: { maxRows: 2 } })).message).toBe(
      "The file has more than 2 rows, the most one import takes",
    );
  });

  it("refuses more columns than the limit, in the header or in a row", () => {
    expect(refusal(() => readRequirements("Title,A,B,C\nx\n", { limits: { maxColumns: 3 } })).message).toBe(
      "Line 1 has 4 columns; a file may have at most 3",
    );
    expect(refusal(() => readRequirements("Title,A\nx\ny,1,2,3\n", { limits: { maxColumns: 3 } })).message).toBe(
      "Line 3 has 4 columns; a file may have at most 3",
    );
    expect(readRequirements("Title,A,B\nx,1,2\n", { limits: { maxColumns: 3 } }).rows).toHaveLength(1);
  });

  it("refuses a cell longer than the limit", () => {
    const csv = 'Title,Statement\nA,"0123456789"\nB,"multi\nline"\nC,01234567890\n';
    expect(refusal(() => readRequirements(csv, { limits: { maxCellLength: 10 } })).message).toBe(
      "Line 5 has a cell longer than 10 characters, the most a cell may hold",
    );
    expect(readRequirements(csv, { limits: { maxCellLength: 11 } }).rows).toHaveLength(3);
  });
});

/* ------------------------------------------------------------------ issues */

const readIssues = (text: string, mapping: ImportMapping = noMapping, limits?: Record<string, number>) =>
  readIssuesCsv(utf8(text), { mapping, limits });

describe("readIssuesCsv: a Jira export", () => {
  const header = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Project key",
    "Priority",
    "Resolution",
    "Assignee",
    "Reporter",
    "Created",
    "Labels",
    "Labels",
    "Labels",
    "Description",
    "Comment",
    "Comment",
    "Sprint",
    "Sprint",
    "Watchers",
    "Watchers",
    "Custom field (Severity)",
  ];
  const description = [
    "h2. Steps to reproduce",
    "# Open the checkout",
    "# Pay with a *3-D Secure* card",
    "## Approve in the _bank_ app",
    "",
    "{code:java}",
    "if (card.is3ds()) { challenge(*card*, _user_); }",
    "{code}",
    "See [the runbook|https://wiki.example.com/pay/3ds] and {{PaymentService.charge_card}}.",
  ].join("\r\n");
  const jira = toCsv([
    header,
    [
      "Checkout fails for 3-D Secure cards",
      "PAY-101",
      "10001",
      "Bug",
      "In Progress",
      "PAY",
      "Highest",
      "",
      "Ada Lovelace",
      "Grace Hopper",
      "12/Mar/26 10:15 AM",
      "payments",
      "checkout",
      "",
      description,
      "12/Mar/26 11:00 AM;557058:aa;Reproduced on staging",
      "",
      "Sprint 14",
      "Sprint 15",
      "ada",
      "grace",
      "S1",
    ],
    [
      "Refund e-mail has a typo",
      "PAY-102",
      "10002",
      "Task",
      "Done",
      "PAY",
      "Low",
      "Won't Fix",
      "",
      "Grace Hopper",
      "13/Mar/26 9:00 AM",
      "ui",
      "ui",
      "",
      "_minor_ typo in the footer",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ],
    ["Crash on login", "PAY-103", "10003", "Bug", "Closed", "PAY", "Critical", "Done", "5b10ac8d82e05b22cc7d4ef5"],
    ["Old flaky test", "PAY-104", "10004", "Bug", "Reopened", "PAY", "Blocker", "Duplicate"],
    ["Waiting on QA", "PAY-105", "10005", "Bug", "Waiting for QA", "PAY", "Medium"],
    ["", "PAY-106", "10006", "Bug", "To Do", "PAY", "P1"],
    ["Declined idea", "PAY-107", "10007", "Story", "Resolved", "PAY", "Trivial", "Cannot Reproduce"],
  ]);

  it("maps summary, keys, statuses, priorities, resolutions, repeated labels and the assignee", () => {
    const source = readIssuesCsv(utf8(jira), { mapping: noMapping });
    expect(source.rows).toEqual([
      {
        row: 2,
        sourceRef: "PAY-101",
        key: null,
        title: "Checkout fails for 3-D Secure cards",
        description: [
          "## Steps to reproduce",
          "1. Open the checkout",
          "1. Pay with a **3-D Secure** card",
          "   1. Approve in the *bank* app",
          "",
          "```java",
          "if (card.is3ds()) { challenge(*card*, _user_); }",
          "```",
          "See [the runbook](https://wiki.example.com/pay/3ds) and `PaymentService.charge_card`.",
        ].join("\n"),
        severity: "CRITICAL",
        status: "IN_PROGRESS",
        labels: ["payments", "checkout"],
        assignee: "Ada Lovelace",
      },
      {
        // The description above spans lines 2 to 10.
        row: 11,
        sourceRef: "PAY-102",
        key: null,
        title: "Refund e-mail has a typo",
        description: "*minor* typo in the footer",
        severity: "LOW",
        status: "WONT_FIX",
        labels: ["ui"],
        assignee: null,
      },
      {
        row: 12,
        sourceRef: "PAY-103",
        key: null,
        title: "Crash on login",
        description: "",
        severity: "HIGH",
        status: "DONE",
        labels: [],
        assignee: "5b10ac8d82e05b22cc7d4ef5",
      },
      {
        row: 13,
        sourceRef: "PAY-104",
        key: null,
        title: "Old flaky test",
        description: "",
        severity: "CRITICAL",
        status: "OPEN",
        labels: [],
        assignee: null,
      },
      {
        row: 16,
        sourceRef: "PAY-107",
        key: null,
        title: "Declined idea",
        description: "",
        severity: "LOW",
        status: "WONT_FIX",
        labels: [],
        assignee: null,
      },
    ]);
    expect(source.errors).toEqual([
      {
        row: 14,
        message: 'Status "Waiting for QA" is not one of OPEN, TRIAGED, IN_PROGRESS, DONE, WONT_FIX or a Jira status',
      },
      {
        row: 15,
        message: 'Priority "P1" is not one of LOW, MEDIUM, HIGH, CRITICAL or a Jira priority; The row has no title',
      },
    ]);
  });
});

describe("readIssuesCsv: other files", () => {
  it("reads Specline's own values and keeps a non-Jira description as Markdown", () => {
    const source = readIssues(
      'Key,Title,Description,Severity,Status,Labels,Assignee\npay-i-7,Slow search,"*keep* this\n# heading",CRITICAL,WONT_FIX,"needs triage, ui; ui",ada@example.com\n',
    );
    expect(source.rows).toEqual([
      {
        row: 2,
        sourceRef: null,
        key: "PAY-I-7",
        title: "Slow search",
        description: "*keep* this\n# heading",
        severity: "CRITICAL",
        status: "WONT_FIX",
        labels: ["needs triage", "ui"],
        assignee: "ada@example.com",
      },
    ]);
  });

  it("leaves out what a file has no column for", () => {
    const source = readIssues("Title\nJust a title\n");
    expect(source.rows).toEqual([{ row: 2, sourceRef: null, key: null, title: "Just a title", description: "" }]);
  });

  it("cuts a long title and reports a description over 50,000 characters", () => {
    const title = `${"alpha ".repeat(50)}omega`;
    const source = readIssues(
      `Summary;Description\n${title};short\nBig;${"x".repeat(50_001)}\nFits;${"y".repeat(50_000)}\n`,
    );
    expect(source.rows.map((r) => [r.row, r.title.length <= 200, r.title.endsWith("alpha…")])).toEqual([
      [2, true, true],
      [4, true, false],
    ]);
    expect(source.errors).toEqual([
      { row: 3, message: "The description is 50,001 characters long; at most 50,000 are allowed" },
    ]);
  });

  it("refuses two different headers for one field, a mapping to a requirement field and a missing title", () => {
    expect(refusal(() => readIssues("Summary,Priority,Severity\nA,High,LOW\n")).message).toBe(
      'The columns "Priority" and "Severity" both map to severity; map one of them to ignore',
    );
    expect(
      readIssues("Summary,Priority,Severity\nA,High,LOW\n", { columns: { Severity: "ignore" } }).rows[0]?.severity,
    ).toBe("HIGH");
    expect(refusal(() => readIssues("Summary,Notes\nA,B\n", { columns: { notes: "statement" } })).message).toBe(
      'The column "Notes" maps to statement, which issues do not have',
    );
    expect(refusal(() => readIssues("Issue key,Description\nPAY-1,x\n")).message).toBe(
      "The file needs a Summary or Title column (or a mapping to title)",
    );
  });

  it("shares the file checks with the requirements reader", () => {
    expect(refusal(() => readIssuesCsv(Uint8Array.from([0xff, 0xfe, 0x41]), { mapping: noMapping })).message).toBe(
      "The file is not UTF-8 text",
    );
    expect(refusal(() => readIssues("Summary\nA\nB\nC\n", noMapping, { maxRows: 2 })).message).toBe(
      "The file has more than 2 rows, the most one import takes",
    );
  });
});

/* ------------------------------------------------------------------ wiki markup */

describe("jiraWikiToMarkdown", () => {
  it("converts headings, emphasis, monospace and links", () => {
    expect(jiraWikiToMarkdown("h1. Title\nh6. Small\n*bold* and _italic_ and {{mono_space}}")).toBe(
      "# Title\n###### Small\n**bold** and *italic* and `mono_space`",
    );
    expect(jiraWikiToMarkdown("[Docs|https://example.com/a_b_c] or [https://example.com]")).toBe(
      "[Docs](https://example.com/a_b_c) or <https://example.com>",
    );
  });

  it("leaves arithmetic, snake_case, unsafe links and user mentions alone", () => {
    const text = "2 * 3 * 4 = 24, run make_target_name, [click|javascript:alert(1)], [~ada]";
    expect(jiraWikiToMarkdown(text)).toBe(text);
  });

  it("turns nested bullet and numbered lists into Markdown lists", () => {
    expect(jiraWikiToMarkdown("* one\n** one a\n*# one a i\n# first\n# second")).toBe(
      "- one\n  - one a\n  1. one a i\n1. first\n1. second",
    );
  });

  it("fences code and noformat blocks without touching what they hold", () => {
    expect(jiraWikiToMarkdown("Before {code:title=A.java|language=Java}\n*x* = _y_;\nh1. no\n{code}after")).toBe(
      "Before\n```java\n*x* = _y_;\nh1. no\n```\nafter",
    );
    expect(jiraWikiToMarkdown("{noformat}\n# not a list\n```\n{noformat}")).toBe("````\n# not a list\n```\n````");
    expect(jiraWikiToMarkdown("Run {code}npm *test*{code} now")).toBe("Run `npm *test*` now");
  });

  it("leaves an unclosed code block as written", () => {
    expect(jiraWikiToMarkdown("{code}\nnever closed")).toBe("{code}\nnever closed");
  });
});
