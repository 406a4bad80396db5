/**
 * Rich text, multi-valued enums and date-times as custom attributes, end to end: defined in the project's
 * settings, written and read through tRPC in their stored forms, kept by history, diff, restore and baseline
 * compare, refused with a BAD_REQUEST that names the attribute, and exported as CSV, Markdown, JSON and ReqIF
 * (parsed with a streaming XML parser: XHTML, a MULTI-VALUED enumeration, DATE values).
 */
import { SaxesParser } from "saxes";
import { beforeAll, describe, expect, it } from "vitest";

import * as exportRoute from "@/app/api/projects/[key]/export/route";
import { XHTML_NAMESPACE } from "@/server/services/exports/xml";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

const ATTRIBUTES = [
  { key: "notes", label: "Design notes", type: "richText" as const, required: false },
  {
    key: "platforms",
    label: "Platforms",
    type: "multiEnum" as const,
    required: false,
    options: ["web", "ios", "android"],
  },
  { key: "review", label: "Review at", type: "dateTime" as const, required: false },
  { key: "owner", label: "Owner", type: "text" as const, required: false },
];

const NOTES_V1 = "## Approach\n\nUse **idempotency keys** so retries are safe.\n\n- web first\n- then `x < y` apps";
const NOTES_V2 = "## Approach\n\nUse **idempotency keys** on every write.";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;

beforeAll(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
  const admin = callerFor(cast.admin.id);
  const project = await admin.project.byKey({ projectKey: cast.key });
  await admin.project.update({
    projectKey: cast.key,
    expectedVersion: project.version,
    settings: { requirementAttributes: ATTRIBUTES },
  });
});

async function download(query: string) {
  const res = await exportRoute.GET(
    new Request(`http://localhost/api/projects/${cast.key}/export?${query}`, {
      headers: { cookie: await sessionCookieFor(cast.maintainer.id) },
    }),
    { params: Promise.resolve({ key: cast.key }) },
  );
  expect(res.status).toBe(200);
  return res.text();
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      rows.push([...row, field]);
      row = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** The document as a tree, parsed by a non-validating streaming parser that refuses anything not well-formed. */
function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: "#document", attributes: {}, children: [], text: "" };
  const open: XmlNode[] = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag) => {
    const prefix = tag.uri === XHTML_NAMESPACE ? "xhtml:" : "";
    const node: XmlNode = {
      name: `${prefix}${tag.local}`,
      attributes: Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, v.value])),
      children: [],
      text: "",
    };
    open.at(-1)?.children.push(node);
    open.push(node);
  });
  parser.on("closetag", () => {
    open.pop();
  });
  parser.on("text", (t) => {
    for (const node of open) node.text += t;
  });
  parser.write(xml).close();
  return root;
}

/** The elements called `name` under `node`, in document order. */
function findAll(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.name === name) found.push(n);
    stack.push(...[...n.children].reverse());
  }
  return found;
}

function findOne(node: XmlNode, name: string, where: (n: XmlNode) => boolean = () => true): XmlNode {
  const hit = findAll(node, name).filter(where);
  expect(hit, name).toHaveLength(1);
  return hit[0] as XmlNode;
}

