/**
 * GET /api/projects/<KEY>/export: a project's requirements, current or as a baseline froze them, as CSV,
 * Markdown, JSON and ReqIF 1.2, streamed in tree order across read batches. The ReqIF is well-formed XML
 * (read back with a streaming parser) with its hierarchy, rich text as XHTML and every attribute; access,
 * bad parameters and other projects' baselines get their typed answers.
 */
import { SaxesParser } from "saxes";
import { beforeAll, describe, expect, it } from "vitest";

import * as exportRoute from "@/app/api/projects/[key]/export/route";
import { db } from "@/server/db";

import { callerFor, createProjectWithCast } from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

const COUNT = 1_234;

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

async function download(userId: string | null, key: string, query: string) {
  const headers: Record<string, string> = userId ? { cookie: await sessionCookieFor(userId) } : {};
  const res = await exportRoute.GET(new Request(`http://localhost/api/projects/${key}/export?${query}`, { headers }), {
    params: Promise.resolve({ key }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Every 10th requirement is top-level; the nine after it are its children. Seeded in two statements. */
async function seedTree() {
  const prefix = `exp-${cast.key}-`;
  await db.$executeRaw`
    INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale,
                               type, priority, status, tags, "parentId", position, "createdById", "updatedById")
    SELECT ${prefix} || g, ${cast.project.id}, g, ${cast.key} || '-' || g, 1, 'Requirement ' || g,
           'Requirement ' || g || ' **shall** hold.', '', 'FUNCTIONAL', 'SHOULD', 'APPROVED', '{}',
           CASE WHEN g % 10 = 1 THEN NULL ELSE ${prefix} || (g - (g - 1) % 10) END, g,
           ${cast.maintainer.id}, ${cast.maintainer.id}
    FROM generate_series(1, ${COUNT}::int) g`;
  await db.$executeRaw`
    INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale,
                                      type, priority, status, tags, "parentId", position, "changeKind", "authorId")
    SELECT r.id || '-v1', r.id, r."projectId", 1, r.title, r.statement, r.rationale, r.type, r.priority, r.status,
           r.tags, r."parentId", r.position, 'created', r."createdById"
    FROM "Requirement" r WHERE r."projectId" = ${cast.project.id}`;
  await db.project.update({ where: { id: cast.project.id }, data: { requirementCounter: COUNT } });
}

/** Parses XML with a streaming, non-validating parser that refuses anything not well-formed. */
function parseXml(xml: string) {
  const parser = new SaxesParser({ xmlns: true });
  const elements: { name: string; depth: number; attributes: Record<string, string> }[] = [];
  const text: string[] = [];
  let depth = 0;
  parser.on("error", (err) => {
    throw err;
  });
  parser.on("opentag", (tag) => {
    const attributes = Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, v.value]));
    elements.push({ name: tag.name, depth, attributes });
    if (!tag.isSelfClosing) depth++;
  });
  parser.on("closetag", (tag) => {
    if (!tag.isSelfClosing) depth--;
  });
  parser.on("text", (t) => text.push(t));
  parser.write(xml).close();
  return { elements, text: text.join("") };
}

beforeAll(async () => {
  cast = await createProjectWithCast();
  await seedTree();
}, 120_000);

describe("exporting requirements", () => {
  it("streams CSV in tree order across batches, each row once", async () => {
    const res = await download(cast.reporter.id, cast.key, "format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${cast.key}-Current-state.csv"`);
    const lines = res.text.trim().split("\n");
    expect(lines[0]).toBe("Key,Version,Parent,Title,Type,Priority,Status,Tags,Statement,Rationale");
    const keys = lines.slice(1).map((l) => l.split(",")[0]);
    expect(keys).toHaveLength(COUNT);
    expect(new Set(keys).size).toBe(COUNT);
    // Parents before their children: 1, its nine children 2–10, then 11, …
    expect(keys.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, i) => `${cast.key}-${i + 1}`));
    expect(lines[2]).toContain(`,${cast.key}-1,Requirement 2,`);
  });

  it("writes ReqIF 1.2 that parses, with the hierarchy, XHTML text and the conventional attributes", async () => {
    const res = await download(cast.maintainer.id, cast.key, "format=reqif");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const { elements } = parseXml(res.text);
    const root = elements[0];
    expect(root?.name).toBe("REQ-IF");
    expect(root?.attributes.xmlns).toBe("http://www.omg.org/spec/ReqIF/20110401/reqif.xsd");
    expect(elements.filter((e) => e.name === "SPEC-OBJECT")).toHaveLength(COUNT);
    const names = elements
      .filter((e) => e.name.startsWith("ATTRIBUTE-DEFINITION-"))
      .map((e) => e.attributes["LONG-NAME"]);
    expect(names).toEqual(expect.arrayContaining(["ReqIF.ForeignID", "ReqIF.Name", "ReqIF.Text"]));
    const hierarchy = elements.filter((e) => e.name === "SPEC-HIERARCHY");
    expect(hierarchy).toHaveLength(COUNT);
    const depths = new Set(hierarchy.map((h) => h.depth));
    expect(depths.size).toBe(2);
    const [top, child] = [...depths].sort((a, b) => a - b);
    expect(hierarchy.filter((h) => h.depth === top)).toHaveLength(Math.ceil(COUNT / 10));
    expect(hierarchy.filter((h) => h.depth === child)).toHaveLength(COUNT - Math.ceil(COUNT / 10));
    expect(elements.some((e) => e.name === "xhtml:strong")).toBe(true);
  });

  it("exports a baseline as frozen, and text XML cannot hold stays well-formed", async () => {
    const owner = callerFor(cast.admin.id);
    const made = await owner.requirement.create({
      projectKey: cast.key,
      title: 'Escapes <tags> & "quotes"',
      statement: "Before the baseline.\n\n- one\n- two <b>raw</b>\u0001",
      rationale: "Because & why",
      tags: ["xml"],
    });
    const baseline = await owner.baseline.create({ projectKey: cast.key, name: "Frozen" });
    await owner.requirement.update({ key: made.key, expectedVersion: 1, statement: "After the baseline." });

    const frozen = await download(cast.admin.id, cast.key, `format=reqif&baseline=${baseline.id}`);
    expect(frozen.status).toBe(200);
    const { text } = parseXml(frozen.text);
    expect(frozen.text).toContain("Before the baseline.");
    expect(frozen.text).not.toContain("After the baseline.");
    expect(frozen.text).not.toContain("<b>");
    expect(text).toContain("raw");
    expect(frozen.text).toContain('THE-VALUE="Escapes &lt;tags&gt; &amp; &quot;quotes&quot;"');

    const now = await download(cast.admin.id, cast.key, "format=md");
    expect(now.text).toContain("After the baseline.");
    expect(now.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    const json = await download(cast.admin.id, cast.key, `format=json&baseline=${baseline.id}`);
    const parsed = JSON.parse(json.text) as { baseline: { name: string }; requirements: { key: string }[] };
    expect(parsed.baseline.name).toBe("Frozen");
    expect(parsed.requirements).toHaveLength(COUNT + 1);
  });

  it("streams the trace links one row each, across batches, with a reporter's file holding only their issues", async () => {
    const prefix = `exp-${cast.key}-`;
    // 7,200 requirement-to-requirement links (more than one read batch of 5,000): g refines, derives from and
    // conflicts with g + 1 and g + 2.
    await db.$executeRaw`
      INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId", "linkedVersion")
      SELECT 'lnk-' || ${cast.key} || '-' || g || '-' || d || '-' || t, ${cast.project.id}, t::"TraceLinkType",
             'R:' || ${prefix} || g, ${prefix} || g, ${prefix} || (g + d), 1
      FROM generate_series(1, 1200) g, generate_series(1, 2) d,
           unnest(ARRAY['REFINES', 'DERIVES_FROM', 'CONFLICTS_WITH']) t`;
    const admin = callerFor(cast.admin.id);
    const reporter = callerFor(cast.reporter.id);
    const hidden = await admin.issue.create({ projectKey: cast.key, title: "Admin's issue" });
    const own = await reporter.issue.create({ projectKey: cast.key, title: "Reporter's issue" });
    await admin.traceLink.create({ projectKey: cast.key, from: hidden.key, to: `${cast.key}-1`, type: "IMPLEMENTS" });
    await admin.traceLink.create({ projectKey: cast.key, from: own.key, to: `${cast.key}-1`, type: "VERIFIES" });

    const all = await download(cast.maintainer.id, cast.key, "format=links");
    expect(all.status).toBe(200);
    expect(all.headers.get("content-disposition")).toBe(`attachment; filename="${cast.key}-trace-links.csv"`);
    const lines = all.text.trim().split("\n");
    expect(lines[0]).toBe(
      "Requirement,Requirement title,Requirement status,Link,From,From title,From status,Suspect,Suspect since,Linked version,Current version",
    );
    expect(lines).toHaveLength(1 + 7200 + 2);
    expect(new Set(lines).size).toBe(lines.length);
    const targets = lines.slice(1).map((l) => Number(l.split(",")[0]?.split("-")[1]));
    expect(targets).toEqual([...targets].sort((a, b) => a - b));
    expect(all.text).toContain(`${hidden.key},Admin's issue,OPEN,no`);

    const mine = await download(cast.reporter.id, cast.key, "format=links&type=IMPLEMENTS&type=VERIFIES");
    expect(mine.text).toContain(own.key);
    expect(mine.text).not.toContain(hidden.key);
    expect(mine.text.trim().split("\n")).toHaveLength(2);

    const suspect = await download(cast.maintainer.id, cast.key, "format=links&suspectOnly=true");
    expect(suspect.text.trim().split("\n")).toHaveLength(1);
    expect((await download(cast.maintainer.id, cast.key, "format=links&type=BOGUS")).status).toBe(400);
  });

  it("answers 401 without credentials, 404 to outsiders and for other projects' baselines, 400 for bad parameters", async () => {
    expect((await download(null, cast.key, "format=csv")).status).toBe(401);
    expect((await download(cast.nonMember.id, cast.key, "format=csv")).status).toBe(404);
    const other = await createProjectWithCast();
    const foreign = await callerFor(other.admin.id).baseline.create({ projectKey: other.key, name: "Theirs" });
    expect((await download(cast.admin.id, cast.key, `format=csv&baseline=${foreign.id}`)).status).toBe(404);
    const bad = await download(cast.admin.id, cast.key, "format=pdf");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("format must be one of csv, md, json, reqif, links");
    expect((await download(cast.admin.id, "not a key", "format=csv")).status).toBe(400);
  });
});
