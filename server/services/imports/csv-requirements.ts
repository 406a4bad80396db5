/**
 * Reads a requirements CSV — Specline's own export (server/services/exports/requirements-export.ts) or a
 * spreadsheet — into the import row model (server/services/imports/types.ts). Nothing is looked up: whether a
 * key, a parent or an attribute exists is for the importer to decide.
 *
 * Columns
 *
 * - Each header is mapped, first match wins: the upload's mapping (by header text, case aside); the headers
 *   the exporter writes (Key, Parent, Title, Type, Priority, Status, Tags, Statement, Rationale; Version is
 *   ignored); a project attribute's label or key, so an attribute labelled "Description" round-trips; the
 *   other common names (ID, Identifier, Source ID, External ID, Foreign ID → sourceRef; Parent Key → parent;
 *   Name, Summary, Heading → title; Text, Description, Requirement Text → statement; Labels → tags). Headers
 *   are compared without case, spaces or punctuation. Any other header is a new text attribute, keyed in
 *   camelCase from its label; an empty header is ignored.
 * - Two columns filling one field are refused, naming both; several columns of one attribute are merged.
 *   A file without a title column is refused.
 *
 * Values
 *
 * - The quote the exporter puts before a formula character is taken off (csv-table.ts). Title and keys are
 *   trimmed, keys upper-cased; statement, rationale and text attributes are kept exactly as given.
 * - Parent: a value that looks like a requirement key is both `parentKey` and `parentRef` (the importer looks
 *   among the file's rows first); anything else is `parentRef` only.
 * - Type, priority and status match Specline's values without regard to case, spaces for underscores
 *   ("In Review" → IN_REVIEW). Tags split on commas and semicolons.
 * - Attributes by the definition's type: number, boolean (true/yes/1/x, false/no/0), multiEnum (split on
 *   semicolons, as the exporter joins them), date (YYYY-MM-DD, or a date-time at midnight), anything else as
 *   text. An empty cell gives no value.
 * - Rows. `row` is the line the record starts on. A row whose title is empty takes the first line of its
 *   statement; without either, or with a value that cannot be read (an unknown status, a number that is not
 *   one), the row is left out and reported, so nothing is half-imported.
 */
import type { RequirementPriority, RequirementStatus, RequirementType } from "@prisma/client";

import { RESERVED_KEYS } from "@/lib/schemas/common";
import { type ImportMapping, REQUIREMENT_CSV_TARGETS } from "@/lib/schemas/import";
import type { AttributeDefinition } from "@/lib/schemas/project";
import { REQUIREMENT_PRIORITIES, REQUIREMENT_STATUSES, REQUIREMENT_TYPES } from "@/lib/schemas/requirement";
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
import type { ImportAttribute, ImportRequirementRow, ImportRowError, ImportSource, ImportValue } from "./types";

export interface RequirementsCsvOptions {
  mapping: ImportMapping;
  /** The project's attribute definitions, which headers are matched against. */
  attributes: AttributeDefinition[];
  limits?: Partial<CsvLimits>;
}

type Field = Exclude<(typeof REQUIREMENT_CSV_TARGETS)[number], "ignore">;

type Column = { index: number; header: string } & ({ field: Field } | { attribute: ImportAttribute });

const LABEL_MAX = 60;
const KEY_PATTERN = /^[a-z][a-zA-Z0-9_]{0,39}$/;
const REQUIREMENT_KEY = /^[A-Z][A-Z0-9]{1,9}-\d+$/;

/** The headers the exporter writes, ahead of attribute labels. */
const EXPORT_HEADERS: Record<string, Field | "ignore"> = {
  key: "key",
  version: "ignore",
  parent: "parent",
  title: "title",
  type: "type",
  priority: "priority",
  status: "status",
  tags: "tags",
  statement: "statement",
  rationale: "rationale",
};

/** Other common names, after attribute labels. */
const COMMON_HEADERS: Record<string, Field> = {
  id: "sourceRef",
  identifier: "sourceRef",
  sourceid: "sourceRef",
  externalid: "sourceRef",
  foreignid: "sourceRef",
  parentkey: "parent",
  name: "title",
  summary: "title",
  heading: "title",
  text: "statement",
  description: "statement",
  requirementtext: "statement",
  labels: "tags",
};

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/** Reads a requirements CSV. BAD_REQUEST for a file that cannot be read or mapped; bad rows are reported. */
export function readRequirementsCsv(bytes: Uint8Array, opts: RequirementsCsvOptions): ImportSource {
  const table = readCsvTable(bytes, opts.limits);
  const { columns, attributes, hierarchy } = mapColumns(table.header, opts);
  const rows: ImportRequirementRow[] = [];
  const errors: ImportRowError[] = [];
  for (const record of table.records) {
    const problems: string[] = [];
    const row = readRow(record, columns, problems);
    if (problems.length > 0) errors.push({ row: record.line, message: problems.join("; ") });
    else rows.push(row);
  }
  // Without a parent column the file says nothing about where rows sit: updated requirements stay put.
  return { attributes, rows, errors, hierarchy };
}

