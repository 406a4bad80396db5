/**
 * The requirements of a project — current (HEAD) or as a baseline froze them — as a file: CSV, Markdown,
 * JSON or ReqIF 1.2. Written as a stream of text chunks, never whole in memory: the rows are put in tree
 * order from the baseline's skeleton (ids and places only), then read a batch of full versions at a time.
 * Served by GET /api/projects/<KEY>/export (app/api/projects/[key]/export) and, collected, by the
 * `baseline.export` procedure.
 */
import { getEnv } from "@/lib/env.mjs";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { REQUIREMENT_PRIORITIES, REQUIREMENT_STATUSES, REQUIREMENT_TYPES } from "@/lib/schemas/requirement";
import { inTreeOrder, siblingOrder } from "@/lib/tree-order";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { type FrozenRequirement, frozenSkeleton, versionsById } from "@/server/services/baselines/baselines";
import { toCsv } from "@/server/services/csv";
import { attributeDefinitions } from "@/server/services/requirements/attributes";

import { escapeXml, markdownToXhtml, XHTML_NAMESPACE } from "./xml";

export const EXPORT_FORMATS = ["csv", "md", "json", "reqif"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  json: "application/json",
  reqif: "application/xml; charset=utf-8",
} as const;

/** Full versions read per query. */
const BATCH = 500;

export interface RequirementsExport {
  filename: string;
  contentType: (typeof CONTENT_TYPES)[ExportFormat];
  chunks: AsyncGenerator<string>;
}

interface ExportMeta {
  /** "HEAD" or the baseline's id. */
  ref: string;
  name: string;
  note: string;
  createdAt: Date;
  author: string | null;
}

interface Placed {
  row: FrozenRequirement;
  depth: number;
}

interface Source {
  project: { key: string; name: string };
  meta: ExportMeta;
  defs: AttributeDefinition[];
  /** The skeleton in tree order: requirement id, parent's requirement id (within the export) and depth. */
  order: { requirementId: string; versionId: string; parentId: string | null; depth: number }[];
  rows: () => AsyncGenerator<Placed>;
}

/** Opens an export of `ref` ("HEAD" or a baseline of the scope's project): NOT_FOUND for any other baseline. */
export async function openRequirementsExport({
  scope,
  ref,
  format,
  signal,
}: {
  scope: ProjectScope;
  ref: string;
  format: ExportFormat;
  signal?: AbortSignal;
}): Promise<RequirementsExport> {
  const project = await db.project.findUniqueOrThrow({
    where: { id: scope.projectId },
    select: { key: true, name: true, settings: true },
  });
  let meta: ExportMeta;
  if (ref === "HEAD") {
    meta = { ref, name: "Current state", note: "", createdAt: new Date(), author: null };
  } else {
    const b = await db.baseline.findUnique({
      where: { id: ref },
      select: { projectId: true, name: true, note: true, createdAt: true, author: { select: { name: true } } },
    });
    if (!b || b.projectId !== scope.projectId) throw new AppError("NOT_FOUND", "Baseline not found in this project");
    meta = { ref, name: b.name, note: b.note, createdAt: b.createdAt, author: b.author?.name ?? null };
  }
  const options = { signal, timeoutMs: getEnv().LONG_STATEMENT_TIMEOUT_MS };
  const skeleton = await frozenSkeleton(scope.projectId, ref, options);
  const order = inTreeOrder(skeleton, {
    id: (n) => n.requirementId,
    parentId: (n) => n.parentId,
    compare: siblingOrder,
  }).map(({ node, depth, parent }) => ({
    requirementId: node.requirementId,
    versionId: node.versionId,
    parentId: parent?.requirementId ?? null,
    depth,
  }));

  async function* rows(): AsyncGenerator<Placed> {
    for (let start = 0; start < order.length; start += BATCH) {
      const batch = order.slice(start, start + BATCH);
      const full = await versionsById(
        batch.map((o) => o.versionId),
        options,
      );
      for (const o of batch) {
        const row = full.get(o.versionId);
        if (row) yield { row, depth: o.depth };
      }
    }
  }

  const source: Source = { project, meta, defs: attributeDefinitions(project.settings), order, rows };
  const slug = `${project.key}-${meta.name}`.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/-+/g, "-");
  const writers = { csv: csvChunks, md: markdownChunks, json: jsonChunks, reqif: reqifChunks };
  return {
    filename: `${slug}.${format}`,
    contentType: CONTENT_TYPES[format],
    chunks: writers[format](source),
  };
}

