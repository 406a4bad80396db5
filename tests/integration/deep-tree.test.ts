/**
 * A requirement tree 10,000 levels deep is read, moved, baselined, compared
 * and exported like any other: the walks iterate, so depth costs memory and
 * time in proportion, never the JavaScript stack.
 */
import { SaxesParser } from "saxes";
import { beforeAll, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

const DEPTH = 10_000;

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;
const keyAt = (level: number) => `${cast.key}-${level}`;

/** Level 1 is top-level; level n is the only child of level n − 1. Seeded in two statements. */
async function seedChain() {
  const prefix = `deep-${cast.key}-`;
  await db.$executeRaw`
    INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale,
                               type, priority, status, tags, "parentId", position, "createdById", "updatedById")
    SELECT ${prefix} || g, ${cast.project.id}, g, ${cast.key} || '-' || g, 1, 'Level ' || g, 'Level ' || g || ' shall hold.', '',
           'FUNCTIONAL', 'SHOULD', 'DRAFT', '{}', CASE WHEN g = 1 THEN NULL ELSE ${prefix} || (g - 1) END, 1,
           ${cast.maintainer.id}, ${cast.maintainer.id}
    FROM generate_series(1, ${DEPTH}::int) g`;
  await db.$executeRaw`
    INSERT INTO "RequirementVersion" (id, "requirementId", "projectId", version, title, statement, rationale,
                                      type, priority, status, tags, "parentId", position, "changeKind", "authorId")
    SELECT r.id || '-v1', r.id, r."projectId", 1, r.title, r.statement, r.rationale, r.type, r.priority, r.status,
           r.tags, r."parentId", r.position, 'created', r."createdById"
    FROM "Requirement" r WHERE r."projectId" = ${cast.project.id}`;
  await db.project.update({ where: { id: cast.project.id }, data: { requirementCounter: DEPTH } });
}

beforeAll(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
  await seedChain();
}, 300_000);

describe(`a requirement tree ${DEPTH.toLocaleString("en")} levels deep`, () => {
  it("is read in tree order with every depth and parent", { timeout: 120_000 }, async () => {
    const { nodes } = await maint.requirement.tree({ projectKey: cast.key });
    expect(nodes).toHaveLength(DEPTH);
    expect(nodes[0]).toMatchObject({ key: keyAt(1), depth: 0, parentKey: null });
    expect(nodes[DEPTH - 1]).toMatchObject({ key: keyAt(DEPTH), depth: DEPTH - 1, parentKey: keyAt(DEPTH - 1) });
    expect(nodes.every((n, i) => n.depth === i)).toBe(true);
  });

  it("refuses a move under its own deepest descendant and accepts moves at the bottom", {
    timeout: 120_000,
  }, async () => {
    const err = await expectTRPCError(
      maint.requirement.move({ key: keyAt(1), expectedVersion: 1, parentKey: keyAt(DEPTH) }),
      "BAD_REQUEST",
    );
    expect(err.message).toContain("descendants");

    // The leaf moves to the top, then back under the level above it: each checks 10,000 ancestors at most.
    const top = await maint.requirement.move({ key: keyAt(DEPTH), expectedVersion: 1, parentKey: null });
    expect(top).toMatchObject({ version: 2, parentKey: null });
    const back = await maint.requirement.move({ key: keyAt(DEPTH), expectedVersion: 2, parentKey: keyAt(DEPTH - 1) });
    expect(back).toMatchObject({ version: 3, parentKey: keyAt(DEPTH - 1) });
    // The middle of the chain moves to the top, splitting it into two trees of 5,000 levels.
    const mid = DEPTH / 2 + 1;
    await maint.requirement.move({ key: keyAt(mid), expectedVersion: 1, parentKey: null });
    const { nodes } = await maint.requirement.tree({ projectKey: cast.key });
    expect(nodes).toHaveLength(DEPTH);
    expect(nodes[mid - 2]).toMatchObject({ key: keyAt(mid - 1), depth: mid - 2 });
    expect(nodes[mid - 1]).toMatchObject({ key: keyAt(mid), depth: 0, parentKey: null });
    expect(nodes[DEPTH - 1]).toMatchObject({ key: keyAt(DEPTH), depth: DEPTH - mid });
    // Restore the single chain for the export checks below.
    await maint.requirement.move({ key: keyAt(mid), expectedVersion: 2, parentKey: keyAt(mid - 1) });
  });

  it("is baselined, compared with the current state and exported in every format", { timeout: 180_000 }, async () => {
    const baseline = await maint.baseline.create({ projectKey: cast.key, name: "Deep" });
    expect(baseline.requirementCount).toBe(DEPTH);

    await maint.requirement.move({ key: keyAt(DEPTH), expectedVersion: 3, parentKey: null });
    const diff = await maint.baseline.compare({ projectKey: cast.key, from: baseline.id, to: "HEAD" });
    expect(diff.summary).toEqual({ added: 0, removed: 0, changed: 1, unchanged: DEPTH - 1 });
    expect(diff.changed[0]).toMatchObject({ key: keyAt(DEPTH), fromVersion: 3, version: 4 });

    const md = await maint.baseline.export({ projectKey: cast.key, id: baseline.id, format: "markdown" });
    const headings = md.content.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toHaveLength(DEPTH + 1);
    expect(headings[1]).toBe(`## ${keyAt(1)} Level 1`);
    // Heading levels stop at six however deep the tree goes; order follows the chain.
    expect(headings[DEPTH]).toBe(`###### ${keyAt(DEPTH)} Level ${DEPTH}`);
    expect(headings.slice(1).map((h) => h.split(" ")[1])).toEqual(
      Array.from({ length: DEPTH }, (_, i) => keyAt(i + 1)),
    );

    const json = await maint.baseline.export({ projectKey: cast.key, id: baseline.id, format: "json" });
    expect(JSON.parse(json.content).requirements).toHaveLength(DEPTH);
    const csv = await maint.baseline.export({ projectKey: cast.key, id: "HEAD", format: "csv" });
    expect(csv.content.trim().split("\n")).toHaveLength(DEPTH + 1);
  });

  it("is exported as ReqIF with the chain nested as deep as it goes", { timeout: 180_000 }, async () => {
    const exportRoute = await import("@/app/api/projects/[key]/export/route");
    const res = await exportRoute.GET(
      new Request(`http://localhost/api/projects/${cast.key}/export?format=reqif`, {
        headers: { cookie: await sessionCookieFor(cast.maintainer.id) },
      }),
      { params: Promise.resolve({ key: cast.key }) },
    );
    expect(res.status).toBe(200);
    // A streaming parser: it keeps a stack of open elements, not a call stack.
    const parser = new SaxesParser();
    let open = 0;
    let deepest = 0;
    let objects = 0;
    parser.on("opentag", (tag) => {
      if (tag.name === "SPEC-OBJECT") objects++;
      if (tag.name === "SPEC-HIERARCHY") deepest = Math.max(deepest, ++open);
    });
    parser.on("closetag", (tag) => {
      if (tag.name === "SPEC-HIERARCHY") open--;
    });
    parser.write(await res.text()).close();
    // As deep as the tree is now (the test above may have moved the leaf to the top).
    const { nodes } = await maint.requirement.tree({ projectKey: cast.key });
    expect(objects).toBe(DEPTH);
    expect(deepest).toBe(Math.max(...nodes.map((n) => n.depth)) + 1);
    expect(deepest).toBeGreaterThanOrEqual(DEPTH - 1);
    expect(open).toBe(0);
  });
});
