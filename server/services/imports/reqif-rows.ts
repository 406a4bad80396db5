/**
 * The mapping half of the ReqIF reader: parsed ReqIF documents (server/services/imports/reqif-parse.ts) as
 * import rows and attributes, by the rules documented at the top of server/services/imports/reqif.ts.
 * The hierarchy is walked depth-first with an explicit stack, never by recursion.
 */
import type { RequirementPriority, RequirementStatus, RequirementType } from "@prisma/client";
import { RESERVED_KEYS } from "@/lib/schemas/common";
import type { AttributeType } from "@/lib/schemas/project";
import { REQUIREMENT_PRIORITIES, REQUIREMENT_STATUSES, REQUIREMENT_TYPES } from "@/lib/schemas/requirement";

import type { ParsedReqif, RawAttributeDefinition, RawObject, RawValue } from "./reqif-parse";
import type { ImportAttribute, ImportRequirementRow, ImportRowError, ImportSource, ImportValue } from "./types";

const TITLE_MAX = 200;
const LABEL_MAX = 60;
const KEY_PATTERN = /^[a-z][a-zA-Z0-9_]{0,39}$/;
/** How Specline's writer names the definition of a custom attribute: `_ad-attr-<key>`. */
const SPECLINE_CUSTOM = /^_ad-attr-([a-z][a-zA-Z0-9_]{0,39})$/;

type Role =
  | { kind: "title" | "chapter" | "statement" | "rationale" | "key" | "tags" | "skip" }
  | { kind: "foreignId"; slot: Slot }
  | { kind: "type" | "priority" | "status"; allowed: ReadonlySet<string> }
  | { kind: "custom"; slot: Slot };

/** A custom attribute as it will be reported; several definitions (one per object type) may share it. */
interface Slot {
  label: string;
  key: string;
  type: AttributeType;
  options: string[];
  /** A DATE attribute: a date while every value is midnight UTC, else a date-time. */
  allMidnight: boolean;
}

/** A value read from the file, before it is fitted to its slot's final type. */
type Typed =
  | { kind: "text"; text: string }
  | { kind: "markdown"; markdown: string; text: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "date"; iso: string; midnight: boolean }
  | { kind: "enum"; labels: string[] };

interface Doc {
  parsed: ParsedReqif;
  specline: boolean;
  /** What a definition's values set; custom attributes come into being when first asked for. */
  role: (definition: RawAttributeDefinition) => Role;
  /** The definitions of each SPEC-OBJECT-TYPE, for default values. */
  typeDefinitions: Map<string, RawAttributeDefinition[]>;
}