/** The whole export as one string (for the `baseline.export` procedure, whose answer is bounded anyway). */
export async function collect(chunks: AsyncGenerator<string>): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts.join("");
}

/** An attribute value as one line of text: a multi-valued enum's options joined by "; ", anything else as stored. */
function attributeText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join("; ") : String(value);
}

/* ------------------------------------------------------------------ CSV */

/** One row per requirement, parents before children; the columns a re-import maps back. */
async function* csvChunks({ defs, rows }: Source): AsyncGenerator<string> {
  yield toCsv([
    [
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
      ...defs.map((d) => d.label),
    ],
  ]);
  for await (const { row: r } of rows()) {
    yield toCsv([
      [
        r.key,
        String(r.version),
        r.parentKey ?? "",
        r.title,
        r.type,
        r.priority,
        r.status,
        r.tags.join(", "),
        r.statement,
        r.rationale,
        ...defs.map((d) => attributeText(r.attributes[d.key])),
      ],
    ]);
  }
}

/* ------------------------------------------------------------------ Markdown */

function humanize(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");
}

/** A readable specification: sections follow the hierarchy; each requirement with its facts, text and attributes. */
async function* markdownChunks({ project, meta, defs, order, rows }: Source): AsyncGenerator<string> {
  const head = [
    `# ${project.name} — ${meta.name}`,
    "",
    `- Project: ${project.key}`,
    `- Baseline: ${meta.name}${meta.ref === "HEAD" ? "" : ` (${meta.createdAt.toISOString().slice(0, 10)}${meta.author ? `, by ${meta.author}` : ""})`}`,
    `- Requirements: ${order.length}`,
  ];
  if (meta.note) head.push("", meta.note);
  yield `${head.join("\n")}\n`;
  for await (const { row: r, depth } of rows()) {
    const lines = ["", `${"#".repeat(Math.min(2 + depth, 6))} ${r.key} ${r.title}`, ""];
    const facts = [
      `**Type:** ${humanize(r.type)}`,
      `**Priority:** ${r.priority}`,
      `**Status:** ${humanize(r.status)}`,
      `**Version:** ${r.version}`,
    ];
    if (r.tags.length) facts.push(`**Tags:** ${r.tags.join(", ")}`);
    lines.push(facts.join(" · "));
    if (r.statement.trim()) lines.push("", r.statement.trim());
    if (r.rationale.trim()) lines.push("", `*Rationale:* ${r.rationale.trim()}`);
    const attrs = defs.filter((d) => r.attributes[d.key] !== undefined);
    // Rich text is Markdown with blocks of its own, which a table cell cannot hold: it follows the table.
    const cells = attrs.filter((d) => d.type !== "richText");
    if (cells.length) {
      lines.push("", "| Attribute | Value |", "|---|---|");
      for (const d of cells) lines.push(`| ${d.label} | ${attributeText(r.attributes[d.key]).replace(/\|/g, "\\|")} |`);
    }
    for (const d of attrs.filter((a) => a.type === "richText")) {
      const text = attributeText(r.attributes[d.key]).trim();
      if (text) lines.push("", `*${d.label}:*`, "", text);
    }
    yield `${lines.join("\n")}\n`;
  }
}

/* ------------------------------------------------------------------ JSON */

async function* jsonChunks({ project, meta, rows }: Source): AsyncGenerator<string> {
  const header = {
    project: { key: project.key, name: project.name },
    baseline: {
      id: meta.ref,
      name: meta.name,
      note: meta.note,
      createdAt: meta.createdAt.toISOString(),
      author: meta.author,
    },
  };
  yield `${JSON.stringify(header).slice(0, -1)},"requirements":[`;
  let first = true;
  for await (const { row: r } of rows()) {
    const item = {
      key: r.key,
      version: r.version,
      parentKey: r.parentKey,
      title: r.title,
      statement: r.statement,
      rationale: r.rationale,
      type: r.type,
      priority: r.priority,
      status: r.status,
      tags: r.tags,
      attributes: r.attributes,
    };
    yield `${first ? "\n" : ",\n"}${JSON.stringify(item)}`;
    first = false;
  }
  yield "\n]}\n";
}

