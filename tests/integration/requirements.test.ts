import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
});

const versionsOf = (key: string) => db.requirementVersion.count({ where: { requirement: { key } } });

describe("requirement.create", () => {
  it("hands out per-project keys that are never reused, starting as DRAFT version 1", async () => {
    const a = await maint.requirement.create({ projectKey: cast.key, title: "A", statement: "First" });
    const b = await maint.requirement.create({ projectKey: cast.key, title: "B" });
    expect(a).toMatchObject({ key: `${cast.key}-1`, version: 1, status: "DRAFT", parentKey: null });
    expect(b.key).toBe(`${cast.key}-2`);
    // A failed create (bad attribute) does not consume a number.
    await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "C", attributes: { nope: "x" } }),
      "BAD_REQUEST",
    );
    const c = await maint.requirement.create({ projectKey: cast.key, title: "C" });
    expect(c.key).toBe(`${cast.key}-3`);
    const v1 = await db.requirementVersion.findFirstOrThrow({ where: { requirement: { key: a.key } } });
    expect(v1).toMatchObject({
      version: 1,
      title: "A",
      statement: "First",
      changeKind: "created",
      authorId: cast.maintainer.id,
    });
  });

  it("gives 30 concurrent creates 30 distinct consecutive keys", async () => {
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => maint.requirement.create({ projectKey: cast.key, title: `R${i}` })),
    );
    const numbers = created.map((r) => Number(r.key.split("-")[1])).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it("refuses a statement over 100 KB and an unknown parent, writing nothing", async () => {
    const before = await db.requirement.count({ where: { projectId: cast.project.id } });
    await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "Big", statement: "x".repeat(100 * 1024 + 1) }),
      "BAD_REQUEST",
    );
    // Multi-byte characters count in bytes: 40k × 3 bytes > 100 KB.
    await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "Big", statement: "€".repeat(40_000) }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "Orphan", parentKey: `${cast.key}-999` }),
      "NOT_FOUND",
    );
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(before);
  });
});

