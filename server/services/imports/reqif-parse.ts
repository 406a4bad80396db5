/**
 * The streaming half of the ReqIF reader: a ReqIF 1.2 document, fed a chunk at a time, read with saxes into
 * the parts the mapping needs (server/services/imports/reqif-rows.ts) — datatypes, attribute definitions,
 * objects with their raw values, specifications and their hierarchies. No DOM of the file is built and nothing
 * recurses over it: the SPEC-HIERARCHY tree is kept as flat nodes with child indices, built with an explicit
 * stack of open elements. XHTML values are collected and turned into Markdown as each one closes.
 *
 * Everything is resolved afterwards, because the ReqIF schema lets elements come in any order (tools do
 * write an object's VALUES before its TYPE, and SPEC-OBJECTS before DATATYPES).
 *
 * Hostile input is refused with BAD_REQUEST: a DOCTYPE (its entities could expand without bound or read local
 * files; saxes expands none, and we stop before it is read), an undefined entity, a root other than ReqIF 1.2's,
 * malformed XML (with its line), bytes that are not UTF-8, and anything past the limits.
 */
import { SaxesParser, type SaxesTagPlain } from "saxes";

import { AppError } from "@/server/errors";

import { type ConvertedXhtml, XhtmlCollector } from "./xhtml-markdown";

export const REQIF_NAMESPACE = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd";

export interface ReqifLimits {
  /** SPEC-OBJECTs in a file (a file may hold twice as many SPEC-HIERARCHY entries). */
  maxObjects: number;
  /** ATTRIBUTE-DEFINITIONs in a file, and separately DATATYPE-DEFINITIONs. */
  maxAttributeDefinitions: number;
  /** Characters of one value: an attribute's text, or the text and markup of one XHTML value. */
  maxValueLength: number;
  /** Elements nested inside one XHTML value. */
  maxXhtmlDepth: number;
  /** Uncompressed bytes of all the entries of a .reqifz together. */
  maxTotalBytes: number;
  /** Uncompressed bytes of one entry of a .reqifz. */
  maxEntryBytes: number;
  /** Entries (files and folders) in a .reqifz. */
  maxEntries: number;
}

export const DEFAULT_REQIF_LIMITS: ReqifLimits = {
  maxObjects: 100_000,
  maxAttributeDefinitions: 2_000,
  maxValueLength: 1_048_576,
  maxXhtmlDepth: 64,
  maxTotalBytes: 200 * 1_048_576,
  maxEntryBytes: 200 * 1_048_576,
  maxEntries: 1_000,
};

export const VALUE_KINDS = ["STRING", "XHTML", "INTEGER", "REAL", "BOOLEAN", "DATE", "ENUMERATION"] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];
const isKind = (s: string): s is ValueKind => (VALUE_KINDS as readonly string[]).includes(s);

export interface RawValue {
  kind: ValueKind;
  /** The ATTRIBUTE-DEFINITION it refers to. */
  definition: string | null;
  /** THE-VALUE of a STRING, INTEGER, REAL, BOOLEAN or DATE value. */
  text: string | null;
  xhtml: ConvertedXhtml | null;
  /** The ENUM-VALUE-REFs of an ENUMERATION value. */
  enumRefs: string[];
}

export interface RawDatatype {
  kind: ValueKind;
  /** ENUM-VALUE identifier → its label, in the file's order. */
  enumValues: Map<string, string>;
}

export interface RawAttributeDefinition {
  id: string;
  kind: ValueKind;
  longName: string;
  datatype: string | null;
  multiValued: boolean;
  /** The SPEC-OBJECT-TYPE that defines it; null for the attributes of specifications and relations. */
  objectType: string | null;
  defaultValue: RawValue | null;
}

export interface RawObject {
  id: string;
  longName: string;
  type: string | null;
  values: RawValue[];
}

export interface RawHierarchy {
  id: string;
  object: string | null;
  /** Indices into ParsedReqif.hierarchy, in document order. */
  children: number[];
}