/* ------------------------------------------------------------------ columns */

function mapColumns(
  header: string[],
  opts: RequirementsCsvOptions,
): { columns: Column[]; attributes: ImportAttribute[]; hierarchy: boolean } {
  const mapped = mappedTargets(opts.mapping.columns);
  const definitions = opts.attributes;
  const byName = new Map<string, AttributeDefinition>();
  for (const d of definitions) {
    byName.set(normalizeHeader(d.key), d);
    byName.set(normalizeHeader(d.label), d);
  }

  type Target = Field | "ignore" | { definition: AttributeDefinition } | { key: string } | { newLabel: string };
  const targets: Target[] = header.map((h) => {
    const target = mapped(h);
    if (target !== undefined) {
      if (target.startsWith("attribute:")) {
        const key = target.slice("attribute:".length);
        if (RESERVED_KEYS.has(key)) throw bad(`The column "${h}" maps to ${target}, which is not allowed`);
        const definition = definitions.find((d) => d.key === key);
        return definition ? { definition } : { key };
      }
      if (!(REQUIREMENT_CSV_TARGETS as readonly string[]).includes(target)) {
        throw bad(`The column "${h}" maps to ${target}, which requirements do not have`);
      }
      return target as Field | "ignore";
    }
    const name = normalizeHeader(h);
    if (name === "") return "ignore";
    const definition = byName.get(name);
    return EXPORT_HEADERS[name] ?? (definition ? { definition } : (COMMON_HEADERS[name] ?? { newLabel: h }));
  });

  // Keys and labels taken before new attributes are named: the project's and those the mapping chose.
  const usedKeys = new Set(definitions.map((d) => d.key));
  for (const t of targets) if (typeof t === "object" && "key" in t) usedKeys.add(t.key);
  const attributes: ImportAttribute[] = [];
  const byKey = new Map<string, ImportAttribute>();
  const byLabel = new Map<string, ImportAttribute>();
  const register = (attribute: ImportAttribute) => {
    attributes.push(attribute);
    byKey.set(attribute.key ?? "", attribute);
    byLabel.set(attribute.label.toLowerCase(), attribute);
    return attribute;
  };
  const fresh = (label: string, key?: string) => {
    const name = uniqueLabel(label, byLabel);
    return register({ key: key ?? uniqueKey(keyFromLabel(name), usedKeys), label: name, type: "text" });
  };

  const columns: Column[] = [];
  const filledBy = new Map<Field, string>();
  targets.forEach((target, index) => {
    const h = header[index] ?? "";
    if (target === "ignore") return;
    if (typeof target === "string") {
      const first = filledBy.get(target);
      if (first !== undefined) throw duplicateColumn(first, h, target);
      filledBy.set(target, h);
      columns.push({ index, header: h, field: target });
      return;
    }
    let attribute: ImportAttribute;
    if ("definition" in target) {
      const d = target.definition;
      attribute =
        byKey.get(d.key) ??
        register({ key: d.key, label: d.label, type: d.type, ...(d.options ? { options: [...d.options] } : {}) });
    } else if ("key" in target) {
      attribute = byKey.get(target.key) ?? fresh(safeLabel(h) || target.key, target.key);
    } else {
      const label = safeLabel(target.newLabel);
      const existing = byLabel.get(label.toLowerCase());
      attribute = existing && !definitions.some((d) => d.key === existing.key) ? existing : fresh(label);
    }
    columns.push({ index, header: h, attribute });
  });

  if (!filledBy.has("title")) throw bad("The file needs a Title column (or a mapping to title)");
  return { columns, attributes, hierarchy: filledBy.has("parent") };
}

/** A header as an attribute label: at most 60 characters, and never a name an object keeps for itself. */
function safeLabel(header: string): string {
  const label = header.trim().slice(0, LABEL_MAX).trim();
  return RESERVED_KEYS.has(label) ? `Attribute ${label}` : label;
}

