/**
 * Reading ReqIF 1.2 and .reqifz into import rows: one fixture per tool (DOORS, Polarion, ReqIF Studio,
 * Enterprise Architect, Capella) read to exact rows, attributes and values; a file written by Specline's
 * own exporter read back losslessly; a 5,000-deep hierarchy; and hostile input — entity tricks, wrong
 * documents, oversized values, zip bombs, path traversal — refused with BAD_REQUEST and a clear message.
 *
 * The exporter needs a database only for its reads; they are replaced here by the rows it is given.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { constants, deflateRawSync } from "node:zlib";

import { strToU8, zipSync } from "fflate";
import MarkdownIt from "markdown-it";
import { describe, expect, it, vi } from "vitest";

import type { ProjectScope } from "@/server/auth/project-scope";
import { AppError } from "@/server/errors";
import type { FrozenRequirement } from "@/server/services/baselines/baselines";
import { openRequirementsExport } from "@/server/services/exports/requirements-export";
import { readReqif, readReqifz } from "@/server/services/imports/reqif";
import type { ImportRequirementRow, ImportValue } from "@/server/services/imports/types";

const exported = vi.hoisted(() => ({
  project: { key: "PAY", name: "Payments", settings: {} as Record<string, unknown> },
  rows: [] as FrozenRequirement[],
}));
vi.mock("@/lib/env.mjs", () => ({ getEnv: () => ({ LONG_STATEMENT_TIMEOUT_MS: 60_000 }) }));
vi.mock("@/server/db", () => ({ db: { project: { findUniqueOrThrow: async () => exported.project } } }));
vi.mock("@/server/services/baselines/baselines", () => ({
  frozenSkeleton: async () => exported.rows,
  versionsById: async (ids: string[]) =>
    new Map(exported.rows.filter((r) => ids.includes(r.versionId)).map((r) => [r.versionId, r])),
}));

const fixtures = path.join(import.meta.dirname, "../fixtures/reqif");
const fixture = (name: string) => readFile(path.join(fixtures, name));

/** `bytes` as a stream of chunks of `size` bytes (split inside multi-byte characters on purpose). */
async function* chunked(bytes: Uint8Array, size = 65_536): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
async function* text(xml: string): AsyncGenerator<string> {
  yield xml;
}

const row = (
  n: number,
  sourceRef: string,
  parentRef: string | null,
  title: string,
  statement = "",
  attributes: Record<string, ImportValue> = {},
  extra: Partial<ImportRequirementRow> = {},
): ImportRequirementRow => ({
  row: n,
  sourceRef,
  key: null,
  parentRef,
  parentKey: null,
  title,
  statement,
  rationale: "",
  attributes,
  ...extra,
});

/** The BAD_REQUEST a read fails with. */
async function refusal(read: Promise<unknown>): Promise<AppError> {
  const err = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("BAD_REQUEST");
  return err as AppError;
}

const NS = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd";