/** The rows and attributes of one or more parsed ReqIF documents (the .reqif files of a .reqifz). */
export function toImportSource(parsedDocs: ParsedReqif[]): ImportSource {
  const slots = new Map<string, Slot>();
  const usedKeys = new Set<string>();
  const errors: ImportRowError[] = [];
  const pending: { attributes: Record<string, ImportValue>; slot: Slot; value: Typed }[] = [];

  const slotFor = (def: RawAttributeDefinition, doc: Doc, label: string, type: AttributeType, options: string[]) => {
    const name = label.slice(0, LABEL_MAX).trim() || def.id.slice(0, LABEL_MAX);
    const safeName = RESERVED_KEYS.has(name) ? `Attribute ${name}` : name;
    let slot = slots.get(safeName.toLowerCase());
    if (!slot) {
      const fromWriter = doc.specline ? SPECLINE_CUSTOM.exec(def.id)?.[1] : undefined;
      const key = uniqueKey(fromWriter ?? keyFromLabel(safeName), usedKeys);
      slot = { label: safeName, key, type, options: [], allMidnight: true };
      slots.set(safeName.toLowerCase(), slot);
    } else if (slot.type !== type) {
      slot.type = mergeTypes(slot.type, type);
    }
    for (const o of options) if (!slot.options.includes(o)) slot.options.push(o);
    return slot;
  };

  const docs: Doc[] = parsedDocs.map((parsed) => {
    const specline = parsed.toolIds.some((t) => t.toLowerCase() === "specline");
    const ofObjects = [...parsed.definitions.values()].filter((d) => d.objectType !== null);
    const hasRationale = ofObjects.some((d) => d.longName.trim().toLowerCase() === "rationale");
    const roles = new Map<string, Role>();
    const doc: Doc = {
      parsed,
      specline,
      typeDefinitions: new Map(),
      role: (def) => {
        let role = roles.get(def.id);
        if (!role) {
          role = roleOf(def, doc, hasRationale, slotFor);
          roles.set(def.id, role);
        }
        return role;
      },
    };
    // In definition order, so the attributes are listed as the file lists them.
    for (const def of ofObjects) {
      doc.role(def);
      if (def.objectType) {
        const list = doc.typeDefinitions.get(def.objectType) ?? [];
        list.push(def);
        doc.typeDefinitions.set(def.objectType, list);
      }
    }
    return doc;
  });

  // Objects by identifier across all files; a repeated identifier keeps its first object.
  const objects = new Map<string, { raw: RawObject; doc: Doc }>();
  for (const doc of docs) {
    for (const raw of doc.parsed.objects) {
      if (objects.has(raw.id))
        errors.push({ row: 0, message: `SPEC-OBJECT "${raw.id}" appears twice; the second was skipped` });
      else objects.set(raw.id, { raw, doc });
    }
  }

  const rows: ImportRequirementRow[] = [];
  const placed = new Set<string>();
  const place = (id: string, parentRef: string | null) => {
    const entry = objects.get(id);
    if (!entry || placed.has(id)) return;
    placed.add(id);
    const row = rows.length + 1;
    const problems: string[] = [];
    rows.push(objectRow(entry.raw, entry.doc, row, parentRef, problems, pending));
    for (const message of problems) errors.push({ row, message });
  };

  const specifications = docs.flatMap((doc) => doc.parsed.specifications.map((spec) => ({ spec, doc })));
  const asRows = specifications.length > 1;
  for (const { spec, doc } of specifications) {
    if (asRows) {
      rows.push({
        row: rows.length + 1,
        sourceRef: spec.id,
        key: null,
        parentRef: null,
        parentKey: null,
        title: cutTitle(spec.longName) || `Untitled ${spec.id}`,
        statement: "",
        rationale: "",
        attributes: {},
      });
    }
    // Depth-first with an explicit stack; children pushed in reverse so the first is placed first.
    const hierarchy = doc.parsed.hierarchy;
    const stack: { index: number; parentRef: string | null }[] = [];
    const rootParent = asRows ? spec.id : null;
    for (let i = spec.roots.length - 1; i >= 0; i--)
      stack.push({ index: spec.roots[i] as number, parentRef: rootParent });
    for (let item = stack.pop(); item; item = stack.pop()) {
      const node = hierarchy[item.index];
      if (!node) continue;
      let parentOfChildren = item.parentRef;
      if (node.object && objects.has(node.object)) {
        if (!placed.has(node.object)) {
          place(node.object, item.parentRef);
          parentOfChildren = node.object;
        }
      } else {
        errors.push({
          row: 0,
          message: node.object
            ? `SPEC-HIERARCHY "${node.id}" refers to SPEC-OBJECT "${node.object}", which is not defined; its children were kept`
            : `SPEC-HIERARCHY "${node.id}" has no object; its children were kept`,
        });
      }
      for (let i = node.children.length - 1; i >= 0; i--) {
        stack.push({ index: node.children[i] as number, parentRef: parentOfChildren });
      }
    }
  }
  for (const id of objects.keys()) place(id, null);

  for (const { slot, value } of pending) if (value.kind === "date" && !value.midnight) slot.allMidnight = false;
  for (const { attributes, slot, value } of pending) {
    const fitted = fitToSlot(value, slot);
    if (fitted !== null) attributes[slot.label] = fitted;
  }
  const attributes: ImportAttribute[] = [...slots.values()].map((s) => {
    const type = s.type === "date" && !s.allMidnight ? "dateTime" : s.type;
    return type === "enum" || type === "multiEnum"
      ? { key: s.key, label: s.label, type, options: s.options }
      : { key: s.key, label: s.label, type };
  });
  // File-level problems first, then by row; each group in the order met.
  errors.sort((a, b) => a.row - b.row);
  return { attributes, rows, errors };
}

type SlotFor = (def: RawAttributeDefinition, doc: Doc, label: string, type: AttributeType, options: string[]) => Slot;