export interface RawSpecification {
  id: string;
  longName: string;
  roots: number[];
}

export interface ParsedReqif {
  /** REQ-IF-TOOL-ID and SOURCE-TOOL-ID of the header. */
  toolIds: string[];
  datatypes: Map<string, RawDatatype>;
  definitions: Map<string, RawAttributeDefinition>;
  objectTypes: Set<string>;
  objects: RawObject[];
  specifications: RawSpecification[];
  hierarchy: RawHierarchy[];
}

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/** Reads one ReqIF document; `name` (a .reqifz entry) prefixes error messages. */
export class ReqifParser {
  /** Namespaces are resolved by NamespaceScope, not by saxes (see there why). */
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private readonly namespaces = new NamespaceScope();
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly out: ParsedReqif = {
    toolIds: [],
    datatypes: new Map(),
    definitions: new Map(),
    objectTypes: new Set(),
    objects: [],
    specifications: [],
    hierarchy: [],
  };
  private readonly where: string;

  /** Local names of the open ReqIF elements (XHTML inside a value and skipped subtrees are not on it). */
  private readonly path: string[] = [];
  /** Open elements of a subtree being skipped (tool extensions, original values, foreign elements). */
  private skipping = 0;
  private sawRoot = false;
  /** The end of the text before the root, to find a DOCTYPE split across chunks. */
  private prologTail = "";
  private text: string[] | null = null;
  private textLength = 0;

  // What is open, each with the depth of `path` at which it opened.
  private datatype: { at: number; value: RawDatatype } | null = null;
  private enumValue: { at: number; id: string; longName: string | null; other: string | null } | null = null;
  private specType: { at: number; id: string; isObjectType: boolean } | null = null;
  private definition: { at: number; value: RawAttributeDefinition } | null = null;
  private object: { at: number; value: RawObject } | null = null;
  private value: { at: number; value: RawValue; keep: (v: RawValue) => void } | null = null;
  private specification: { at: number; value: RawSpecification } | null = null;
  private readonly openHierarchy: { at: number; index: number }[] = [];
  private xhtml: { collector: XhtmlCollector; depth: number } | null = null;

  private counts = { datatypes: 0, definitions: 0 };