/** A minimal ReqIF document: one object type with the given definitions, objects and hierarchy. */
function reqif({ definitions = "", objects = "", hierarchy = "" }) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<REQ-IF xmlns="${NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml"><CORE-CONTENT><REQ-IF-CONTENT>
<DATATYPES><DATATYPE-DEFINITION-STRING IDENTIFIER="dt-s"/><DATATYPE-DEFINITION-XHTML IDENTIFIER="dt-x"/>
<DATATYPE-DEFINITION-ENUMERATION IDENTIFIER="dt-prio"><SPECIFIED-VALUES>
<ENUM-VALUE IDENTIFIER="ev-high" LONG-NAME="High"/><ENUM-VALUE IDENTIFIER="ev-low" LONG-NAME="Low"/>
</SPECIFIED-VALUES></DATATYPE-DEFINITION-ENUMERATION></DATATYPES>
<SPEC-TYPES><SPEC-OBJECT-TYPE IDENTIFIER="t"><SPEC-ATTRIBUTES>
<ATTRIBUTE-DEFINITION-STRING IDENTIFIER="ad-name" LONG-NAME="ReqIF.Name"><TYPE><DATATYPE-DEFINITION-STRING-REF>dt-s</DATATYPE-DEFINITION-STRING-REF></TYPE></ATTRIBUTE-DEFINITION-STRING>
<ATTRIBUTE-DEFINITION-XHTML IDENTIFIER="ad-text" LONG-NAME="ReqIF.Text"><TYPE><DATATYPE-DEFINITION-XHTML-REF>dt-x</DATATYPE-DEFINITION-XHTML-REF></TYPE></ATTRIBUTE-DEFINITION-XHTML>
<ATTRIBUTE-DEFINITION-ENUMERATION IDENTIFIER="ad-prio" LONG-NAME="Priority"><TYPE><DATATYPE-DEFINITION-ENUMERATION-REF>dt-prio</DATATYPE-DEFINITION-ENUMERATION-REF></TYPE></ATTRIBUTE-DEFINITION-ENUMERATION>
${definitions}</SPEC-ATTRIBUTES></SPEC-OBJECT-TYPE></SPEC-TYPES>
<SPEC-OBJECTS>${objects}</SPEC-OBJECTS>
<SPECIFICATIONS><SPECIFICATION IDENTIFIER="spec"><CHILDREN>${hierarchy}</CHILDREN></SPECIFICATION></SPECIFICATIONS>
</REQ-IF-CONTENT></CORE-CONTENT></REQ-IF>`;
}
const name = (value: string) =>
  `<ATTRIBUTE-VALUE-STRING THE-VALUE="${value}"><DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>ad-name</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION></ATTRIBUTE-VALUE-STRING>`;
const xhtmlText = (xhtml: string) =>
  `<ATTRIBUTE-VALUE-XHTML><DEFINITION><ATTRIBUTE-DEFINITION-XHTML-REF>ad-text</ATTRIBUTE-DEFINITION-XHTML-REF></DEFINITION><THE-VALUE>${xhtml}</THE-VALUE></ATTRIBUTE-VALUE-XHTML>`;
const object = (id: string, values: string, type = "t") =>
  `<SPEC-OBJECT IDENTIFIER="${id}"><TYPE><SPEC-OBJECT-TYPE-REF>${type}</SPEC-OBJECT-TYPE-REF></TYPE><VALUES>${values}</VALUES></SPEC-OBJECT>`;

/* ------------------------------------------------------------------ tools */

describe("ReqIF from IBM DOORS", () => {
  const id = (n: number) => `_1_d3e2a9c6-3f4a-4b5c-9dae-00000000000${n}`;

  it("maps chapter names to titles, absolute numbers to Foreign ID, XHTML to Markdown and keeps the hierarchy", async () => {
    const source = await readReqif(chunked(await fixture("doors.reqif")));
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "foreignId", label: "Foreign ID", type: "text" },
      { key: "foreignCreatedBy", label: "ReqIF.ForeignCreatedBy", type: "text" },
      { key: "foreignCreatedOn", label: "ReqIF.ForeignCreatedOn", type: "date" },
      {
        key: "safetyIntegrity",
        label: "Safety Integrity",
        type: "enum",
        options: ["QM", "ASIL B", "ASIL C", "ASIL D"],
      },
    ]);
    const made = (n: number, by: string, on: string, more: Record<string, ImportValue> = {}) => ({
      "Foreign ID": String(n),
      "ReqIF.ForeignCreatedBy": by,
      "ReqIF.ForeignCreatedOn": on,
      ...more,
    });
    expect(source.rows).toEqual([
      row(1, id(1), null, "Scope", "", made(1, "jmueller", "2023-11-02")),
      row(
        2,
        id(2),
        id(1),
        "This module specifies the system requirements of the brake control unit (BCU) of the electro-hydraulic braking system.",
        "This module specifies the system requirements of the brake control unit (BCU) of the electro-hydraulic braking system.",
        made(2, "jmueller", "2023-11-02"),
      ),
      row(3, id(3), null, "Functional Requirements", "", made(3, "jmueller", "2023-11-02")),
      row(4, id(4), id(3), "Service Braking", "", made(4, "jmueller", "2023-11-02")),
      row(
        5,
        id(5),
        id(4),
        "The BCU shall build up brake pressure within 150 ms of a brake pedal request.",
        "The BCU **shall** build up brake pressure within 150 ms of a brake pedal request.\n\nPressure shall be held while the pedal stays depressed.",
        made(5, "akowalski", "2023-11-06", { "Safety Integrity": "ASIL D" }),
      ),
      row(
        6,
        id(6),
        id(4),
        "The BCU shall monitor the following signals:",
        "The BCU shall monitor the following signals:\n\n- brake pedal position,\n- wheel speed of each wheel,\n- master cylinder pressure.",
        made(6, "akowalski", "2023-11-06", { "Safety Integrity": "ASIL C" }),
      ),
      row(7, id(7), id(3), "Parking Brake", "", made(7, "jmueller", "2023-11-02")),
      row(
        8,
        id(8),
        id(7),
        "The BCU shall apply the electric parking brake when the vehicle is stationary and the driver door is opened.",
        "The BCU shall apply the electric parking brake when the vehicle is stationary and the driver door is opened.  \nException: the driver has switched on *auto-hold off* mode.",
        made(8, "jmueller", "2024-02-01", { "Safety Integrity": "ASIL B" }),
      ),
    ]);
  });

  it("reads the same whatever the chunk boundaries, as bytes or as text", async () => {
    const bytes = await fixture("doors.reqif");
    const whole = await readReqif(text(bytes.toString("utf8")));
    expect(await readReqif(chunked(bytes, 7))).toEqual(whole);
  });
});

describe("ReqIF from Polarion", () => {
  const a = (n: number) => `rmf-a0000001-1111-4aaa-8bbb-00000000000${n}`;
  const b = (n: number) => `rmf-b0000002-2222-4ccc-8ddd-0000000000${n}`;

  it("makes each document a top-level row, reads reqif-xhtml, work item types and multi-valued enumerations", async () => {
    const source = await readReqif(chunked(await fixture("polarion.reqif")));
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "foreignId", label: "Foreign ID", type: "text" },
      { key: "type", label: "Type", type: "enum", options: ["Heading", "Requirement", "Interface Requirement"] },
      { key: "status", label: "Status", type: "enum", options: ["Draft", "Reviewed", "Approved"] },
      {
        key: "affectedComponents",
        label: "Affected Components",
        type: "multiEnum",
        options: ["Checkout UI", "Payment API", "Fraud Engine", "Ledger"],
      },
      { key: "priority", label: "Priority", type: "number" },
      { key: "foreignCreatedOn", label: "ReqIF.ForeignCreatedOn", type: "dateTime" },
    ]);
    const customer = "_doc_customer_requirements";
    const api = "_doc_interface_specification";
    expect(source.rows).toEqual([
      row(1, customer, null, "Payment Gateway - Customer Requirements"),
      row(2, a(1), customer, "Card Payments", "", { "Foreign ID": "PAY-1", Type: "Heading" }),
      row(
        3,
        a(2),
        a(1),
        "Accept card payments",
        "The gateway shall accept **Visa**, **Mastercard** and **American Express** card payments in EUR, USD and GBP.",
        {
          "Foreign ID": "PAY-2",
          Type: "Requirement",
          Status: "Approved",
          "Affected Components": ["Checkout UI", "Payment API"],
          Priority: 90,
          "ReqIF.ForeignCreatedOn": "2024-05-06T08:15:42.118Z",
        },
      ),
      row(
        4,
        a(3),
        a(2),
        "3-D Secure challenge",
        "When the issuer requests strong customer authentication, the gateway shall:\n\n1. redirect the shopper to the issuer's challenge page,\n2. wait at most 10 minutes for the result,\n   - then cancel the authorisation.",
        {
          "Foreign ID": "PAY-3",
          Type: "Requirement",
          Status: "Reviewed",
          "Affected Components": ["Payment API", "Fraud Engine"],
          Priority: 75.5,
          "ReqIF.ForeignCreatedOn": "2024-05-07T09:02:19.730Z",
        },
      ),
      row(5, a(4), a(1), "Refunds", "A refund shall *never* exceed the captured amount of the original payment.", {
        "Foreign ID": "PAY-4",
        Type: "Requirement",
        Status: "Draft",
        "ReqIF.ForeignCreatedOn": "2024-05-08T09:44:00Z",
      }),
      row(6, api, null, "Payment Gateway - Interface Specification"),
      row(7, b(10), api, "REST API", "", { "Foreign ID": "PAY-10", Type: "Heading" }),
      // PAY-2 is referenced again under REST API: its first place wins.
      row(
        8,
        b(11),
        b(10),
        "Idempotent payment requests",
        "Every `POST /v1/payments` request shall carry an `Idempotency-Key` header; a repeated key shall return the first response (see [the IETF draft](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/)).",
        {
          "Foreign ID": "PAY-11",
          Type: "Interface Requirement",
          Status: "Approved",
          "Affected Components": ["Payment API", "Ledger"],
          Priority: 80,
          "ReqIF.ForeignCreatedOn": "2024-05-10T13:25:47.901Z",
        },
      ),
    ]);
  });
});

describe("ReqIF from ReqIF Studio (ProR)", () => {
  const id = (n: number) => `_R1a2b${n}XwEe6aY9c2n4Hq7g`;

  it("keeps plain strings, maps ReqIF.Description to the rationale and fills in default values", async () => {
    const source = await readReqif(chunked(await fixture("reqif-studio.reqif")));
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "foreignId", label: "Foreign ID", type: "text" },
      // "Rejected" has no LONG-NAME: its EMBEDDED-VALUE's OTHER-CONTENT names it.
      { key: "status", label: "Status", type: "enum", options: ["Proposed", "Accepted", "Rejected"] },
      { key: "safetyRelevant", label: "Safety Relevant", type: "boolean" },
      { key: "effortPersonDays", label: "Effort (person days)", type: "number" },
    ]);
    const defaults = { Status: "Proposed", "Safety Relevant": false };
    expect(source.rows).toEqual([
      row(
        1,
        id(3),
        null,
        "Charging session",
        "The wallbox shall start a charging session only after the RFID card has been authorised by the backend.",
        { "Foreign ID": "WB-1", Status: "Accepted", "Safety Relevant": false },
        { rationale: "Agreed in the kick-off workshop with the fleet operator." },
      ),
      row(
        2,
        id(4),
        id(3),
        "Session timeout",
        "If no vehicle is plugged in within 60 s after authorisation, the wallbox shall end the session.\nThe RFID card must then be presented again.",
        { "Foreign ID": "WB-2", "Effort (person days)": 3, ...defaults },
      ),
      row(3, id(5), null, "Metering", "", { "Foreign ID": "WB-3", ...defaults }),
      row(
        4,
        id(6),
        id(5),
        "Energy measurement",
        "The wallbox shall measure the delivered energy with an accuracy class of B according to EN 50470-3.",
        { "Foreign ID": "WB-4", "Safety Relevant": true, "Effort (person days)": 8, Status: "Proposed" },
        { rationale: "Required for billing under German calibration law (Eichrecht)." },
      ),
      row(
        5,
        id(7),
        id(6),
        "Calibration seal",
        "Opening the meter compartment shall break a visible seal and be logged with a timestamp.",
        { "Foreign ID": "WB-5", Status: "Rejected", "Safety Relevant": false },
      ),
      // In no hierarchy, and without any text: last, top-level, untitled.
      row(6, id(8), null, `Untitled ${id(8)}`, "", defaults),
    ]);
  });
});

describe("ReqIF from Enterprise Architect", () => {
  const id = (n: number) => `EAID_7A1B2C3D_000${n}_4e5f_8a9b_0c1d2e3f4a0${n}`;

  it("reads stereotypes, authors, booleans, date-times and notes with tables in a default XHTML namespace", async () => {
    const source = await readReqif(chunked(await fixture("enterprise-architect.reqif")));
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "stereotype", label: "Stereotype", type: "text" },
      { key: "status", label: "Status", type: "enum", options: ["Proposed", "Approved", "Implemented", "Validated"] },
      { key: "author", label: "Author", type: "text" },
      { key: "mandatory", label: "Mandatory", type: "boolean" },
      { key: "modified", label: "Modified", type: "dateTime" },
    ]);
    expect(source.rows).toEqual([
      row(1, id(1), null, "Access Control"),
      row(
        2,
        id(2),
        id(1),
        "REQ001 Badge authentication",
        "Each door controller shall grant access only to badges that are valid for the door's zone at the current time.\n\n" +
          "| Badge type | Technology | Validity (days) |\n| --- | --- | ---: |\n| Employee | MIFARE DESFire EV3 | 365 |\n| Contractor | MIFARE DESFire EV3 | 90 |",
        {
          Stereotype: "functional",
          Status: "Approved",
          Author: "R. Okafor",
          Mandatory: true,
          Modified: "2024-02-19T13:32:10Z",
        },
      ),
      row(
        3,
        id(3),
        id(1),
        "REQ002 Door held open alarm",
        "The controller shall raise an alarm when a door stays open longer than its hold time:\n\n- 30 s for office doors,\n- 10 s for server room doors.\n\nThe alarm is cleared when the door closes.",
        {
          Stereotype: "functional",
          Status: "Proposed",
          Author: "R. Okafor",
          Mandatory: false,
          Modified: "2024-02-12T07:05:44Z",
        },
      ),
      row(4, id(4), null, "Visitor Management", "", { Stereotype: "feature" }),
      row(
        5,
        id(5),
        id(4),
        "REQ003 Visitor pre-registration",
        "Hosts shall be able to pre-register visitors up to **30 days** in advance.",
        { Status: "Implemented", Author: "M. Lindqvist", Mandatory: true, Modified: "2024-02-01T15:47:03Z" },
      ),
      row(
        6,
        id(6),
        id(5),
        "REQ004 Visitor badge expiry",
        "A visitor badge shall expire at *23:59* local time on the day of the visit.",
        { Status: "Validated", Author: "M. Lindqvist", Modified: "2024-02-02T10:15:27Z" },
      ),
    ]);
    // The script and the event attribute of the notes are gone.
    expect(JSON.stringify(source.rows)).not.toMatch(/alert|onclick|script/);
  });
});

const capellaRows = () => {
  const id = (n: number) => `_Ob0${n}CF1Ee-3w9fSDk2v7A`;
  return [
    row(1, id(1), null, "Flight Control"),
    row(
      2,
      id(2),
      id(1),
      "Attitude Estimation",
      "The estimator fuses inertial and magnetometer data as shown below.\n\n![attitude-loop.png](images/attitude-loop.png)",
    ),
    row(
      3,
      id(3),
      id(2),
      "IMU sampling",
      "The flight controller shall sample the IMU at **1 kHz** with a jitter below 50 µs.\n\nTiming budget: ![imu-timing.svg](images/imu-timing.svg)",
      {
        "Foreign ID": "UAV-SYS-014",
        "Verification Method": ["Test", "Analysis"],
        "Creation Date": "2024-05-30T12:21:09Z",
      },
    ),
    row(
      4,
      id(4),
      id(3),
      "IMU failure fallback",
      "If the primary IMU reports no sample for more than 5 ms, the flight controller shall switch to the secondary IMU.",
      { "Foreign ID": "UAV-SYS-015", "Verification Method": ["Test"], "Creation Date": "2024-05-31T06:02:47Z" },
    ),
    row(
      5,
      id(5),
      id(1),
      "Motor arming",
      "The motors shall only arm when the throttle is at idle and the vehicle is level within ±5°.",
      {
        "Foreign ID": "UAV-SYS-020",
        "Verification Method": ["Test", "Inspection"],
        "Creation Date": "2024-06-01T09:40:00Z",
      },
    ),
    row(6, id(6), null, "Navigation"),
    row(
      7,
      id(7),
      id(6),
      "Return to home",
      "On loss of the command link for more than 3 s the vehicle shall climb to the return altitude and fly back to the home point; the sequence is described in [rth-sequence.pdf](files/rth-sequence.pdf).",
      { "Foreign ID": "UAV-SYS-031", "Verification Method": ["Test"], "Creation Date": "2024-06-02T15:05:30Z" },
    ),
  ];
};
const capellaAttributes = [
  { key: "foreignId", label: "Foreign ID", type: "text" },
  {
    key: "verificationMethod",
    label: "Verification Method",
    type: "multiEnum",
    options: ["Test", "Analysis", "Inspection"],
  },
  { key: "creationDate", label: "Creation Date", type: "dateTime" },
];

/** capella.reqif with the attachments its text refers to, as a .reqifz. */
async function capellaReqifz(extra: Record<string, Uint8Array> = {}): Promise<Uint8Array> {
  return zipSync({
    "capella.reqif": new Uint8Array(await fixture("capella.reqif")),
    "images/attitude-loop.png": Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    "images/imu-timing.svg": strToU8('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    "files/rth-sequence.pdf": strToU8("%PDF-1.4\n%%EOF\n"),
    ...extra,
  });
}

describe("ReqIF from Capella", () => {
  it("reads a deep hierarchy, embedded objects as Markdown images and links, and date-times with offsets", async () => {
    const source = await readReqif(chunked(await fixture("capella.reqif")));
    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual(capellaAttributes);
    expect(source.rows).toEqual(capellaRows());
  });

  it("reads the same from a .reqifz that carries the attachments", async () => {
    const source = await readReqifz(chunked(await capellaReqifz(), 4096));
    expect(source).toEqual({ attributes: capellaAttributes, rows: capellaRows(), errors: [] });
  });

  it("reads every .reqif of a .reqifz, each specification a top-level row", async () => {
    const zip = await capellaReqifz({ "doors/bcu.reqif": new Uint8Array(await fixture("doors.reqif")) });
    const source = await readReqifz(chunked(zip));
    expect(source.rows.filter((r) => r.parentRef === null).map((r) => r.title)).toEqual([
      "System Needs",
      "BCU System Requirements",
    ]);
    expect(source.rows).toHaveLength(2 + 7 + 8);
    expect(source.rows[1]).toMatchObject({ title: "Flight Control", parentRef: "_SpSysCF1Ee-3w9fSDk2v7A" });
    expect(source.attributes.map((a) => a.label)).toEqual([
      "Foreign ID",
      "Verification Method",
      "Creation Date",
      "ReqIF.ForeignCreatedBy",
      "ReqIF.ForeignCreatedOn",
      "Safety Integrity",
    ]);
  });
});

/* ------------------------------------------------------------------ Specline */

describe("ReqIF written by Specline", () => {
  const requirement = (
    n: number,
    parent: number | null,
    fields: Partial<FrozenRequirement> & { title: string; statement: string },
  ): FrozenRequirement => ({
    requirementId: `r${n}`,
    versionId: `v${n}`,
    key: `PAY-${n}`,
    number: n,
    version: 2,
    parentId: parent === null ? null : `r${parent}`,
    parentKey: parent === null ? null : `PAY-${parent}`,
    position: n,
    rationale: "",
    type: "FUNCTIONAL",
    priority: "SHOULD",
    status: "DRAFT",
    tags: [],
    attributes: {},
    ...fields,
  });

  it("reads back what the exporter wrote: keys, hierarchy, Markdown, type, priority, status, tags and attributes", async () => {
    exported.project.settings = {
      requirementAttributes: [
        { key: "safetyLevel", label: "Safety Level", type: "enum", options: ["QM", "ASIL B"] },
        { key: "effort", label: "Effort", type: "number" },
        { key: "dueDate", label: "Due date", type: "date" },
        { key: "customerVisible", label: "Customer visible", type: "boolean" },
        { key: "owner", label: "Owner", type: "text" },
      ],
    };
    exported.rows = [
      requirement(1, null, {
        title: "Card payments",
        statement:
          "The gateway **shall** accept card payments.\n\n- Visa\n- Mastercard\n  - Debit\n\n1. Authorise\n2. Capture",
        rationale: "Most of our volume is card volume.",
        type: "FUNCTIONAL",
        priority: "MUST",
        status: "APPROVED",
        tags: ["cards", "checkout"],
        attributes: { safetyLevel: "ASIL B", effort: 3.5, dueDate: "2024-07-01", customerVisible: true, owner: "Dana" },
      }),
      requirement(2, 1, {
        title: "Refund limit",
        statement:
          'Refunds *never* exceed the captured amount; see [the policy](https://example.com/refunds "Refund policy").\n\n| Currency | Limit |\n| --- | ---: |\n| EUR | 10 000 |',
        type: "CONSTRAINT",
        priority: "SHOULD",
        status: "IN_REVIEW",
        attributes: { customerVisible: false },
      }),
      requirement(3, 2, {
        title: "Idempotency",
        statement:
          '```json\n{"amount": 100}\n```\n\n> Quoted note\n\nUse `Idempotency-Key` headers.  \nSecond line\n\n## Settlement\n\nPayouts run daily.\nA soft break stays.',
        type: "INTERFACE",
        priority: "COULD",
        status: "VERIFIED",
      }),
      requirement(4, null, { title: "Reporting", statement: "", type: "NON_FUNCTIONAL", priority: "WONT" }),
    ];
    const { chunks } = await openRequirementsExport({
      scope: { projectId: "p1" } as ProjectScope,
      ref: "HEAD",
      format: "reqif",
    });
    const source = await readReqif(chunks);

    expect(source.errors).toEqual([]);
    expect(source.attributes).toEqual([
      { key: "safetyLevel", label: "Safety Level", type: "enum", options: ["QM", "ASIL B"] },
      { key: "effort", label: "Effort", type: "number" },
      { key: "dueDate", label: "Due date", type: "date" },
      { key: "customerVisible", label: "Customer visible", type: "boolean" },
      { key: "owner", label: "Owner", type: "text" },
    ]);
    expect(source.rows).toEqual(
      exported.rows.map((r, i) => ({
        row: i + 1,
        sourceRef: `_req-${r.requirementId}`,
        key: r.key,
        parentRef: r.parentId ? `_req-${r.parentId}` : null,
        parentKey: null,
        title: r.title,
        statement: r.statement,
        rationale: r.rationale,
        type: r.type,
        priority: r.priority,
        status: r.status,
        ...(r.tags.length ? { tags: r.tags } : {}),
        attributes: Object.fromEntries(
          Object.entries(r.attributes).map(([key, value]) => [
            (exported.project.settings.requirementAttributes as { key: string; label: string }[]).find(
              (d) => d.key === key,
            )?.label,
            value,
          ]),
        ),
      })),
    );
  });
});

/* ------------------------------------------------------------------ mapping details */

describe("ReqIF mapping", () => {
  it("reports values that refer to undefined types, attributes and enum values, and imports the rest", async () => {
    const source = await readReqif(
      text(
        reqif({
          objects: object(
            "o1",
            name("Pump control") +
              `<ATTRIBUTE-VALUE-STRING THE-VALUE="x"><DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>ad-gone</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION></ATTRIBUTE-VALUE-STRING>` +
              `<ATTRIBUTE-VALUE-ENUMERATION><DEFINITION><ATTRIBUTE-DEFINITION-ENUMERATION-REF>ad-prio</ATTRIBUTE-DEFINITION-ENUMERATION-REF></DEFINITION><VALUES><ENUM-VALUE-REF>ev-high</ENUM-VALUE-REF><ENUM-VALUE-REF>ev-gone</ENUM-VALUE-REF></VALUES></ATTRIBUTE-VALUE-ENUMERATION>`,
            "type-gone",
          ),
          hierarchy: `<SPEC-HIERARCHY IDENTIFIER="h1"><OBJECT><SPEC-OBJECT-REF>o1</SPEC-OBJECT-REF></OBJECT></SPEC-HIERARCHY><SPEC-HIERARCHY IDENTIFIER="h2"><OBJECT><SPEC-OBJECT-REF>o-gone</SPEC-OBJECT-REF></OBJECT></SPEC-HIERARCHY>`,
        }),
      ),
    );
    expect(source.rows).toEqual([row(1, "o1", null, "Pump control", "", { Priority: "High" })]);
    expect(source.errors).toEqual([
      {
        row: 0,
        message: 'SPEC-HIERARCHY "h2" refers to SPEC-OBJECT "o-gone", which is not defined; its children were kept',
      },
      { row: 1, message: 'SPEC-OBJECT "o1" refers to SPEC-OBJECT-TYPE "type-gone", which is not defined' },
      {
        row: 1,
        message:
          'SPEC-OBJECT "o1" has a value for attribute definition "ad-gone", which is not defined; the value was skipped',
      },
      {
        row: 1,
        message: 'SPEC-OBJECT "o1": ENUM-VALUE "ev-gone" is not defined (attribute "Priority"); it was skipped',
      },
    ]);
  });

  it("titles an object by the first line of its text, cut to 200 characters at a word", async () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const source = await readReqif(
      text(
        reqif({
          objects: object(
            "o1",
            xhtmlText(`<xhtml:div><xhtml:p>${words}</xhtml:p><xhtml:p>Second</xhtml:p></xhtml:div>`),
          ),
        }),
      ),
    );
    const title = source.rows[0]?.title ?? "";
    expect(title.length).toBeLessThanOrEqual(200);
    expect(title.endsWith("…")).toBe(true);
    expect(words.startsWith(title.slice(0, -1))).toBe(true);
    expect(title.slice(0, -1)).toMatch(/word\d+$/);
  });

  it("escapes text that Markdown would read as markup, so it renders as the tool showed it", async () => {
    const lines = [
      "# not a heading",
      "- not a list",
      "1. not a list either",
      "*stars* and _underscores_ and snake_case and 5 * 3",
      "[not a link](x) and `not code` and <b>not html</b> and &amp; and back\\slash",
    ];
    const xhtml = `<xhtml:div>${lines.map((l) => `<xhtml:p>${l.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</xhtml:p>`).join("")}</xhtml:div>`;
    const source = await readReqif(text(reqif({ objects: object("o1", xhtmlText(xhtml)) })));
    const html = new MarkdownIt({ html: false }).render(source.rows[0]?.statement ?? "");
    const shown = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) =>
      (m[1] ?? "")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&"),
    );
    expect(shown).toEqual(lines);
    expect(html).not.toMatch(/<(h1|ul|ol|em|strong|a|code|b)\b/);
  });

  it("walks a 5,000-deep hierarchy without recursion", async () => {
    const depth = 5000;
    const parts: string[] = [];
    for (let i = 0; i < depth; i++)
      parts.push(
        `<SPEC-HIERARCHY IDENTIFIER="h${i}"><OBJECT><SPEC-OBJECT-REF>o${i}</SPEC-OBJECT-REF></OBJECT><CHILDREN>`,
      );
    for (let i = 0; i < depth; i++) parts.push("</CHILDREN></SPEC-HIERARCHY>");
    const objects = Array.from({ length: depth }, (_, i) => object(`o${i}`, name(`Level ${i}`))).join("");
    const source = await readReqif(text(reqif({ objects, hierarchy: parts.join("") })));
    expect(source.errors).toEqual([]);
    expect(source.rows).toHaveLength(depth);
    expect(source.rows.every((r, i) => r.row === i + 1 && r.parentRef === (i === 0 ? null : `o${i - 1}`))).toBe(true);
    expect(source.rows[depth - 1]?.title).toBe(`Level ${depth - 1}`);
  });

  it("reads 10,000 objects with rich text, the last one intact", async () => {
    const count = 10_000;
    const objects: string[] = [];
    const hierarchy: string[] = [];
    for (let i = 0; i < count; i++) {
      objects.push(
        object(
          `o${i}`,
          name(`Requirement ${i}`) +
            xhtmlText(
              `<xhtml:div><xhtml:p>The system <xhtml:b>shall</xhtml:b> handle case ${i} within 5 ms.</xhtml:p><xhtml:ul><xhtml:li>first</xhtml:li><xhtml:li>second</xhtml:li></xhtml:ul></xhtml:div>`,
            ),
        ),
      );
      hierarchy.push(
        `<SPEC-HIERARCHY IDENTIFIER="h${i}"><OBJECT><SPEC-OBJECT-REF>o${i}</SPEC-OBJECT-REF></OBJECT></SPEC-HIERARCHY>`,
      );
    }
    const bytes = strToU8(reqif({ objects: objects.join(""), hierarchy: hierarchy.join("") }));
    const source = await readReqif(chunked(bytes));
    expect(source.rows).toHaveLength(count);
    expect(source.rows[count - 1]?.statement).toBe(
      `The system **shall** handle case ${count - 1} within 5 ms.\n\n- first\n- second`,
    );
  });
});

/* ------------------------------------------------------------------ hostile input */

describe("hostile ReqIF", () => {
  const withDoctype = (doctype: string, body: string) =>
    `<?xml version="1.0"?>\n<!DOCTYPE REQ-IF [\n${doctype}\n]>\n<REQ-IF xmlns="${NS}"><THE-HEADER>${body}</THE-HEADER></REQ-IF>`;

  it("refuses entity expansion (billion laughs) before anything is expanded", async () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
    const err = await refusal(readReqif(text(withDoctype(entities.join("\n"), "&lol9;"))));
    expect(err.message).toMatch(/DOCTYPE declaration.*refused/);
  });

  it("refuses external entities, even when the DOCTYPE is split across chunks", async () => {
    const xml = withDoctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;");
    const err = await refusal(readReqif(chunked(strToU8(xml), 3)));
    expect(err.message).toMatch(/DOCTYPE declaration/);
    expect(err.message).not.toMatch(/root:/);
  });

  it("refuses an entity it does not know, naming the line", async () => {
    const err = await refusal(readReqif(text(`<?xml version="1.0"?>\n<REQ-IF xmlns="${NS}">\n&nbsp;</REQ-IF>`)));
    expect(err.message).toBe("The file is not well-formed XML (line 3, column 6): undefined entity.");
  });

  it("refuses a document that is not ReqIF 1.2", async () => {
    const wrongNamespace = await refusal(
      readReqif(text('<REQ-IF xmlns="http://www.omg.org/spec/ReqIF/20101201/reqif.xsd"/>')),
    );
    expect(wrongNamespace.message).toBe(
      `This is not a ReqIF 1.2 document: expected <REQ-IF> in namespace ${NS}, found <REQ-IF> in namespace http://www.omg.org/spec/ReqIF/20101201/reqif.xsd`,
    );
    const otherRoot = await refusal(readReqif(text('<?xml version="1.0"?><html><body/></html>')));
    expect(otherRoot.message).toMatch(/not a ReqIF 1\.2 document: .*found <html> without a namespace/);
    const empty = await refusal(readReqif(text("")));
    expect(empty.message).toBe("The file has no XML root element: it is not a ReqIF 1.2 document");
  });

  it("refuses what is not XML, and XML cut short, with the line", async () => {
    const csv = await refusal(readReqif(text("Key,Title\nPAY-1,Accept cards\n")));
    expect(csv.message).toBe("The file is not XML: it starts with text rather than an element");
    const doors = (await fixture("doors.reqif")).toString("utf8");
    const truncated = await refusal(readReqif(text(doors.slice(0, 9000))));
    expect(truncated.message).toMatch(/^The file is not well-formed XML \(line \d+, column \d+\): unclosed tag/);
    const binary = await refusal(readReqif(chunked(Uint8Array.of(0x3c, 0x52, 0xff, 0xfe, 0x00))));
    expect(binary.message).toMatch(/not UTF-8/);
  });

  it("refuses values, XHTML nesting, objects and definitions beyond the limits", async () => {
    const long = "x".repeat(2000);
    const big = await refusal(
      readReqif(text(reqif({ objects: object("o1", name(long)) })), { limits: { maxValueLength: 1000 } }),
    );
    expect(big.message).toMatch(/^The attribute THE-VALUE \(line \d+\) is longer than 1,000 characters$/);
    const bigXhtml = await refusal(
      readReqif(text(reqif({ objects: object("o1", xhtmlText(`<xhtml:div>${long}</xhtml:div>`)) })), {
        limits: { maxValueLength: 1000 },
      }),
    );
    expect(bigXhtml.message).toMatch(/A value of SPEC-OBJECT "o1" is longer than 1,000 characters/);
    const nested = `${"<xhtml:div>".repeat(100)}deep${"</xhtml:div>".repeat(100)}`;
    const deep = await refusal(readReqif(text(reqif({ objects: object("o1", xhtmlText(nested)) }))));
    expect(deep.message).toMatch(/XHTML of a value of SPEC-OBJECT "o1" nests more than 64 elements deep/);
    const doors = await fixture("doors.reqif");
    const objects = await refusal(readReqif(chunked(doors), { limits: { maxObjects: 3 } }));
    expect(objects.message).toBe("The file has more than 3 objects");
    const definitions = await refusal(readReqif(chunked(doors), { limits: { maxAttributeDefinitions: 5 } }));
    expect(definitions.message).toBe("The file has more than 5 attribute definitions");
  });
});