describe("rich text, multi-valued enum and date-time attributes", () => {
  it("define, write, read, version, diff, restore, compare and export", async () => {
    const created = await maint.requirement.create({
      projectKey: cast.key,
      title: "Retry payments safely",
      statement: "Payments **shall** be retried.",
      attributes: {
        notes: NOTES_V1,
        platforms: ["android", "web", "android"],
        review: "2026-11-22T15:30:00+01:00",
        owner: "Payments team",
      },
    });
    const v1 = {
      notes: NOTES_V1,
      platforms: ["web", "android"],
      review: "2026-11-22T14:30:00.000Z",
      owner: "Payments team",
    };
    expect(created.attributes).toEqual(v1);
    expect((await maint.requirement.byKey({ key: created.key })).attributes).toEqual(v1);

    const updated = await maint.requirement.update({
      key: created.key,
      expectedVersion: 1,
      attributes: { notes: NOTES_V2, platforms: ["ios", "web"], review: "2027-03-01T09:00:00.250-05:00", owner: "" },
    });
    const v2 = { notes: NOTES_V2, platforms: ["web", "ios"], review: "2027-03-01T14:00:00.250Z" };
    expect(updated).toMatchObject({ version: 2, attributes: v2 });

    // An edit that leaves the attributes alone keeps them as they are.
    const retitled = await maint.requirement.update({ key: created.key, expectedVersion: 2, title: "Retry safely" });
    expect(retitled).toMatchObject({ version: 3, attributes: v2 });
    // The same options in another order are no change: nothing new is written.
    const same = await maint.requirement.update({
      key: created.key,
      expectedVersion: 3,
      attributes: { ...v2, platforms: ["ios", "web"], review: "2027-03-01T15:00:00.250+01:00" },
    });
    expect(same.version).toBe(3);

    const history = await maint.requirement.history({ key: created.key });
    expect(history.items.map((h) => h.version)).toEqual([3, 2, 1]);

    const diff = await maint.requirement.diff({ key: created.key, from: 1, to: 2 });
    expect(diff.from.snapshot.attributes).toEqual(v1);
    expect(diff.to.snapshot.attributes).toEqual(v2);
    const byField = Object.fromEntries(diff.changes.map((c) => [c.field, c]));
    expect(Object.keys(byField).sort()).toEqual([
      "attributes.notes",
      "attributes.owner",
      "attributes.platforms",
      "attributes.review",
    ]);
    expect(byField["attributes.platforms"]).toEqual({
      field: "attributes.platforms",
      kind: "list",
      before: ["web", "android"],
      after: ["web", "ios"],
      added: ["ios"],
      removed: ["android"],
    });
    expect(byField["attributes.notes"]).toMatchObject({ kind: "text", before: NOTES_V1, after: NOTES_V2 });
    expect(byField["attributes.review"]).toMatchObject({ before: v1.review, after: v2.review });
    expect(byField["attributes.owner"]).toMatchObject({ kind: "value", before: "Payments team", after: null });

    const baseline = await maint.baseline.create({ projectKey: cast.key, name: "Before restore" });
    const frozen = await maint.baseline.byId({ projectKey: cast.key, id: baseline.id });
    expect(frozen.items.find((i) => i.key === created.key)?.attributes).toEqual(v2);

    const restored = await maint.requirement.restore({ key: created.key, expectedVersion: 3, version: 1 });
    expect(restored).toMatchObject({ version: 4, attributes: v1 });
    // Restoring brings back the whole content, title included: nothing differs from version 1.
    expect((await maint.requirement.diff({ key: created.key, from: 1, to: 4 })).changes).toEqual([]);

    const compared = await maint.baseline.compare({ projectKey: cast.key, from: baseline.id, to: "HEAD" });
    const changed = compared.changed.find((c) => c.key === created.key);
    expect(changed?.changes.find((c) => c.field === "attributes.platforms")).toMatchObject({
      kind: "list",
      added: ["android"],
      removed: ["ios"],
    });

    // Exports of HEAD (version 4, the values of version 1).
    const csv = parseCsv(await download("format=csv"));
    const header = csv[0] ?? [];
    expect(header.slice(-4)).toEqual(["Design notes", "Platforms", "Review at", "Owner"]);
    const row = csv.find((r) => r[0] === created.key) ?? [];
    expect(row.slice(-4)).toEqual([NOTES_V1, "web; android", "2026-11-22T14:30:00.000Z", "Payments team"]);

    const md = await download("format=md");
    expect(md).toContain("| Platforms | web; android |");
    expect(md).toContain("| Review at | 2026-11-22T14:30:00.000Z |");
    expect(md).toContain(`*Design notes:*\n\n${NOTES_V1}\n`);
    expect(md).not.toContain("| Design notes |");

    const json = JSON.parse(await download("format=json")) as {
      requirements: { key: string; attributes: Record<string, unknown> }[];
    };
    expect(json.requirements.find((r) => r.key === created.key)?.attributes).toEqual(v1);
    const frozenJson = JSON.parse(await download(`format=json&baseline=${baseline.id}`)) as typeof json;
    expect(frozenJson.requirements.find((r) => r.key === created.key)?.attributes).toEqual(v2);

    const reqif = parseXml(await download("format=reqif"));
    const definition = (kind: string, label: string) =>
      findOne(reqif, `ATTRIBUTE-DEFINITION-${kind}`, (n) => n.attributes["LONG-NAME"] === label);
    const platformsDef = definition("ENUMERATION", "Platforms");
    expect(platformsDef.attributes["MULTI-VALUED"]).toBe("true");
    const notesDef = definition("XHTML", "Design notes");
    const reviewDef = definition("DATE", "Review at");
    const ownerDef = definition("STRING", "Owner");
    // The type, priority and status enumerations stay single-valued.
    const single = findAll(reqif, "ATTRIBUTE-DEFINITION-ENUMERATION").filter((n) => n !== platformsDef);
    expect(single.map((n) => n.attributes["MULTI-VALUED"])).toEqual(["false", "false", "false"]);

    const datatypeRef = findOne(platformsDef, "DATATYPE-DEFINITION-ENUMERATION-REF").text;
    const datatype = findOne(reqif, "DATATYPE-DEFINITION-ENUMERATION", (n) => n.attributes.IDENTIFIER === datatypeRef);
    const optionNames = new Map(
      findAll(datatype, "ENUM-VALUE").map((v) => [v.attributes.IDENTIFIER, v.attributes["LONG-NAME"]]),
    );
    expect([...optionNames.values()].sort()).toEqual(["android", "ios", "web"]);

    const object = findOne(reqif, "SPEC-OBJECT", (n) => n.attributes["LONG-NAME"] === created.key);
    const attributeValue = (kind: string, def: XmlNode) =>
      findOne(object, `ATTRIBUTE-VALUE-${kind}`, (v) =>
        findAll(v, `ATTRIBUTE-DEFINITION-${kind}-REF`).some((r) => r.text === def.attributes.IDENTIFIER),
      );
    const platforms = attributeValue("ENUMERATION", platformsDef);
    expect(findAll(platforms, "ENUM-VALUE-REF").map((r) => optionNames.get(r.text))).toEqual(["web", "android"]);
    expect(attributeValue("DATE", reviewDef).attributes["THE-VALUE"]).toBe("2026-11-22T14:30:00.000Z");
    expect(attributeValue("STRING", ownerDef).attributes["THE-VALUE"]).toBe("Payments team");
    const notes = attributeValue("XHTML", notesDef);
    expect(findAll(notes, "xhtml:h2").map((h) => h.text)).toEqual(["Approach"]);
    expect(findAll(notes, "xhtml:strong").map((s) => s.text)).toEqual(["idempotency keys"]);
    expect(findAll(notes, "xhtml:li")).toHaveLength(2);
    expect(findOne(notes, "xhtml:code").text).toBe("x < y");
  });

  it("leaves out empty values and counts an empty list as none", async () => {
    const r = await maint.requirement.create({
      projectKey: cast.key,
      title: "Nothing chosen",
      attributes: { platforms: [], notes: "", review: null },
    });
    expect(r.attributes).toEqual({});
    const reqif = parseXml(await download("format=reqif"));
    const object = findOne(reqif, "SPEC-OBJECT", (n) => n.attributes["LONG-NAME"] === r.key);
    expect(findAll(object, "ATTRIBUTE-VALUE-ENUMERATION")).toHaveLength(3);
    expect(findAll(object, "ATTRIBUTE-VALUE-DATE")).toHaveLength(0);
  });

  it("refuses bad values with a BAD_REQUEST naming the attribute, and writes nothing", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Guarded" });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ platforms: ["web", "windows"] }, /^Attribute "platforms": "windows" is not one of web, ios, android$/],
      [{ platforms: "web" }, /^Attribute "platforms": must be a list of options/],
      [{ review: "2026-11-22T14:30:00" }, /^Attribute "review": must be a date and time with an offset or Z/],
      [{ review: "-100000-01-01T00:00:00Z" }, /^Attribute "review": must be a date and time with an offset or Z/],
      [{ review: "+275760-09-13T00:00:00Z" }, /^Attribute "review": must be a date and time with an offset or Z/],
      [{ review: "9999-12-31T23:30:00-01:00" }, /^Attribute "review": .*years 0001 to 9999/],
      [{ review: 1_700_000_000_000 }, /^Attribute "review": must be a date and time/],
      [{ owner: "x".repeat(2_001) }, /^Attribute "owner": must be at most 2000 characters$/],
      [{ notes: 42 }, /^Attribute "notes": must be text$/],
    ];
    for (const [attributes, message] of cases) {
      const err = await expectTRPCError(
        maint.requirement.update({ key: r.key, expectedVersion: 1, attributes: attributes as never }),
        "BAD_REQUEST",
      );
      expect(err.message, JSON.stringify(attributes).slice(0, 80)).toMatch(message);
    }
    // Past any attribute's length, or more options than a definition may offer: refused by the input schema.
    for (const attributes of [
      { notes: "x".repeat(20_001) },
      { platforms: Array.from({ length: 51 }, () => "web") },
      { platforms: [1, 2] },
    ]) {
      await expectTRPCError(
        maint.requirement.update({ key: r.key, expectedVersion: 1, attributes: attributes as never }),
        "BAD_REQUEST",
      );
    }
    const notes = await maint.requirement.update({
      key: r.key,
      expectedVersion: 1,
      attributes: { notes: "x".repeat(20_000) },
    });
    expect(notes).toMatchObject({ version: 2 });
    expect((await maint.requirement.history({ key: r.key })).items).toHaveLength(2);
  });
});