/* ------------------------------------------------------------------ ReqIF 1.2 */

/**
 * ReqIF 1.2 (OMG formal/2016-07-01), as requirements tools exchange it: one SPEC-OBJECT-TYPE whose
 * attributes follow the common conventions — `ReqIF.ForeignID` (the key), `ReqIF.Name` (the title),
 * `ReqIF.Text` (the statement, XHTML) — plus the rationale (XHTML), type, priority and status (enumerations),
 * tags, the version and each custom attribute; one SPECIFICATION holding the hierarchy.
 */
const REQIF_NAMESPACE = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd";

const DT = {
  string: "_specline-dt-string",
  xhtml: "_specline-dt-xhtml",
  integer: "_specline-dt-integer",
  real: "_specline-dt-real",
  boolean: "_specline-dt-boolean",
  date: "_specline-dt-date",
  type: "_specline-dt-type",
  priority: "_specline-dt-priority",
  status: "_specline-dt-status",
} as const;

const AD = {
  key: "_specline-ad-key",
  title: "_specline-ad-title",
  statement: "_specline-ad-statement",
  rationale: "_specline-ad-rationale",
  type: "_specline-ad-type",
  priority: "_specline-ad-priority",
  status: "_specline-ad-status",
  tags: "_specline-ad-tags",
  version: "_specline-ad-version",
} as const;

const SPEC_OBJECT_TYPE = "_specline-requirement-type";
const SPECIFICATION_TYPE = "_specline-specification-type";