describe("requirement.update — versions and conflicts", () => {
  it("writes a full snapshot per change, nothing for a no-op, and keeps history newest first", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Login", statement: "Users sign in." });
    const v2 = await maint.requirement.update({
      key: r.key,
      expectedVersion: 1,
      statement: "Users sign in with email.",
      changeNote: "email",
    });
    expect(v2.version).toBe(2);
    const same = await maint.requirement.update({
      key: r.key,
      expectedVersion: 2,
      statement: "Users sign in with email.",
    });
    expect(same.version).toBe(2);
    await maint.requirement.update({ key: r.key, expectedVersion: 2, tags: ["auth", "auth", "security"] });
    expect(await versionsOf(r.key)).toBe(3);
    const history = await maint.requirement.history({ key: r.key });
    expect(history.items.map((h) => h.version)).toEqual([3, 2, 1]);
    expect(history.items[1]).toMatchObject({
      changeNote: "email",
      changeKind: "updated",
      author: { id: cast.maintainer.id },
    });
    expect(history.items[0]!.tags).toEqual(["auth", "security"]);
  });

  it("lets exactly 1 of 20 simultaneous updates with the same expectedVersion win", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Race" });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        callerFor(i % 2 ? cast.maintainer.id : cast.admin.id).requirement.update({
          key: r.key,
          expectedVersion: 1,
          statement: `writer ${i}`,
        }),
      ),
    );
    const won = results.filter((x) => x.status === "fulfilled");
    expect(won).toHaveLength(1);
    const conflicts = results.filter(
      (x) => x.status === "rejected" && x.reason.code === "CONFLICT",
    ) as PromiseRejectedResult[];
    expect(conflicts).toHaveLength(19);
    expect(await versionsOf(r.key)).toBe(2);
    const winner = won[0]!.value;
    const author = [cast.maintainer, cast.admin].find((u) => u.id === winner.updatedById)!;
    for (const { reason } of conflicts) {
      expect(reason.message).toBe(`${r.key} was changed by ${author.name} (now at version 2)`);
      expect(reason.details).toEqual({
        currentVersion: 2,
        current: expect.objectContaining({ version: 2, statement: winner.statement }),
        updatedBy: { id: author.id, name: author.name },
        updatedAt: winner.updatedAt,
      });
    }
  });

  it("refuses a stale expectedVersion with CONFLICT carrying the current requirement, writing nothing", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Stale" });
    await maint.requirement.update({ key: r.key, expectedVersion: 1, title: "Theirs" });
    const audits = await db.auditEvent.count({ where: { projectId: cast.project.id } });
    const err = await expectTRPCError(
      maint.requirement.update({ key: r.key, expectedVersion: 1, title: "Mine" }),
      "CONFLICT",
    );
    expect((err as unknown as { details: { current: { title: string } } }).details.current.title).toBe("Theirs");
    // Stale is a CONFLICT even when the edit would change nothing.
    await expectTRPCError(maint.requirement.update({ key: r.key, expectedVersion: 1, title: "Theirs" }), "CONFLICT");
    expect(await versionsOf(r.key)).toBe(2);
    expect(await db.auditEvent.count({ where: { projectId: cast.project.id } })).toBe(audits);
  });

  it("answers NOT_FOUND for an unknown key and for a key of a project the caller cannot see", async () => {
    await expectTRPCError(maint.requirement.byKey({ key: `${cast.key}-4242` }), "NOT_FOUND");
    const other = await createProjectWithCast();
    const hidden = await callerFor(other.admin.id).requirement.create({ projectKey: other.key, title: "Secret" });
    await expectTRPCError(maint.requirement.byKey({ key: hidden.key }), "NOT_FOUND");
    await expectTRPCError(maint.requirement.update({ key: hidden.key, expectedVersion: 1, title: "x" }), "NOT_FOUND");
  });

  it("refuses malformed keys and oversized text", async () => {
    await expectTRPCError(maint.requirement.byKey({ key: "not a key" }), "BAD_REQUEST");
    const r = await maint.requirement.create({ projectKey: cast.key, title: "T" });
    await expectTRPCError(
      maint.requirement.update({ key: r.key, expectedVersion: 1, title: "t".repeat(201) }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      maint.requirement.update({ key: r.key, expectedVersion: 1, statement: "s".repeat(102_401) }),
      "BAD_REQUEST",
    );
  });
});

describe("workflow and roles", () => {
  it("walks the lifecycle and names the allowed moves when one is invalid", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Flow" });
    const bad = await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: 1, to: "APPROVED" }),
      "BAD_REQUEST",
    );
    expect(bad.message).toContain("allowed: IN_REVIEW, DEPRECATED");
    let v = 1;
    for (const to of ["IN_REVIEW", "APPROVED", "IMPLEMENTED", "VERIFIED", "DEPRECATED"] as const) {
      const next = await maint.requirement.transition({ key: r.key, expectedVersion: v, to });
      expect(next.status).toBe(to);
      v = next.version;
    }
    await expectTRPCError(maint.requirement.transition({ key: r.key, expectedVersion: v, to: "DRAFT" }), "BAD_REQUEST");
    await expectTRPCError(maint.requirement.transition({ key: r.key, expectedVersion: 1, to: "DRAFT" }), "CONFLICT");
    await expectTRPCError(
      maint.requirement.transition({ key: r.key, expectedVersion: v, to: "DONE" as never }),
      "BAD_REQUEST",
    );
  });

  it("lets reporters propose drafts and send only their own to review", async () => {
    const reporter = callerFor(cast.reporter.id);
    const own = await reporter.requirement.create({ projectKey: cast.key, title: "Mine" });
    expect(own.status).toBe("DRAFT");
    const theirs = await maint.requirement.create({ projectKey: cast.key, title: "Theirs" });
    await expectTRPCError(
      reporter.requirement.transition({ key: theirs.key, expectedVersion: 1, to: "IN_REVIEW" }),
      "FORBIDDEN",
    );
    const sent = await reporter.requirement.transition({ key: own.key, expectedVersion: 1, to: "IN_REVIEW" });
    expect(sent.status).toBe("IN_REVIEW");
    await expectTRPCError(
      reporter.requirement.transition({ key: own.key, expectedVersion: 2, to: "APPROVED" }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      reporter.requirement.update({ key: own.key, expectedVersion: 2, title: "edit" }),
      "FORBIDDEN",
    );
    await expectTRPCError(reporter.requirement.restore({ key: own.key, expectedVersion: 2, version: 1 }), "FORBIDDEN");
  });
});

