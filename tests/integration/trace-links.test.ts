import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { addMembership, callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
});

const req = (title: string) => maint.requirement.create({ projectKey: cast.key, title, statement: `${title}.` });
const issue = (title: string) => maint.issue.create({ projectKey: cast.key, title });
const link = (from: string, to: string, type: string) =>
  maint.traceLink.create({ projectKey: cast.key, from, to, type: type as never });

describe("suspect links", () => {
  it("link → edit → suspect → clear → edit again → suspect again", async () => {
    const r = await req("Encrypt data at rest");
    const i = await issue("Enable disk encryption");
    const l = await link(i.key, r.key, "IMPLEMENTS");
    expect(l).toMatchObject({
      suspect: false,
      linkedVersion: 1,
      from: { kind: "issue", key: i.key },
      to: { key: r.key },
    });

    await maint.requirement.update({ key: r.key, expectedVersion: 1, statement: "Encrypt data at rest with AES-256." });
    let links = await maint.traceLink.listFor({ key: r.key });
    expect(links.incoming[0]).toMatchObject({ suspect: true, linkedVersion: 1, to: { version: 2 } });
    const event = await db.outboxEvent.findFirst({
      where: { type: "traceLink.suspected", projectId: cast.project.id },
    });
    expect(event?.payload).toMatchObject({ requirementKey: r.key, version: 2 });

    await expectTRPCError(
      maint.traceLink.clearSuspect({ projectKey: cast.key, linkId: l.id, reason: "  " }),
      "BAD_REQUEST",
    );
    const cleared = await maint.traceLink.clearSuspect({
      projectKey: cast.key,
      linkId: l.id,
      reason: "AES-256 is what we ship",
    });
    expect(cleared).toMatchObject({ suspect: false, linkedVersion: 2, clearReason: "AES-256 is what we ship" });
    await expectTRPCError(
      maint.traceLink.clearSuspect({ projectKey: cast.key, linkId: l.id, reason: "again" }),
      "BAD_REQUEST",
    );

    // A move does not change what the requirement says, so links stay trusted.
    const parent = await req("Security");
    const moved = await maint.requirement.move({ key: r.key, expectedVersion: 2, parentKey: parent.key });
    expect(moved.version).toBe(3);
    expect((await maint.traceLink.listFor({ key: i.key })).outgoing[0]!.suspect).toBe(false);

    await maint.requirement.transition({ key: r.key, expectedVersion: 3, to: "IN_REVIEW" });
    links = await maint.traceLink.listFor({ key: i.key });
    expect(links.outgoing[0]).toMatchObject({ suspect: true, linkedVersion: 2 });
    expect((await maint.traceLink.coverage({ projectKey: cast.key })).suspectLinks).toBe(1);
  });
});

describe("bad links", () => {
  it("refuses self links, duplicates, wrong types, unknown items and other projects' items, writing nothing", async () => {
    const a = await req("A");
    const b = await req("B");
    const i = await issue("I");
    const other = await createProjectWithCast();
    const foreign = await callerFor(other.admin.id).requirement.create({ projectKey: other.key, title: "Foreign" });
    await link(a.key, b.key, "DERIVES_FROM");
    const before = await db.traceLink.count({ where: { projectId: cast.project.id } });

    await expectTRPCError(link(a.key, a.key, "REFINES"), "BAD_REQUEST");
    await expectTRPCError(link(a.key, b.key, "DERIVES_FROM"), "CONFLICT");
    await expectTRPCError(link(i.key, a.key, "REFINES"), "BAD_REQUEST");
    await expectTRPCError(link(a.key, b.key, "IMPLEMENTS"), "BAD_REQUEST");
    await expectTRPCError(link(a.key, foreign.key, "REFINES"), "BAD_REQUEST");
    await expectTRPCError(link(`${cast.key}-999`, a.key, "REFINES"), "NOT_FOUND");
    await expectTRPCError(link(a.key, b.key, "DEPENDS_ON"), "BAD_REQUEST");
    await expectTRPCError(
      maint.traceLink.create({ projectKey: cast.key, from: "garbage", to: a.key, type: "REFINES" }),
      "BAD_REQUEST",
    );
    expect(await db.traceLink.count({ where: { projectId: cast.project.id } })).toBe(before);
    await expectTRPCError(
      callerFor(cast.reporter.id).traceLink.create({ projectKey: cast.key, from: b.key, to: a.key, type: "REFINES" }),
      "FORBIDDEN",
    );
  });

  it("never lets a reporter link or see another reporter's issue through links", async () => {
    const other = await createUser();
    await addMembership(cast.project.id, other.id, "REPORTER");
    const hidden = await callerFor(other.id).issue.create({ projectKey: cast.key, title: "Private report" });
    const r = await req("Visible requirement");
    await link(hidden.key, r.key, "RELATES_TO");
    const reporter = callerFor(cast.reporter.id);
    expect((await reporter.traceLink.listFor({ key: r.key })).incoming).toEqual([]);
    await expectTRPCError(reporter.traceLink.listFor({ key: hidden.key }), "NOT_FOUND");
    expect((await reporter.traceLink.matrix({ projectKey: cast.key })).issues).toEqual([]);
    expect((await reporter.traceLink.impact({ key: r.key })).issues).toEqual([]);
    expect((await maint.traceLink.impact({ key: r.key })).issues.map((i) => i.key)).toEqual([hidden.key]);
  });
});