const id = (prefix: string, value: string) => `_${prefix}-${value.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
const enumValueId = (kind: string, value: string) => id(`ev-${kind}`, value);
const customAttributeId = (key: string) => id("ad-attr", key);

function enumeration(
  dtId: string,
  name: string,
  values: readonly string[],
  valueId: (value: string) => string,
  time: string,
): string {
  const enumValues = values
    .map(
      (v, i) =>
        `<ENUM-VALUE IDENTIFIER="${valueId(v)}" LONG-NAME="${escapeXml(v)}" LAST-CHANGE="${time}">` +
        `<PROPERTIES><EMBEDDED-VALUE KEY="${i}" OTHER-CONTENT="${escapeXml(humanize(v))}"/></PROPERTIES></ENUM-VALUE>`,
    )
    .join("");
  return `<DATATYPE-DEFINITION-ENUMERATION IDENTIFIER="${dtId}" LONG-NAME="${escapeXml(name)}" LAST-CHANGE="${time}"><SPECIFIED-VALUES>${enumValues}</SPECIFIED-VALUES></DATATYPE-DEFINITION-ENUMERATION>`;
}

const customEnumValueId = (key: string) => (value: string) => id(`ev-attr-${key}`, value);

function customDatatype(def: AttributeDefinition, time: string): string {
  if (def.type !== "enum" && def.type !== "multiEnum") return "";
  return enumeration(id("dt-attr", def.key), def.label, def.options ?? [], customEnumValueId(def.key), time);
}

/**
 * A custom attribute's definition: number REAL, yes/no BOOLEAN, date and date-time DATE (ReqIF's DATE is an
 * xsd:dateTime), enum ENUMERATION (multi-valued for a multiEnum), rich text XHTML, plain text STRING.
 */
function customDefinition(def: AttributeDefinition, time: string): string {
  const typed = (kind: string, dtId: string, extra = "") =>
    `<ATTRIBUTE-DEFINITION-${kind} IDENTIFIER="${customAttributeId(def.key)}" LONG-NAME="${escapeXml(def.label)}" LAST-CHANGE="${time}"${extra}>` +
    `<TYPE><DATATYPE-DEFINITION-${kind}-REF>${dtId}</DATATYPE-DEFINITION-${kind}-REF></TYPE></ATTRIBUTE-DEFINITION-${kind}>`;
  switch (def.type) {
    case "number":
      return typed("REAL", DT.real);
    case "boolean":
      return typed("BOOLEAN", DT.boolean);
    case "date":
    case "dateTime":
      return typed("DATE", DT.date);
    case "enum":
    case "multiEnum":
      return typed("ENUMERATION", id("dt-attr", def.key), ` MULTI-VALUED="${def.type === "multiEnum"}"`);
    case "richText":
      return typed("XHTML", DT.xhtml);
    default:
      return typed("STRING", DT.string);
  }
}

function customValue(def: AttributeDefinition, value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  const ref = customAttributeId(def.key);
  switch (def.type) {
    case "number":
      return `<ATTRIBUTE-VALUE-REAL THE-VALUE="${Number(value)}"><DEFINITION><ATTRIBUTE-DEFINITION-REAL-REF>${ref}</ATTRIBUTE-DEFINITION-REAL-REF></DEFINITION></ATTRIBUTE-VALUE-REAL>`;
    case "boolean":
      return `<ATTRIBUTE-VALUE-BOOLEAN THE-VALUE="${value === true}"><DEFINITION><ATTRIBUTE-DEFINITION-BOOLEAN-REF>${ref}</ATTRIBUTE-DEFINITION-BOOLEAN-REF></DEFINITION></ATTRIBUTE-VALUE-BOOLEAN>`;
    case "date":
      return dateValue(ref, `${value}T00:00:00Z`);
    case "dateTime":
      return dateValue(ref, String(value));
    case "enum":
    case "multiEnum": {
      const chosen = Array.isArray(value) ? value.map(String) : [String(value)];
      if (chosen.length === 0) return "";
      const refs = chosen.map((v) => `<ENUM-VALUE-REF>${customEnumValueId(def.key)(v)}</ENUM-VALUE-REF>`).join("");
      return `<ATTRIBUTE-VALUE-ENUMERATION><DEFINITION><ATTRIBUTE-DEFINITION-ENUMERATION-REF>${ref}</ATTRIBUTE-DEFINITION-ENUMERATION-REF></DEFINITION><VALUES>${refs}</VALUES></ATTRIBUTE-VALUE-ENUMERATION>`;
    }
    case "richText":
      return xhtmlValue(ref, String(value));
    default:
      return stringValue(ref, attributeText(value));
  }
}

function dateValue(ref: string, value: string): string {
  return `<ATTRIBUTE-VALUE-DATE THE-VALUE="${escapeXml(value)}"><DEFINITION><ATTRIBUTE-DEFINITION-DATE-REF>${ref}</ATTRIBUTE-DEFINITION-DATE-REF></DEFINITION></ATTRIBUTE-VALUE-DATE>`;
}

function stringValue(ref: string, value: string): string {
  return `<ATTRIBUTE-VALUE-STRING THE-VALUE="${escapeXml(value)}"><DEFINITION><ATTRIBUTE-DEFINITION-STRING-REF>${ref}</ATTRIBUTE-DEFINITION-STRING-REF></DEFINITION></ATTRIBUTE-VALUE-STRING>`;
}

function xhtmlValue(ref: string, markdown: string): string {
  return `<ATTRIBUTE-VALUE-XHTML><DEFINITION><ATTRIBUTE-DEFINITION-XHTML-REF>${ref}</ATTRIBUTE-DEFINITION-XHTML-REF></DEFINITION><THE-VALUE>${markdownToXhtml(markdown)}</THE-VALUE></ATTRIBUTE-VALUE-XHTML>`;
}

function enumValue(ref: string, kind: string, value: string): string {
  return `<ATTRIBUTE-VALUE-ENUMERATION><DEFINITION><ATTRIBUTE-DEFINITION-ENUMERATION-REF>${ref}</ATTRIBUTE-DEFINITION-ENUMERATION-REF></DEFINITION><VALUES><ENUM-VALUE-REF>${enumValueId(kind, value)}</ENUM-VALUE-REF></VALUES></ATTRIBUTE-VALUE-ENUMERATION>`;
}

function definition(kind: "STRING" | "XHTML" | "INTEGER", adId: string, name: string, dtId: string, time: string) {
  return `<ATTRIBUTE-DEFINITION-${kind} IDENTIFIER="${adId}" LONG-NAME="${name}" LAST-CHANGE="${time}"><TYPE><DATATYPE-DEFINITION-${kind}-REF>${dtId}</DATATYPE-DEFINITION-${kind}-REF></TYPE></ATTRIBUTE-DEFINITION-${kind}>`;
}

function enumDefinition(adId: string, name: string, dtId: string, time: string) {
  return `<ATTRIBUTE-DEFINITION-ENUMERATION IDENTIFIER="${adId}" LONG-NAME="${name}" LAST-CHANGE="${time}" MULTI-VALUED="false"><TYPE><DATATYPE-DEFINITION-ENUMERATION-REF>${dtId}</DATATYPE-DEFINITION-ENUMERATION-REF></TYPE></ATTRIBUTE-DEFINITION-ENUMERATION>`;
}

async function* reqifChunks({ project, meta, defs, order, rows }: Source): AsyncGenerator<string> {
  const time = new Date().toISOString();
  const title = `${project.name} — ${meta.name}`;
  yield `<?xml version="1.0" encoding="UTF-8"?>