/* ------------------------------------------------------------------ hostile .reqifz */

/** A zip of one deflated entry whose header says what the test wants it to say. */
function craftedZip(
  entryName: string,
  deflated: Uint8Array,
  { declaredSize, dataDescriptor = false }: { declaredSize: number; dataDescriptor?: boolean },
): Uint8Array {
  const nameBytes = strToU8(entryName);
  const flags = 0x0800 | (dataDescriptor ? 0x0008 : 0);
  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true);
  local.setUint16(6, flags, true);
  local.setUint16(8, 8, true);
  local.setUint32(18, dataDescriptor ? 0 : deflated.length, true);
  local.setUint32(22, dataDescriptor ? 0 : declaredSize, true);
  local.setUint16(26, nameBytes.length, true);
  const descriptor = new DataView(new ArrayBuffer(dataDescriptor ? 16 : 0));
  if (dataDescriptor) {
    descriptor.setUint32(0, 0x08074b50, true);
    descriptor.setUint32(8, deflated.length, true);
    descriptor.setUint32(12, declaredSize, true);
  }
  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, 20, true);
  central.setUint16(6, 20, true);
  central.setUint16(8, flags, true);
  central.setUint16(10, 8, true);
  central.setUint32(20, deflated.length, true);
  central.setUint32(24, declaredSize, true);
  central.setUint16(28, nameBytes.length, true);
  const centralOffset = 30 + nameBytes.length + deflated.length + descriptor.byteLength;
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true);
  end.setUint16(10, 1, true);
  end.setUint32(12, 46 + nameBytes.length, true);
  end.setUint32(16, centralOffset, true);
  const parts = [
    new Uint8Array(local.buffer),
    nameBytes,
    deflated,
    new Uint8Array(descriptor.buffer),
    new Uint8Array(central.buffer),
    nameBytes,
    new Uint8Array(end.buffer),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MiB = 1_048_576;
/** Deflate blocks that stop on a byte boundary without ending the stream, so copies can follow each other. */
const block = (data: Uint8Array) => new Uint8Array(deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }));
/** The final, empty block that ends a deflate stream. */
const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