function roleOf(def: RawAttributeDefinition, doc: Doc, hasRationale: boolean, slotFor: SlotFor): Role {
  const name = def.longName.trim().toLowerCase();
  const custom = (label: string, type?: AttributeType): { kind: "custom"; slot: Slot } => {
    const enumLabels = [...(doc.parsed.datatypes.get(def.datatype ?? "")?.enumValues.values() ?? [])];
    const ownType = type ?? attributeType(def);
    return { kind: "custom", slot: slotFor(def, doc, label, ownType, ownType.endsWith("num") ? enumLabels : []) };
  };
  if (doc.specline && SPECLINE_CUSTOM.test(def.id)) return custom(def.longName);
  if (name === "reqif.name") return { kind: "title" };
  if (name === "reqif.chaptername") return { kind: "chapter" };
  if (name === "reqif.text") return { kind: "statement" };
  if (name === "rationale" || (name === "reqif.description" && !hasRationale)) return { kind: "rationale" };
  if (name === "reqif.foreignid")
    return doc.specline ? { kind: "key" } : { ...custom("Foreign ID", "text"), kind: "foreignId" };
  if (doc.specline) {
    const native = { type: REQUIREMENT_TYPES, priority: REQUIREMENT_PRIORITIES, status: REQUIREMENT_STATUSES } as const;
    if ((name === "type" || name === "priority" || name === "status") && def.kind === "ENUMERATION") {
      const allowed = new Set<string>(native[name]);
      const labels = [...(doc.parsed.datatypes.get(def.datatype ?? "")?.enumValues.values() ?? [])];
      if (labels.every((l) => allowed.has(l))) return { kind: name, allowed };
    }
    if (name === "tags") return { kind: "tags" };
    if (name === "version") return { kind: "skip" };
  }
  return custom(def.longName);
}

function attributeType(def: RawAttributeDefinition): AttributeType {
  switch (def.kind) {
    case "XHTML":
      return "richText";
    case "INTEGER":
    case "REAL":
      return "number";
    case "BOOLEAN":
      return "boolean";
    case "DATE":
      return "date";
    case "ENUMERATION":
      return def.multiValued ? "multiEnum" : "enum";
    default:
      return "text";
  }
}

/** The type of an attribute defined differently by two object types. */
function mergeTypes(a: AttributeType, b: AttributeType): AttributeType {
  const both = new Set([a, b]);
  const within = (...types: AttributeType[]) => [...both].every((t) => types.includes(t));
  if (within("enum", "multiEnum")) return "multiEnum";
  if (within("text", "richText")) return "richText";
  if (within("date", "dateTime")) return "dateTime";
  return "text";
}

function objectRow(
  raw: RawObject,
  doc: Doc,
  row: number,
  parentRef: string | null,
  problems: string[],
  pending: { attributes: Record<string, ImportValue>; slot: Slot; value: Typed }[],
): ImportRequirementRow {
  const out: ImportRequirementRow = {
    row,
    sourceRef: raw.id,
    key: null,
    parentRef,
    parentKey: null,
    title: "",
    statement: "",
    rationale: "",
    attributes: {},
  };
  let name = "";
  let chapter = "";
  let statementText = "";
  let foreignId = "";
  const given = new Set<string>();
  const what = `SPEC-OBJECT "${raw.id}"`;
  if (raw.type !== null && !doc.parsed.objectTypes.has(raw.type)) {
    problems.push(`${what} refers to SPEC-OBJECT-TYPE "${raw.type}", which is not defined`);
  }

  const apply = (value: RawValue, isDefault: boolean) => {
    const defId = value.definition ?? "";
    const def = doc.parsed.definitions.get(defId);
    if (!def) {
      problems.push(
        `${what} has a value for attribute definition "${defId}", which is not defined; the value was skipped`,
      );
      return;
    }
    if (given.has(defId)) return;
    given.add(defId);
    const role = doc.role(def);
    const typed = read(value, def, doc, (message) =>
      problems.push(`${isDefault ? "The default value" : what}: ${message}`),
    );
    if (!typed) return;
    const text = typed.kind === "markdown" ? typed.text : plain(typed);
    switch (role.kind) {
      case "title":
        name = text;
        break;
      case "chapter":
        chapter = text;
        break;
      case "statement":
        out.statement = typed.kind === "markdown" ? typed.markdown : text;
        statementText = text;
        break;
      case "rationale":
        out.rationale = typed.kind === "markdown" ? typed.markdown : text;
        break;
      case "key":
        out.key = text.trim() || null;
        break;
      case "tags":
        out.tags = text
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean);
        break;
      case "type":
      case "priority":
      case "status": {
        const v = typed.kind === "enum" ? typed.labels[0] : text.trim();
        if (v && role.allowed.has(v)) {
          if (role.kind === "type") out.type = v as RequirementType;
          else if (role.kind === "priority") out.priority = v as RequirementPriority;
          else out.status = v as RequirementStatus;
        }
        break;
      }
      case "foreignId":
        foreignId = text;
        pending.push({ attributes: out.attributes, slot: role.slot, value: { kind: "text", text: text.trim() } });
        break;
      case "custom":
        pending.push({ attributes: out.attributes, slot: role.slot, value: typed });
        break;
      default:
        break;
    }
  };

  for (const value of raw.values) apply(value, false);
  for (const def of doc.typeDefinitions.get(raw.type ?? "") ?? []) {
    if (def.defaultValue && !given.has(def.id)) apply({ ...def.defaultValue, definition: def.id }, true);
  }

  const firstLine = statementText.split("\n").find((l) => l.trim()) ?? "";
  out.title =
    [name, chapter, firstLine, raw.longName, foreignId].map(cutTitle).find(Boolean) ??
    `Untitled ${raw.id}`.slice(0, TITLE_MAX);
  return out;
}