<REQ-IF xmlns="${REQIF_NAMESPACE}" xmlns:xhtml="${XHTML_NAMESPACE}">
<THE-HEADER><REQ-IF-HEADER IDENTIFIER="${id("header", `${project.key}-${meta.ref}`)}">` +
    `<COMMENT>${escapeXml(meta.note)}</COMMENT><CREATION-TIME>${time}</CREATION-TIME>` +
    `<REQ-IF-TOOL-ID>Specline</REQ-IF-TOOL-ID><REQ-IF-VERSION>1.0</REQ-IF-VERSION>` +
    `<SOURCE-TOOL-ID>Specline</SOURCE-TOOL-ID><TITLE>${escapeXml(title)}</TITLE></REQ-IF-HEADER></THE-HEADER>
<CORE-CONTENT><REQ-IF-CONTENT>
<DATATYPES>
<DATATYPE-DEFINITION-STRING IDENTIFIER="${DT.string}" LONG-NAME="Text" LAST-CHANGE="${time}" MAX-LENGTH="1048576"/>
<DATATYPE-DEFINITION-XHTML IDENTIFIER="${DT.xhtml}" LONG-NAME="Formatted text" LAST-CHANGE="${time}"/>
<DATATYPE-DEFINITION-INTEGER IDENTIFIER="${DT.integer}" LONG-NAME="Whole number" LAST-CHANGE="${time}" MIN="0" MAX="2147483647"/>
<DATATYPE-DEFINITION-REAL IDENTIFIER="${DT.real}" LONG-NAME="Number" LAST-CHANGE="${time}" ACCURACY="15" MIN="-1.7976931348623157E308" MAX="1.7976931348623157E308"/>
<DATATYPE-DEFINITION-BOOLEAN IDENTIFIER="${DT.boolean}" LONG-NAME="Yes or no" LAST-CHANGE="${time}"/>
<DATATYPE-DEFINITION-DATE IDENTIFIER="${DT.date}" LONG-NAME="Date" LAST-CHANGE="${time}"/>
${enumeration(DT.type, "Type", REQUIREMENT_TYPES, (v) => enumValueId("type", v), time)}
${enumeration(DT.priority, "Priority", REQUIREMENT_PRIORITIES, (v) => enumValueId("priority", v), time)}
${enumeration(DT.status, "Status", REQUIREMENT_STATUSES, (v) => enumValueId("status", v), time)}
${defs.map((d) => customDatatype(d, time)).join("")}
</DATATYPES>
<SPEC-TYPES>
<SPEC-OBJECT-TYPE IDENTIFIER="${SPEC_OBJECT_TYPE}" LONG-NAME="Requirement" LAST-CHANGE="${time}"><SPEC-ATTRIBUTES>
${definition("STRING", AD.key, "ReqIF.ForeignID", DT.string, time)}
${definition("STRING", AD.title, "ReqIF.Name", DT.string, time)}
${definition("XHTML", AD.statement, "ReqIF.Text", DT.xhtml, time)}
${definition("XHTML", AD.rationale, "Rationale", DT.xhtml, time)}
${enumDefinition(AD.type, "Type", DT.type, time)}
${enumDefinition(AD.priority, "Priority", DT.priority, time)}
${enumDefinition(AD.status, "Status", DT.status, time)}
${definition("STRING", AD.tags, "Tags", DT.string, time)}
${definition("INTEGER", AD.version, "Version", DT.integer, time)}
${defs.map((d) => customDefinition(d, time)).join("\n")}
</SPEC-ATTRIBUTES></SPEC-OBJECT-TYPE>
<SPECIFICATION-TYPE IDENTIFIER="${SPECIFICATION_TYPE}" LONG-NAME="Specification" LAST-CHANGE="${time}"/>
</SPEC-TYPES>
<SPEC-OBJECTS>
`;
  for await (const { row: r } of rows()) {
    yield `<SPEC-OBJECT IDENTIFIER="${id("req", r.requirementId)}" LONG-NAME="${escapeXml(r.key)}" LAST-CHANGE="${time}">` +
      `<TYPE><SPEC-OBJECT-TYPE-REF>${SPEC_OBJECT_TYPE}</SPEC-OBJECT-TYPE-REF></TYPE><VALUES>` +
      stringValue(AD.key, r.key) +
      stringValue(AD.title, r.title) +
      xhtmlValue(AD.statement, r.statement) +
      (r.rationale ? xhtmlValue(AD.rationale, r.rationale) : "") +
      enumValue(AD.type, "type", r.type) +
      enumValue(AD.priority, "priority", r.priority) +
      enumValue(AD.status, "status", r.status) +
      (r.tags.length ? stringValue(AD.tags, r.tags.join(", ")) : "") +
      `<ATTRIBUTE-VALUE-INTEGER THE-VALUE="${r.version}"><DEFINITION><ATTRIBUTE-DEFINITION-INTEGER-REF>${AD.version}</ATTRIBUTE-DEFINITION-INTEGER-REF></DEFINITION></ATTRIBUTE-VALUE-INTEGER>` +
      defs.map((d) => customValue(d, r.attributes[d.key])).join("") +
      "</VALUES></SPEC-OBJECT>\n";
  }
  yield `</SPEC-OBJECTS>