/** Values are keyed by label, so two attributes of one import never share one. */
function uniqueLabel(label: string, taken: Map<string, ImportAttribute>): string {
  let name = label;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${label.slice(0, LABEL_MAX - 4)} (${n})`;
  return name;
}

/** "Safety Level" → "safetyLevel", "ASIL" → "asil", "3rd party" → "attr3rdParty": never empty. */
function keyFromLabel(label: string): string {
  const words = label
    .normalize("NFKD")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const camel = words
    .map((w, i) => {
      const word = w === w.toUpperCase() ? w.toLowerCase() : w;
      return i === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join("");
  const key = /^[a-z]/.test(camel) ? camel : `attr${camel.charAt(0).toUpperCase()}${camel.slice(1)}`;
  return key.slice(0, 40);
}

function uniqueKey(wanted: string, used: Set<string>): string {
  let key = KEY_PATTERN.test(wanted) ? wanted : "attr";
  if (RESERVED_KEYS.has(key)) key = `${key}Attr`;
  const base = key;
  for (let n = 2; used.has(key); n++) key = `${base.slice(0, 40 - String(n).length)}${n}`;
  used.add(key);
  return key;
}

/* ------------------------------------------------------------------ rows */

function readRow(record: CsvRecord, columns: Column[], problems: string[]): ImportRequirementRow {
  const row: ImportRequirementRow = {
    row: record.line,
    sourceRef: null,
    key: null,
    parentRef: null,
    parentKey: null,
    title: "",
    statement: "",
    rationale: "",
    attributes: {},
  };
  for (const column of columns) {
    const value = record.cells[column.index] ?? "";
    if ("attribute" in column) {
      addAttribute(row.attributes, column.attribute, value, problems);
      continue;
    }
    const text = value.trim();
    switch (column.field) {
      case "key":
        row.key = text.toUpperCase() || null;
        break;
      case "sourceRef":
        row.sourceRef = text || null;
        break;
      case "parent":
        if (text && REQUIREMENT_KEY.test(text.toUpperCase())) row.parentKey = text.toUpperCase();
        row.parentRef = text || null;
        break;
      case "title":
        row.title = text;
        break;
      case "statement":
        row.statement = value;
        break;
      case "rationale":
        row.rationale = value;
        break;
      case "type": {
        const type = enumValue<RequirementType>("Type", text, REQUIREMENT_TYPES, problems);
        if (type) row.type = type;
        break;
      }
      case "priority": {
        const priority = enumValue<RequirementPriority>("Priority", text, REQUIREMENT_PRIORITIES, problems);
        if (priority) row.priority = priority;
        break;
      }
      case "status": {
        const status = enumValue<RequirementStatus>("Status", text, REQUIREMENT_STATUSES, problems);
        if (status) row.status = status;
        break;
      }
      case "tags":
        row.tags = text
          .split(/[,;]/)
          .map((t) => t.trim())
          .filter(Boolean);
        break;
    }
  }
  if (!row.title) {
    const firstLine = row.statement.split(/\r\n|\n|\r/).find((l) => l.trim()) ?? "";
    row.title = cutTitle(firstLine);
    if (!row.title) problems.push("The row has no title");
  }
  return row;
}

/** One of Specline's values, case and spaces aside ("in review" → IN_REVIEW); undefined (reported) otherwise. */
function enumValue<T extends string>(
  name: string,
  text: string,
  values: readonly T[],
  problems: string[],
): T | undefined {
  if (!text) return undefined;
  const wanted = text.toUpperCase().replace(/[\s-]+/g, "_");
  const found = values.find((v) => v === wanted);
  if (!found) problems.push(`${name} ${quoted(text)} is not one of ${values.join(", ")}`);
  return found;
}

function addAttribute(
  values: Record<string, ImportValue>,
  attribute: ImportAttribute,
  cell: string,
  problems: string[],
): void {
  const value = attributeValue(attribute, cell, problems);
  if (value === undefined) return;
  const label = attribute.label;
  const before = values[label];
  if (before === undefined) values[label] = value;
  else if (Array.isArray(before) && Array.isArray(value)) values[label] = [...new Set([...before, ...value])];
  else if ((attribute.type === "text" || attribute.type === "richText") && typeof before === "string")
    values[label] = `${before}\n${value}`;
  else if (before !== value) problems.push(`${label} is given two different values`);
}

const TRUE = new Set(["true", "yes", "1", "x"]);
const FALSE = new Set(["false", "no", "0"]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MIDNIGHT = /^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$/i;

/** A cell as the attribute's type; undefined when empty or (reported) unreadable. */
function attributeValue(attribute: ImportAttribute, cell: string, problems: string[]): ImportValue | undefined {
  const text = cell.trim();
  if (!text) return undefined;
  const { label } = attribute;
  switch (attribute.type) {
    case "number": {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
      problems.push(`${label}: ${quoted(text)} is not a number`);
      return undefined;
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      problems.push(`${label}: ${quoted(text)} is not true or false`);
      return undefined;
    }
    case "multiEnum": {
      const options = text
        .split(";")
        .map((o) => o.trim())
        .filter(Boolean);
      return options.length > 0 ? options : undefined;
    }
    case "date": {
      if (DAY.test(text)) return text;
      const midnight = MIDNIGHT.exec(text)?.[1];
      if (midnight) return midnight;
      problems.push(`${label}: ${quoted(text)} is not a date (YYYY-MM-DD)`);
      return undefined;
    }
    case "dateTime":
    case "enum":
      return text;
    default:
      return cell;
  }
}