/** A raw value as typed data, or null (reported) when it cannot be read. */
function read(value: RawValue, def: RawAttributeDefinition, doc: Doc, report: (message: string) => void): Typed | null {
  const text = value.text ?? "";
  switch (value.kind) {
    case "XHTML":
      return value.xhtml ? { kind: "markdown", ...value.xhtml } : { kind: "text", text };
    case "INTEGER":
    case "REAL": {
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n)) {
        report(`"${text}" is not a number (attribute "${def.longName}")`);
        return null;
      }
      return { kind: "number", value: n };
    }
    case "BOOLEAN": {
      const t = text.trim().toLowerCase();
      if (t === "true" || t === "1") return { kind: "boolean", value: true };
      if (t === "false" || t === "0") return { kind: "boolean", value: false };
      report(`"${text}" is not true or false (attribute "${def.longName}")`);
      return null;
    }
    case "DATE": {
      const date = readDate(text);
      if (!date) report(`"${text}" is not a date (attribute "${def.longName}")`);
      return date;
    }
    case "ENUMERATION": {
      const known = doc.parsed.datatypes.get(def.datatype ?? "")?.enumValues;
      const labels: string[] = [];
      for (const ref of value.enumRefs) {
        const label = known?.get(ref);
        if (label === undefined)
          report(`ENUM-VALUE "${ref}" is not defined (attribute "${def.longName}"); it was skipped`);
        else labels.push(label);
      }
      return { kind: "enum", labels };
    }
    default:
      return { kind: "text", text };
  }
}

/** xsd:dateTime (or a bare date) as UTC; a time without a zone is taken as UTC. */
function readDate(text: string): Typed | null {
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m) return null;
  const [, day, time, zone] = m;
  const ms = Date.parse(time ? `${day}T${time}${zone ?? "Z"}` : `${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString().replace(".000Z", "Z");
  return { kind: "date", iso, midnight: ms % 86_400_000 === 0 };
}

function plain(typed: Typed): string {
  switch (typed.kind) {
    case "text":
      return typed.text;
    case "markdown":
      return typed.text;
    case "enum":
      return typed.labels.join(", ");
    case "date":
      return typed.iso;
    default:
      return String(typed.value);
  }
}

/** A value in its slot's final type; null for nothing to store. */
function fitToSlot(value: Typed, slot: Slot): ImportValue | null {
  switch (slot.type) {
    case "date":
    case "dateTime":
      return value.kind === "date" ? (slot.allMidnight ? value.iso.slice(0, 10) : value.iso) : plain(value) || null;
    case "number":
    case "boolean":
      return value.kind === "number" || value.kind === "boolean" ? value.value : plain(value) || null;
    case "enum":
      return value.kind === "enum" ? (value.labels[0] ?? null) : plain(value) || null;
    case "multiEnum":
      return value.kind === "enum" ? (value.labels.length ? value.labels : null) : plain(value) || null;
    case "richText":
      return value.kind === "markdown" ? value.markdown : plain(value);
    default:
      return plain(value);
  }
}

/** A title: whitespace collapsed, at most 200 characters, cut at a word boundary with "…". */
export function cutTitle(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= TITLE_MAX) return t;
  const head = t.slice(0, TITLE_MAX - 1);
  const space = head.lastIndexOf(" ");
  return `${(space > TITLE_MAX / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/**
 * "Safety Level" → "safetyLevel", "ASIL" → "asil", "ReqIF.ForeignCreatedOn" → "foreignCreatedOn": never
 * empty, never starting with a digit.
 */
function keyFromLabel(label: string): string {
  const words = label
    .normalize("NFKD")
    .replace(/^ReqIF\./i, "")
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
  let key = KEY_PATTERN.test(wanted) ? wanted : keyFromLabel(wanted);
  if (RESERVED_KEYS.has(key)) key = `${key}Attr`;
  const base = key;
  for (let n = 2; used.has(key); n++) key = `${base.slice(0, 40 - String(n).length)}${n}`;
  used.add(key);
  return key;
}