describe("coverage", () => {
  it("counts approved requirements implemented and verified by done issues, suspect links and orphans", async () => {
    const approve = async (key: string) => {
      let v = 1;
      for (const to of ["IN_REVIEW", "APPROVED"] as const)
        v = (await maint.requirement.transition({ key, expectedVersion: v, to })).version;
    };
    const done = async (key: string) => {
      let v = 1;
      for (const to of ["TRIAGED", "IN_PROGRESS", "DONE"] as const)
        v = (await maint.issue.transition({ key, expectedVersion: v, to })).version;
    };
    const [r1, r2, r3, r4, draft, orphan] = await Promise.all(
      ["R1", "R2", "R3", "R4", "Draft", "Orphan"].map((t) => req(t)),
    );
    for (const r of [r1, r2, r3, r4]) await approve(r!.key);
    const [impl1, impl2, ver1, open1, lonely] = await Promise.all(
      ["impl1", "impl2", "ver1", "open1", "lonely"].map((t) => issue(t)),
    );
    await link(impl1!.key, r1!.key, "IMPLEMENTS");
    await link(impl2!.key, r2!.key, "IMPLEMENTS");
    await link(ver1!.key, r1!.key, "VERIFIES");
    await link(open1!.key, r3!.key, "IMPLEMENTS");
    await link(draft!.key, r4!.key, "REFINES");
    for (const i of [impl1, impl2, ver1]) await done(i!.key);

    const cov = await maint.traceLink.coverage({ projectKey: cast.key });
    expect(cov).toMatchObject({
      approvedRequirements: 4,
      implemented: { count: 2, percent: 50 },
      verified: { count: 1, percent: 25 },
      suspectLinks: 0,
      orphanRequirements: { count: 1, items: [{ key: orphan!.key }] },
      orphanIssues: { count: 1, items: [{ key: lonely!.key }] },
    });
    // Editing r1 makes its two links suspect; its new title would be a formula in a spreadsheet.
    await maint.requirement.update({ key: r1!.key, expectedVersion: 3, title: '=HYPERLINK("http://x")' });
    expect((await maint.traceLink.coverage({ projectKey: cast.key })).suspectLinks).toBe(2);

    const matrix = await maint.traceLink.matrix({ projectKey: cast.key, format: "csv" });
    const num = (k: string) => Number(k.split("-").pop());
    expect(matrix.requirements.map((r) => r.key)).toEqual([r1!.key, r2!.key, r3!.key].sort((a, b) => num(a) - num(b)));
    const byNumber = [impl1, impl2, ver1, open1]
      .map((i) => i!.key)
      .sort((a, b) => Number(a.split("-I-")[1]) - Number(b.split("-I-")[1]));
    expect(matrix.csv?.split("\n")[0]).toBe(`Requirement,Title,${byNumber.join(",")}`);
    expect(matrix.csv).toContain("IMPLEMENTS (suspect)");
    expect(matrix.csv).toContain(`${r1!.key},"'=HYPERLINK(""http://x"")"`);
    expect((await maint.traceLink.matrix({ projectKey: cast.key, type: ["VERIFIES"] })).cells).toHaveLength(1);
  });
});

describe("impact", () => {
  it("follows a 5-level chain and a diamond, listing each item once at its shortest distance", async () => {
    // root ← l1 ← l2 ← l3 ← l4 ← l5 (chain), and root ← d1, root ← d2, d1 ← tip, d2 ← tip (diamond)
    const root = await req("Root");
    const chain = [];
    let upstream = root.key;
    for (let level = 1; level <= 5; level++) {
      const r = await req(`L${level}`);
      await link(r.key, upstream, "DERIVES_FROM");
      chain.push(r);
      upstream = r.key;
    }
    const d1 = await req("D1");
    const d2 = await req("D2");
    const tip = await req("Tip");
    await link(d1.key, root.key, "REFINES");
    await link(d2.key, root.key, "REFINES");
    await link(tip.key, d1.key, "DERIVES_FROM");
    await link(tip.key, d2.key, "DERIVES_FROM");
    const fix = await issue("Fix at the bottom");
    await link(fix.key, chain[4]!.key, "IMPLEMENTS");
    const test = await issue("Test the tip");
    await link(test.key, tip.key, "VERIFIES");
    await link(test.key, d1.key, "RELATES_TO");
    // A cycle back to the root must not loop.
    await link(root.key, chain[4]!.key, "CONFLICTS_WITH");

    const result = await maint.traceLink.impact({ key: root.key });
    const depth = Object.fromEntries(result.requirements.map((r) => [r.title, r.depth]));
    expect(depth).toEqual({ L1: 1, L2: 2, L3: 3, L4: 4, L5: 5, D1: 1, D2: 1, Tip: 2 });
    expect(result.requirements.filter((r) => r.title === "Tip")).toHaveLength(1);
    expect(result.issues.map((i) => [i.title, i.depth])).toEqual([
      ["Test the tip", 2],
      ["Fix at the bottom", 6],
    ]);
    expect(result.issues[0]!.via.sort()).toEqual(["RELATES_TO", "VERIFIES"]);
    await expectTRPCError(maint.traceLink.impact({ key: `${cast.key}-9999` }), "NOT_FOUND");
  });
});