describe("hierarchy", () => {
  it("orders children, moves before a sibling, and refuses cycles", async () => {
    const root = await maint.requirement.create({ projectKey: cast.key, title: "Root" });
    const a = await maint.requirement.create({ projectKey: cast.key, title: "A", parentKey: root.key });
    const b = await maint.requirement.create({ projectKey: cast.key, title: "B", parentKey: root.key });
    const c = await maint.requirement.create({ projectKey: cast.key, title: "C", parentKey: root.key });
    const grandchild = await maint.requirement.create({ projectKey: cast.key, title: "A1", parentKey: a.key });
    await maint.requirement.move({ key: c.key, expectedVersion: 1, parentKey: root.key, beforeKey: a.key });
    const children = await maint.requirement.list({ projectKey: cast.key, parentKey: root.key });
    expect(children.items.map((r) => r.key).sort()).toEqual([a.key, b.key, c.key].sort());
    const tree = await maint.requirement.tree({ projectKey: cast.key });
    expect(tree.nodes.map((n) => `${"·".repeat(n.depth)}${n.title}`)).toEqual(["Root", "·C", "·A", "··A1", "·B"]);

    const cycle = await expectTRPCError(
      maint.requirement.move({ key: root.key, expectedVersion: 1, parentKey: grandchild.key }),
      "BAD_REQUEST",
    );
    expect(cycle.message).toContain("descendants");
    await expectTRPCError(maint.requirement.move({ key: a.key, expectedVersion: 1, parentKey: a.key }), "BAD_REQUEST");
    await expectTRPCError(
      maint.requirement.move({ key: a.key, expectedVersion: 1, parentKey: null, beforeKey: b.key }),
      "BAD_REQUEST",
    );
    // Moving to the top level works and is a new version.
    const moved = await maint.requirement.move({ key: a.key, expectedVersion: 1, parentKey: null });
    expect(moved).toMatchObject({ parentKey: null, version: 2 });
    const byKey = await maint.requirement.byKey({ key: root.key });
    expect(byKey.children.map((ch) => ch.key)).toEqual([c.key, b.key]);
  });
});