  constructor(
    private readonly limits: ReqifLimits,
    name?: string,
  ) {
    this.where = name ? `${name}: ` : "";
    const p = this.parser;
    p.on("error", (err) => {
      const reason = err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, "");
      if (!this.sawRoot && reason.startsWith("text data outside of root node")) {
        throw bad(`${this.where}The file is not XML: it starts with text rather than an element`);
      }
      throw bad(`${this.where}The file is not well-formed XML (line ${p.line}, column ${p.column}): ${reason}`);
    });
    p.on("doctype", () => {
      throw this.doctypeRefused();
    });
    p.on("opentag", (tag) => this.open(tag));
    p.on("closetag", () => this.close());
    p.on("text", (t) => this.onText(t));
    p.on("cdata", (t) => this.onText(t));
  }

  write(chunk: Uint8Array | string): void {
    let text: string;
    try {
      text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    } catch {
      throw bad(`${this.where}The file is not UTF-8 text; ReqIF files are XML in UTF-8`);
    }
    if (!this.sawRoot) {
      // Refused before saxes buffers the declaration: its internal subset may be huge.
      const probe = this.prologTail + text;
      if (probe.includes("<!DOCTYPE")) throw this.doctypeRefused();
      this.prologTail = probe.slice(-8);
    }
    this.parser.write(text);
  }

  end(): ParsedReqif {
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      throw bad(`${this.where}The file is not UTF-8 text; ReqIF files are XML in UTF-8`);
    }
    if (rest) this.parser.write(rest);
    if (!this.sawRoot) throw bad(`${this.where}The file has no XML root element: it is not a ReqIF 1.2 document`);
    this.parser.close();
    return this.out;
  }

  private doctypeRefused() {
    return bad(
      `${this.where}The file has a DOCTYPE declaration, which ReqIF files never need; it is refused because its entities could expand without bound or read files`,
    );
  }

  private open(tag: SaxesTagPlain): void {
    this.namespaces.enter(tag.attributes);
    const colon = tag.name.indexOf(":");
    const local = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    const prefix = colon < 0 ? "" : tag.name.slice(0, colon);
    const uri = this.namespaces.uri(prefix);
    if (prefix && !uri) this.parser.fail(`unbound namespace prefix: "${prefix}".`);
    if (this.skipping > 0) {
      this.skipping++;
      return;
    }
    if (this.xhtml) {
      this.xhtml.depth++;
      this.xhtml.collector.open(local, localNames(tag.attributes));
      return;
    }
    if (!this.sawRoot) {
      this.sawRoot = true;
      if (local !== "REQ-IF" || uri !== REQIF_NAMESPACE) {
        const found = uri ? `<${local}> in namespace ${uri}` : `<${local}> without a namespace`;
        throw bad(
          `${this.where}This is not a ReqIF 1.2 document: expected <REQ-IF> in namespace ${REQIF_NAMESPACE}, found ${found}`,
        );
      }
    }
    for (const name in tag.attributes) {
      const length = tag.attributes[name]?.length ?? 0;
      if (length > this.limits.maxValueLength) this.tooLong(`The attribute ${name}`);
    }
    if (uri !== REQIF_NAMESPACE || local === "TOOL-EXTENSIONS" || local === "THE-ORIGINAL-VALUE") {
      this.skipping = 1;
      return;
    }
    const parent = this.path[this.path.length - 1];
    const grandparent = this.path[this.path.length - 2];
    this.path.push(local);
    const at = this.path.length;
    const attr = (name: string) => tag.attributes[name] ?? null;
    const id = attr("IDENTIFIER") ?? "";
    const longName = attr("LONG-NAME") ?? "";

    if (local.endsWith("-REF") || local === "REQ-IF-TOOL-ID" || local === "SOURCE-TOOL-ID") {
      this.text = [];
      this.textLength = 0;
    } else if (parent === "DATATYPES" && local.startsWith("DATATYPE-DEFINITION-")) {
      const kind = local.slice("DATATYPE-DEFINITION-".length);
      if (++this.counts.datatypes > this.limits.maxAttributeDefinitions) {
        throw bad(`${this.where}The file has more than ${this.limits.maxAttributeDefinitions} datatype definitions`);
      }
      if (isKind(kind)) {
        const value: RawDatatype = { kind, enumValues: new Map() };
        this.out.datatypes.set(id, value);
        this.datatype = { at, value };
      }
    } else if (local === "ENUM-VALUE" && parent === "SPECIFIED-VALUES" && this.datatype) {
      this.enumValue = { at, id, longName: attr("LONG-NAME"), other: null };
    } else if (local === "EMBEDDED-VALUE" && this.enumValue) {
      this.enumValue.other = attr("OTHER-CONTENT");
    } else if (parent === "SPEC-TYPES") {
      const isObjectType = local === "SPEC-OBJECT-TYPE";
      if (isObjectType) this.out.objectTypes.add(id);
      this.specType = { at, id, isObjectType };
    } else if (parent === "SPEC-ATTRIBUTES" && local.startsWith("ATTRIBUTE-DEFINITION-")) {
      if (++this.counts.definitions > this.limits.maxAttributeDefinitions) {
        throw bad(`${this.where}The file has more than ${this.limits.maxAttributeDefinitions} attribute definitions`);
      }
      const kind = local.slice("ATTRIBUTE-DEFINITION-".length);
      if (isKind(kind)) {
        const value: RawAttributeDefinition = {
          id,
          kind,
          longName,
          datatype: null,
          multiValued: attr("MULTI-VALUED") === "true",
          objectType: this.specType?.isObjectType ? this.specType.id : null,
          defaultValue: null,
        };
        this.out.definitions.set(id, value);
        this.definition = { at, value };
      }
    } else if (local === "SPEC-OBJECT" && parent === "SPEC-OBJECTS") {
      if (this.out.objects.length >= this.limits.maxObjects) {
        throw bad(`${this.where}The file has more than ${this.limits.maxObjects.toLocaleString("en")} objects`);
      }
      const value: RawObject = { id, longName, type: null, values: [] };
      this.out.objects.push(value);
      this.object = { at, value };
    } else if (local.startsWith("ATTRIBUTE-VALUE-") && !this.value) {
      const kind = local.slice("ATTRIBUTE-VALUE-".length);
      const object = this.object?.value;
      const definition = this.definition?.value;
      let keep: ((v: RawValue) => void) | null = null;
      if (parent === "VALUES" && object && grandparent === "SPEC-OBJECT") keep = (v) => object.values.push(v);
      else if (parent === "DEFAULT-VALUE" && definition) keep = (v) => (definition.defaultValue = v);
      if (isKind(kind) && keep) {
        const value: RawValue = { kind, definition: null, text: attr("THE-VALUE"), xhtml: null, enumRefs: [] };
        this.value = { at, value, keep };
      }
    } else if (local === "THE-VALUE" && this.value?.value.kind === "XHTML" && parent?.startsWith("ATTRIBUTE-VALUE-")) {
      const where = this.object ? `a value of SPEC-OBJECT "${this.object.value.id}"` : "a default value";
      this.xhtml = {
        collector: new XhtmlCollector(
          { maxDepth: this.limits.maxXhtmlDepth, maxLength: this.limits.maxValueLength },
          where,
        ),
        depth: 0,
      };
    } else if (local === "SPECIFICATION" && parent === "SPECIFICATIONS") {
      const value: RawSpecification = { id, longName, roots: [] };
      this.out.specifications.push(value);
      this.specification = { at, value };
    } else if (local === "SPEC-HIERARCHY" && this.specification && parent === "CHILDREN") {
      const h = this.out.hierarchy;
      if (h.length >= 2 * this.limits.maxObjects) {
        throw bad(`${this.where}The file has more than ${2 * this.limits.maxObjects} hierarchy entries`);
      }
      const parentNode = this.openHierarchy[this.openHierarchy.length - 1];
      h.push({ id, object: null, children: [] });
      if (parentNode) h[parentNode.index]?.children.push(h.length - 1);
      else this.specification.value.roots.push(h.length - 1);
      this.openHierarchy.push({ at, index: h.length - 1 });
    }
  }

  private close(): void {
    this.namespaces.leave();
    if (this.skipping > 0) {
      this.skipping--;
      return;
    }
    if (this.xhtml) {
      if (this.xhtml.depth > 0) {
        this.xhtml.depth--;
        this.xhtml.collector.close();
        return;
      }
      if (this.value) this.value.value.xhtml = this.xhtml.collector.finish();
      this.xhtml = null;
    }
    const at = this.path.length;
    const local = this.path.pop();
    if (this.text && local) {
      this.closeText(local, this.text.join("").trim());
      this.text = null;
      return;
    }
    if (this.value?.at === at) {
      this.value.keep(this.value.value);
      this.value = null;
    } else if (this.enumValue?.at === at) {
      const label = this.enumValue.longName?.trim() || this.enumValue.other?.trim() || this.enumValue.id;
      this.datatype?.value.enumValues.set(this.enumValue.id, label);
      this.enumValue = null;
    } else if (this.datatype?.at === at) this.datatype = null;
    else if (this.definition?.at === at) this.definition = null;
    else if (this.specType?.at === at) this.specType = null;
    else if (this.object?.at === at) this.object = null;
    else if (this.specification?.at === at) this.specification = null;
    else if (this.openHierarchy[this.openHierarchy.length - 1]?.at === at) this.openHierarchy.pop();
  }

  /** A reference or header field has closed: `path` now ends with its wrapper (TYPE, DEFINITION, VALUES, OBJECT). */
  private closeText(local: string, text: string): void {
    const wrapper = this.path[this.path.length - 1];
    const owner = this.path[this.path.length - 2] ?? "";
    if (local === "REQ-IF-TOOL-ID" || local === "SOURCE-TOOL-ID") {
      if (wrapper === "REQ-IF-HEADER") this.out.toolIds.push(text);
    } else if (wrapper === "TYPE" && this.definition?.at === this.path.length - 1 && local.startsWith("DATATYPE-")) {
      this.definition.value.datatype = text;
    } else if (local === "SPEC-OBJECT-TYPE-REF" && wrapper === "TYPE" && this.object?.at === this.path.length - 1) {
      this.object.value.type = text;
    } else if (wrapper === "DEFINITION" && this.value && owner.startsWith("ATTRIBUTE-VALUE-")) {
      this.value.value.definition = text;
    } else if (
      local === "ENUM-VALUE-REF" &&
      wrapper === "VALUES" &&
      this.value &&
      owner.startsWith("ATTRIBUTE-VALUE-")
    ) {
      this.value.value.enumRefs.push(text);
    } else if (local === "SPEC-OBJECT-REF" && wrapper === "OBJECT" && owner === "SPEC-HIERARCHY") {
      const open = this.openHierarchy[this.openHierarchy.length - 1];
      const node = open && open.at === this.path.length - 1 ? this.out.hierarchy[open.index] : undefined;
      if (node) node.object = text;
    }
  }

  private onText(text: string): void {
    if (this.skipping > 0) return;
    if (this.xhtml) this.xhtml.collector.text(text);
    else if (this.text) {
      this.textLength += text.length;
      if (this.textLength > this.limits.maxValueLength)
        this.tooLong(`The text of <${this.path[this.path.length - 1]}>`);
      this.text.push(text);
    }
  }

  private tooLong(what: string): never {
    throw bad(
      `${this.where}${what} (line ${this.parser.line}) is longer than ${this.limits.maxValueLength.toLocaleString("en")} characters`,
    );
  }
}

