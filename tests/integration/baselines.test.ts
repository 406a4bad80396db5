import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
});

async function create(title: string, extra: Record<string, unknown> = {}) {
  return maint.requirement.create({ projectKey: cast.key, title, statement: `${title} statement.`, ...extra });
}

async function allItems(id: string) {
  const out: { key: string; version: number; title: string; status: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await maint.baseline.byId({ projectKey: cast.key, id, limit: 2, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

describe("baselines", () => {
  it("freeze the current versions and never change after edits, deprecations and restores", async () => {
    const a = await create("Alpha");
    const b = await create("Beta");
    const gone = await create("Gamma");
    await maint.requirement.transition({ key: gone.key, expectedVersion: 1, to: "DEPRECATED" });
    const baseline = await maint.baseline.create({ projectKey: cast.key, name: "R1", note: "First release" });
    expect(baseline).toMatchObject({ name: "R1", requirementCount: 2, author: { id: cast.maintainer.id } });
    const frozen = await allItems(baseline.id);
    expect(frozen.map((i) => [i.key, i.version, i.title])).toEqual([
      [a.key, 1, "Alpha"],
      [b.key, 1, "Beta"],
    ]);

    await maint.requirement.update({ key: a.key, expectedVersion: 1, title: "Alpha v2" });
    await maint.requirement.transition({ key: b.key, expectedVersion: 1, to: "DEPRECATED" });
    await maint.requirement.restore({ key: a.key, expectedVersion: 2, version: 1 });
    await create("Delta");

    expect(await allItems(baseline.id)).toEqual(frozen);
    await expect(
      db.baselineItem.updateMany({ where: { baselineId: baseline.id }, data: { versionId: "x" } }),
    ).rejects.toThrow();
    await expect(db.baseline.update({ where: { id: baseline.id }, data: { name: "tampered" } })).rejects.toThrow();
  });

  it("compare reports known adds, removes and changes between baselines and HEAD", async () => {
    const keep = await create("Unchanged");
    const edit = await create("Edited", { tags: ["x"] });
    const drop = await create("Dropped");
    const moveMe = await create("Moved");
    const b1 = await maint.baseline.create({ projectKey: cast.key, name: "B1" });

    await maint.requirement.update({
      key: edit.key,
      expectedVersion: 1,
      statement: "Edited statement, now longer.",
      tags: ["x", "y"],
    });
    await maint.requirement.transition({ key: drop.key, expectedVersion: 1, to: "DEPRECATED" });
    const added = await create("Added");
    await maint.requirement.move({ key: moveMe.key, expectedVersion: 1, parentKey: keep.key });
    const b2 = await maint.baseline.create({ projectKey: cast.key, name: "B2" });

    const cmp = await maint.baseline.compare({ projectKey: cast.key, from: b1.id, to: b2.id });
    expect(cmp.summary).toEqual({ added: 1, removed: 1, changed: 2, unchanged: 1 });
    expect(cmp.added.map((r) => r.key)).toEqual([added.key]);
    expect(cmp.removed.map((r) => r.key)).toEqual([drop.key]);
    expect(cmp.changed.map((r) => r.key)).toEqual([edit.key, moveMe.key]);
    const edited = cmp.changed.find((c) => c.key === edit.key)!;
    expect(edited).toMatchObject({ fromVersion: 1, version: 2 });
    expect(edited.changes.map((c) => c.field).sort()).toEqual(["statement", "tags"]);
    expect(cmp.changed.find((c) => c.key === moveMe.key)!.changes.map((c) => c.field)).toContain("parentKey");

    // HEAD equals B2 right now; the reverse direction swaps adds and removes.
    expect((await maint.baseline.compare({ projectKey: cast.key, from: b2.id, to: "HEAD" })).summary).toMatchObject({
      added: 0,
      removed: 0,
      changed: 0,
    });
    const reverse = await maint.baseline.compare({ projectKey: cast.key, from: b2.id, to: b1.id });
    expect(reverse.added.map((r) => r.key)).toEqual([drop.key]);
    expect(reverse.removed.map((r) => r.key)).toEqual([added.key]);

    await maint.requirement.update({ key: keep.key, expectedVersion: 1, title: "Now changed" });
    const vsHead = await maint.baseline.compare({ projectKey: cast.key, from: b1.id, to: "HEAD" });
    expect(vsHead.changed.map((c) => c.key)).toContain(keep.key);
    expect(vsHead.to).toMatchObject({ id: "HEAD" });
  });

  it("refuses comparing with a baseline of another project (NOT_FOUND) and unknown ids", async () => {
    const other = await createProjectWithCast();
    const foreign = await callerFor(other.admin.id).baseline.create({ projectKey: other.key, name: "Theirs" });
    const mine = await maint.baseline.create({ projectKey: cast.key, name: "Mine" });
    await expectTRPCError(maint.baseline.compare({ projectKey: cast.key, from: mine.id, to: foreign.id }), "NOT_FOUND");
    await expectTRPCError(maint.baseline.byId({ projectKey: cast.key, id: foreign.id }), "NOT_FOUND");
    await expectTRPCError(maint.baseline.compare({ projectKey: cast.key, from: "nope", to: "HEAD" }), "NOT_FOUND");
    await expectTRPCError(maint.baseline.export({ projectKey: cast.key, id: foreign.id, format: "json" }), "NOT_FOUND");
  });

  it("refuses duplicate names and lists newest first", async () => {
    await maint.baseline.create({ projectKey: cast.key, name: "One" });
    await expectTRPCError(maint.baseline.create({ projectKey: cast.key, name: "One" }), "CONFLICT");
    await maint.baseline.create({ projectKey: cast.key, name: "Two" });
    await maint.baseline.create({ projectKey: cast.key, name: "Three" });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await maint.baseline.list({ projectKey: cast.key, limit: 2, cursor });
      names.push(...page.items.map((b) => b.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(["Three", "Two", "One"]);
    await expectTRPCError(
      callerFor(cast.reporter.id).baseline.create({ projectKey: cast.key, name: "R" }),
      "FORBIDDEN",
    );
  });

  it("exports JSON, CSV (formula-safe) and a Markdown specification by hierarchy", async () => {
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: {
        requirementAttributes: [
          { key: "risk", label: "Risk", type: "enum", options: ["low", "high"] },
          { key: "cost", label: "@cost", type: "text" },
        ],
      },
    });
    const top = await create("Payments", { statement: "The system **shall** take payments." });
    const child = await create('=HYPERLINK("http://x")', {
      parentKey: top.key,
      attributes: { risk: "high", cost: "+1" },
      tags: ["pci"],
    });
    const b = await maint.baseline.create({ projectKey: cast.key, name: "Release 1.0" });

    const json = await maint.baseline.export({ projectKey: cast.key, id: b.id, format: "json" });
    expect(json.contentType).toBe("application/json");
    const parsed = JSON.parse(json.content);
    expect(parsed.requirements.map((r: { key: string }) => r.key)).toEqual([top.key, child.key]);
    expect(parsed.baseline.name).toBe("Release 1.0");

    const csv = await maint.baseline.export({ projectKey: cast.key, id: b.id, format: "csv" });
    const lines = csv.content.trim().split("\n");
    // Every cell a spreadsheet would run as a formula stays text, header cells included.
    expect(lines[0]).toBe("Key,Version,Parent,Title,Type,Priority,Status,Tags,Statement,Rationale,Risk,'@cost");
    expect(csv.content).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(lines.at(-1)).toMatch(/,high,'\+1$/);
    expect(csv.filename).toMatch(/\.csv$/);

    const md = await maint.baseline.export({ projectKey: cast.key, id: b.id, format: "markdown" });
    expect(md.content).toContain(`## ${top.key} Payments`);
    expect(md.content).toContain(`### ${child.key} =HYPERLINK`);
    expect(md.content).toContain("The system **shall** take payments.");
    expect(md.content).toContain("| Risk | high |");
    expect(md.content.indexOf(top.key)).toBeLessThan(md.content.indexOf(child.key));

    const head = await maint.baseline.export({ projectKey: cast.key, id: "HEAD", format: "markdown" });
    expect(head.content).toContain("Current state");
    await expectTRPCError(
      maint.baseline.export({ projectKey: cast.key, id: b.id, format: "pdf" as never }),
      "BAD_REQUEST",
    );
  });
});