describe("diff and restore", () => {
  it("diffs any two versions word by word and restores an old one as a new version", async () => {
    const r = await maint.requirement.create({
      projectKey: cast.key,
      title: "Limits",
      statement: "Transfers up to 100 EUR.",
    });
    await maint.requirement.update({ key: r.key, expectedVersion: 1, statement: "Transfers up to 500 EUR." });
    await maint.requirement.update({ key: r.key, expectedVersion: 2, priority: "MUST" });
    const diff = await maint.requirement.diff({ key: r.key, from: 1, to: 3 });
    expect(diff.changes.map((c) => c.field).sort()).toEqual(["priority", "statement"]);
    const statement = diff.changes.find((c) => c.field === "statement");
    expect(statement).toMatchObject({ kind: "text" });
    if (statement?.kind === "text") {
      expect(statement.segments.filter((s) => s.kind === "delete").map((s) => s.text.trim())).toEqual(["100"]);
      expect(statement.segments.filter((s) => s.kind === "insert").map((s) => s.text.trim())).toEqual(["500"]);
    }
    await expectTRPCError(maint.requirement.diff({ key: r.key, from: 1, to: 9 }), "NOT_FOUND");

    const restored = await maint.requirement.restore({ key: r.key, expectedVersion: 3, version: 1 });
    expect(restored).toMatchObject({ version: 4, statement: "Transfers up to 100 EUR.", priority: "SHOULD" });
    const history = await maint.requirement.history({ key: r.key, limit: 1 });
    expect(history.items[0]).toMatchObject({ changeKind: "restored", changeNote: "Restored version 1" });
    expect((await maint.requirement.diff({ key: r.key, from: 1, to: 4 })).changes).toEqual([]);
    await expectTRPCError(maint.requirement.restore({ key: r.key, expectedVersion: 4, version: 77 }), "NOT_FOUND");
    await expectTRPCError(maint.requirement.restore({ key: r.key, expectedVersion: 3, version: 2 }), "CONFLICT");
    expect(await versionsOf(r.key)).toBe(4);
  });

  it("pages history with a cursor", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Paged" });
    for (let v = 1; v <= 6; v++)
      await maint.requirement.update({ key: r.key, expectedVersion: v, statement: `rev ${v}` });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await maint.requirement.history({ key: r.key, limit: 3, cursor });
      seen.push(...page.items.map((i) => i.version));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it("keeps versions immutable at the database level", async () => {
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Frozen" });
    await expect(
      db.requirementVersion.updateMany({ where: { requirement: { key: r.key } }, data: { title: "tampered" } }),
    ).rejects.toThrow();
    expect((await maint.requirement.diff({ key: r.key, from: 1, to: 1 })).from.snapshot.title).toBe("Frozen");
  });
});

describe("custom attributes", () => {
  const settings = {
    requirementAttributes: [
      { key: "risk", label: "Risk", type: "enum", required: true, options: ["low", "high"] },
      { key: "effort", label: "Effort", type: "number" },
      { key: "due", label: "Due", type: "date" },
      { key: "safety", label: "Safety relevant", type: "boolean" },
      { key: "owner", label: "Owner", type: "text" },
    ],
  } as const;

  it("validates values on every write against the project's definitions", async () => {
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: {
        requirementAttributes: settings.requirementAttributes.map((d) => ({
          ...d,
          options: "options" in d ? [...d.options] : undefined,
        })),
      },
    });
    const ok = await maint.requirement.create({
      projectKey: cast.key,
      title: "Attr",
      attributes: { risk: "high", effort: 3, due: "2027-01-31", safety: true, owner: "QA" },
    });
    expect(ok.attributes).toEqual({ risk: "high", effort: 3, due: "2027-01-31", safety: true, owner: "QA" });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ effort: 1 }, /risk.*required/],
      [{ risk: "medium" }, /risk.*one of low, high/],
      [{ risk: "low", effort: "3" }, /effort.*number/],
      [{ risk: "low", due: "2027-02-30" }, /due.*calendar/],
      [{ risk: "low", due: "tomorrow" }, /due.*YYYY-MM-DD/],
      [{ risk: "low", safety: "yes" }, /safety.*true or false/],
      [{ risk: "low", colour: "red" }, /colour.*not defined/],
    ];
    for (const [attributes, message] of cases) {
      const err = await expectTRPCError(
        maint.requirement.update({ key: ok.key, expectedVersion: 1, attributes: attributes as never }),
        "BAD_REQUEST",
      );
      expect(err.message).toMatch(message);
    }
    expect(await versionsOf(ok.key)).toBe(1);
  });

  it("refuses deleting an attribute that requirements hold values for", async () => {
    const admin = callerFor(cast.admin.id);
    await admin.project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: { requirementAttributes: [{ key: "owner", label: "Owner", type: "text" }] },
    });
    const r = await maint.requirement.create({ projectKey: cast.key, title: "Owned", attributes: { owner: "QA" } });
    const err = await expectTRPCError(
      admin.project.update({ projectKey: cast.key, expectedVersion: 2, settings: { requirementAttributes: [] } }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/"owner" cannot be deleted.*Retire it instead/);
    const edited = await maint.requirement.update({ key: r.key, expectedVersion: 1, title: "Owned, renamed" });
    expect(edited.attributes).toEqual({ owner: "QA" });
  });

  it("refuses invalid attribute definitions in settings", async () => {
    const admin = callerFor(cast.admin.id);
    await expectTRPCError(
      admin.project.update({
        projectKey: cast.key,
        expectedVersion: 1,
        settings: { requirementAttributes: [{ key: "x", label: "X", type: "enum" }] },
      }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      admin.project.update({
        projectKey: cast.key,
        expectedVersion: 1,
        settings: {
          requirementAttributes: [
            { key: "x", label: "X", type: "text" },
            { key: "x", label: "Y", type: "text" },
          ],
        },
      }),
      "BAD_REQUEST",
    );
  });
});

