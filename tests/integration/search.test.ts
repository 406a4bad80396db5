import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { CANDIDATES } from "@/server/services/search/search";

import { addMembership, callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

describe("search.query", () => {
  it("ranks title matches above body matches, highlights terms and matches prefixes as you type", async () => {
    const maint = callerFor(cast.maintainer.id);
    const body = await maint.requirement.create({ projectKey: cast.key, title: "Session timeout", statement: "After 15 minutes the encryption keys rotate." });
    const title = await maint.requirement.create({ projectKey: cast.key, title: "Encryption of backups", statement: "Backups are stored off-site." });
    await maint.requirement.create({ projectKey: cast.key, title: "Unrelated", statement: "Nothing to see." });
    const issue = await maint.issue.create({ projectKey: cast.key, title: "Encrypted export fails", description: "Stack trace attached." });

    const result = await maint.search.query({ q: "encrypt", projectKey: cast.key });
    const keys = result.items.map((h) => h.key);
    expect(keys).toContain(issue.key);
    expect(keys.indexOf(title.key)).toBeLessThan(keys.indexOf(body.key));
    expect(keys).toHaveLength(3);
    const hit = result.items.find((h) => h.key === body.key)!;
    expect(hit.snippet.some((s) => s.highlight && /encryption/i.test(s.text))).toBe(true);
    expect(hit.snippet.map((s) => s.text).join("")).toContain("keys rotate");

    expect((await maint.search.query({ q: "encrypt", projectKey: cast.key, kinds: ["issue"] })).items.map((h) => h.key)).toEqual([issue.key]);
    expect((await maint.search.query({ q: body.key })).items[0]?.key).toBe(body.key);
    expect((await maint.search.query({ q: "backup encryption" })).items.map((h) => h.key)).toEqual([title.key]);
    expect(result.limited).toBe(false);
  });

  it.each([
    ["SQL injection", "'; drop table \"Requirement\"; --"],
    ["tsquery operators", "a & | ! ( :* <-> )"],
    ["10 KB of text", "lorem ipsum ".repeat(850)],
    ["emoji", "🚀🔥 encrypt 🚀"],
    ["only punctuation", "!!! ??? ..."],
    ["empty", ""],
  ])("answers hostile input (%s) with results or an empty list, never an error", async (_label, q) => {
    await callerFor(cast.admin.id).requirement.create({ projectKey: cast.key, title: "Encrypt everything" });
    const result = await callerFor(cast.admin.id).search.query({ q });
    expect(Array.isArray(result.items)).toBe(true);
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(1);
  });

  it("applies visibility: reporters never find others' issues, non-members find nothing", async () => {
    const other = await createUser();
    await addMembership(cast.project.id, other.id, "REPORTER");
    await callerFor(other.id).issue.create({ projectKey: cast.key, title: "Confidential payroll bug" });
    const mine = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Payroll rounding" });
    const reporterHits = await callerFor(cast.reporter.id).search.query({ q: "payroll" });
    expect(reporterHits.items.map((h) => h.key)).toEqual([mine.key]);
    expect((await callerFor(cast.maintainer.id).search.query({ q: "payroll" })).items).toHaveLength(2);
    expect((await callerFor(cast.nonMember.id).search.query({ q: "payroll" })).items).toEqual([]);
    await expectTRPCError(callerFor(cast.nonMember.id).search.query({ q: "payroll", projectKey: cast.key }), "NOT_FOUND");
  });

  it("pages with a keyset cursor without repeats", async () => {
    const maint = callerFor(cast.maintainer.id);
    for (let i = 0; i < 7; i++) await maint.requirement.create({ projectKey: cast.key, title: `Audit trail ${i}`, statement: i % 2 ? "audit audit" : "" });
    const all = (await maint.search.query({ q: "audit", projectKey: cast.key, limit: 50 })).items.map((h) => h.key);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await maint.search.query({ q: "audit", projectKey: cast.key, limit: 3, cursor });
      paged.push(...page.items.map((h) => h.key));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(7);
  });

  it("ranks a very broad query among the most recently updated matches, best first, and says so", async () => {
    const maint = callerFor(cast.maintainer.id);
    const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000);
    const issue = (number: number, title: string, updatedAt: Date) => ({
      projectId: cast.project.id,
      number,
      key: `${cast.key}-${number}`,
      title,
      description: "Happens after a sync on build 1.",
      severity: "LOW" as const,
      reporterId: cast.maintainer.id,
      createdAt: day(0),
      updatedAt,
    });
    const fillers = CANDIDATES + 20;
    await db.issue.createMany({
      data: [
        // The best match of all, but the least recently updated.
        issue(1, "Sync sync sync conflict", day(0)),
        ...Array.from({ length: fillers }, (_, n) => issue(n + 2, `Widget ${n + 2}`, day(10 + n))),
        // A title match among the recent ones.
        issue(fillers + 2, "Sync agent stalls", day(10 + fillers)),
      ],
    });

    const first = await maint.search.query({ q: "sync", projectKey: cast.key, kinds: ["issue"] });
    expect(first.limited).toBe(true);
    expect(first.items[0]?.key).toBe(`${cast.key}-${fillers + 2}`);
    expect(first.items[0]?.rank).toBeGreaterThan(first.items[1]?.rank ?? Infinity);
    expect(first.items.slice(1).every((h) => h.rank === first.items[1]?.rank)).toBe(true);

    // Paging walks exactly the ranked candidates, best first, then stops.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await maint.search.query({ q: "sync", projectKey: cast.key, kinds: ["issue"], limit: 50, cursor });
      seen.push(...page.items.map((h) => h.key));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(CANDIDATES);
    expect(new Set(seen).size).toBe(CANDIDATES);
    expect(seen).not.toContain(`${cast.key}-1`);

    // Typing its key still finds the old one first, however many items the words match.
    const byKey = await maint.search.query({ q: `${cast.key}-1`, projectKey: cast.key, kinds: ["issue"] });
    expect(byKey.limited).toBe(true);
    expect(byKey.items[0]?.key).toBe(`${cast.key}-1`);

    // A narrower query over the same items is ranked in full: the old title match comes first.
    const narrow = await maint.search.query({ q: "sync conflict", projectKey: cast.key });
    expect(narrow.limited).toBe(false);
    expect(narrow.items.map((h) => h.key)).toEqual([`${cast.key}-1`]);
  });

  it("finds nothing for stop words alone", async () => {
    await callerFor(cast.maintainer.id).requirement.create({ projectKey: cast.key, title: "The export of it" });
    expect(await callerFor(cast.maintainer.id).search.query({ q: "the of it" })).toEqual({ items: [], nextCursor: null, limited: false });
  });
});