/** Attributes by local name (an XHTML attribute may come with a prefix). */
function localNames(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in attributes) out[name.slice(name.indexOf(":") + 1)] = attributes[name] as string;
  return out;
}

/**
 * The namespace bindings in scope, each prefix resolved in constant time. saxes can track namespaces itself
 * (`xmlns: true`), but it resolves every element's prefix by walking up all open elements, which makes a
 * deep document quadratic: a 5,000-deep hierarchy took over a second, and a hostile file nested deeper
 * could keep a server busy for hours.
 */
class NamespaceScope {
  private readonly uris = new Map<string, string[]>([["xml", ["http://www.w3.org/XML/1998/namespace"]]]);
  /** The prefixes each open element declared (null for most: none). */
  private readonly frames: (string[] | null)[] = [];

  enter(attributes: Record<string, string>): void {
    let declared: string[] | null = null;
    for (const name in attributes) {
      if (name !== "xmlns" && !name.startsWith("xmlns:")) continue;
      const prefix = name === "xmlns" ? "" : name.slice("xmlns:".length);
      let stack = this.uris.get(prefix);
      if (!stack) {
        stack = [];
        this.uris.set(prefix, stack);
      }
      stack.push((attributes[name] ?? "").trim());
      if (declared) declared.push(prefix);
      else declared = [prefix];
    }
    this.frames.push(declared);
  }

  leave(): void {
    for (const prefix of this.frames.pop() ?? []) this.uris.get(prefix)?.pop();
  }

  uri(prefix: string): string | undefined {
    const stack = this.uris.get(prefix);
    return stack?.[stack.length - 1];
  }
}