describe("requirement.list", () => {
  it("filters by status, type, priority, tag, parent and text, and pages by key or last change", async () => {
    const mk = (title: string, extra: Record<string, unknown> = {}) =>
      maint.requirement.create({ projectKey: cast.key, title, ...extra });
    const parent = await mk("Payments");
    const a = await mk("Card payment", { type: "FUNCTIONAL", priority: "MUST", tags: ["pci"], parentKey: parent.key });
    const b = await mk("Latency budget", { type: "NON_FUNCTIONAL", priority: "SHOULD", statement: "p99 under 200 ms" });
    const c = await mk("Wallet payment", { type: "FUNCTIONAL", priority: "COULD", tags: ["pci", "wallet"] });
    await maint.requirement.transition({ key: c.key, expectedVersion: 1, to: "IN_REVIEW" });

    const keys = async (input: Record<string, unknown>) =>
      (await maint.requirement.list({ projectKey: cast.key, ...input })).items.map((r) => r.key);
    expect(await keys({ status: ["IN_REVIEW"] })).toEqual([c.key]);
    expect(await keys({ type: ["NON_FUNCTIONAL"] })).toEqual([b.key]);
    expect(await keys({ priority: ["MUST", "COULD"] })).toEqual([a.key, c.key]);
    expect(await keys({ tag: "pci" })).toEqual([a.key, c.key]);
    expect(await keys({ parentKey: parent.key })).toEqual([a.key]);
    expect(await keys({ parentKey: null })).toEqual([parent.key, b.key, c.key]);
    const roots = (await maint.requirement.list({ projectKey: cast.key, parentKey: null })).items;
    expect(roots.map((r) => r.childCount)).toEqual([1, 0, 0]);
    expect(await keys({ q: "PAYMENT" })).toEqual([parent.key, a.key, c.key]);
    expect(await keys({ q: "200 ms" })).toEqual([b.key]);
    expect(await keys({ q: a.key })).toEqual([a.key]);
    // LIKE wildcards in the text are taken literally.
    const pct = await mk("100% uptime_target");
    expect(await keys({ q: "%" })).toEqual([pct.key]);
    expect(await keys({ q: "e_t" })).toEqual([pct.key]);
    expect(await keys({ q: "0%_u" })).toEqual([]);
    await maint.requirement.transition({ key: pct.key, expectedVersion: 1, to: "DEPRECATED" });
    const [first] = (await maint.requirement.list({ projectKey: cast.key, q: "Card" })).items;
    expect(first).toMatchObject({
      key: a.key,
      parentKey: parent.key,
      childCount: 0,
      version: 1,
      tags: ["pci"],
      type: "FUNCTIONAL",
    });
    expect(first!.updatedAt).toBeInstanceOf(Date);
    expect(await keys({ order: "desc" })).toEqual([pct.key, c.key, b.key, a.key, parent.key]);
    expect((await keys({ sort: "updated" }))[0]).toBe(pct.key);

    for (const sort of ["key", "updated"] as const) {
      const all = await keys({ sort, limit: 100 });
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await maint.requirement.list({ projectKey: cast.key, sort, limit: 1, cursor });
        paged.push(...page.items.map((r) => r.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    await expectTRPCError(maint.requirement.list({ projectKey: cast.key, limit: 1000 }), "BAD_REQUEST");
    await expectTRPCError(maint.requirement.list({ projectKey: cast.key, status: ["NOPE" as never] }), "BAD_REQUEST");
  });
});