<SPEC-RELATIONS/>
<SPECIFICATIONS><SPECIFICATION IDENTIFIER="${id("spec", `${project.key}-${meta.ref}`)}" LONG-NAME="${escapeXml(title)}" LAST-CHANGE="${time}"><TYPE><SPECIFICATION-TYPE-REF>${SPECIFICATION_TYPE}</SPECIFICATION-TYPE-REF></TYPE>`;
  // The hierarchy from the skeleton alone, depth-first: each SPEC-HIERARCHY stays open while its
  // descendants follow, its CHILDREN opened by the first of them and closed when the walk leaves it.
  const childrenOpen: boolean[] = [];
  let out = order.length > 0 ? "<CHILDREN>" : "";
  const close = (to: number) => {
    while (childrenOpen.length > to) {
      if (childrenOpen.pop()) out += "</CHILDREN>";
      out += "</SPEC-HIERARCHY>";
    }
  };
  for (const o of order) {
    close(o.depth);
    if (o.depth > 0 && !childrenOpen[o.depth - 1]) {
      out += "<CHILDREN>";
      childrenOpen[o.depth - 1] = true;
    }
    out += `<SPEC-HIERARCHY IDENTIFIER="${id("h", o.requirementId)}" LAST-CHANGE="${time}"><OBJECT><SPEC-OBJECT-REF>${id("req", o.requirementId)}</SPEC-OBJECT-REF></OBJECT>`;
    childrenOpen.push(false);
    if (out.length > 64 * 1024) {
      yield out;
      out = "";
    }
  }
  close(0);
  if (order.length > 0) out += "</CHILDREN>";
  yield `${out}</SPECIFICATION></SPECIFICATIONS>
</REQ-IF-CONTENT></CORE-CONTENT>
</REQ-IF>
`;
}