/** `count` MiB of `byte`, deflated to about a thousandth of that, after an optional prefix. */
function deflatedBomb(byte: number, count: number, prefix = ""): Uint8Array {
  const head = prefix ? block(strToU8(prefix)) : new Uint8Array(0);
  const mebibyte = block(new Uint8Array(MiB).fill(byte));
  const out = new Uint8Array(head.length + mebibyte.length * count + FINAL_BLOCK.length);
  out.set(head);
  for (let i = 0; i < count; i++) out.set(mebibyte, head.length + i * mebibyte.length);
  out.set(FINAL_BLOCK, head.length + mebibyte.length * count);
  return out;
}

describe("hostile .reqifz", () => {
  it("refuses a zip bomb by its declared size before inflating it", async () => {
    const zeros = deflatedBomb(0, 300);
    expect(zeros.length).toBeLessThan(MiB);
    const err = await refusal(readReqifz(chunked(craftedZip("bomb.reqif", zeros, { declaredSize: 300 * MiB }))));
    expect(err.message).toBe("The archive entry bomb.reqif is 300 MB uncompressed, more than 200 MB");
  });

  it("refuses an entry that inflates past the size its header declares", async () => {
    const zeros = deflatedBomb(0, 300);
    const err = await refusal(readReqifz(chunked(craftedZip("bomb.reqif", zeros, { declaredSize: 4096 }))));
    expect(err.message).toBe("The archive entry bomb.reqif inflates to more than the 4096 bytes its header declares");
  });

  it("stops inflating an entry of unknown size at the limit", async () => {
    const spaces = deflatedBomb(0x20, 300, `<?xml version="1.0"?><REQ-IF xmlns="${NS}">`);
    const zip = craftedZip("bomb.reqif", spaces, { declaredSize: 0, dataDescriptor: true });
    const err = await refusal(
      readReqifz(chunked(zip), { limits: { maxTotalBytes: 8 * MiB, maxEntryBytes: 16 * MiB } }),
    );
    expect(err.message).toBe("The archive holds more than 8 MB uncompressed");
  });

  it("refuses entries whose names point outside the archive", async () => {
    const doors = new Uint8Array(await fixture("doors.reqif"));
    for (const entry of ["../doors.reqif", "specs/../../doors.reqif", "/etc/doors.reqif", "C:/doors.reqif"]) {
      const err = await refusal(readReqifz(chunked(zipSync({ [entry]: doors }))));
      expect(err.message).toBe(
        `The archive has an entry named "${entry}", which points outside the archive; it is refused`,
      );
    }
  });

  it("refuses an archive without a .reqif, one with too many entries, and what is not a zip", async () => {
    const noReqif = await refusal(readReqifz(chunked(zipSync({ "images/a.png": Uint8Array.of(1, 2, 3) }))));
    expect(noReqif.message).toBe("The archive holds no .reqif file");
    const many = zipSync(
      Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`images/${i}.png`, Uint8Array.of(i)])),
    );
    const tooMany = await refusal(readReqifz(chunked(many), { limits: { maxEntries: 3 } }));
    expect(tooMany.message).toBe("The archive has more than 3 entries");
    const notZip = await refusal(readReqifz(chunked(await fixture("doors.reqif"))));
    expect(notZip.message).toBe("The file is not a .reqifz: it holds no zip entries");
  });

  it("names the entry when a .reqif inside is hostile", async () => {
    const xml = strToU8(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQ-IF xmlns="${NS}">&x;</REQ-IF>`,
    );
    const err = await refusal(readReqifz(chunked(zipSync({ "spec/evil.reqif": xml }))));
    expect(err.message).toMatch(/^spec\/evil\.reqif: The file has a DOCTYPE declaration/);
  });
});
