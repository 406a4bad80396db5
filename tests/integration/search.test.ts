import { beforeEach, describe, expect, it } from "vitest";

import { toPrefixQuery } from "@/lib/schemas/search";
import { db } from "@/server/db";
import { RANKED_MAX, RECENT_WINDOW } from "@/server/services/search/search";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  uniqueProjectKey,
} from "../helpers/factories";
import { searchFixtures } from "../helpers/search-fixtures";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

let fx: ReturnType<typeof searchFixtures>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  fx = searchFixtures(cast);
});

describe("search.query", () => {
  it("shows the body as plain text in snippets, without Markdown marks and without repeating the title", async () => {
    const maint = callerFor(cast.maintainer.id);
    const issue = await maint.issue.create({
      projectKey: cast.key,
      title: "Checkout latency",
      description:
        "## Seen in staging\n\n- Checkout takes **over 8 seconds** with `debug` on\n> see the [trace](https://example.com/t/1) and ![graph](https://example.com/g.png)",
    });
    const hit = (await maint.search.query({ q: "seconds", projectKey: cast.key })).items.find(
      (h) => h.key === issue.key,
    );
    const text = hit?.snippet.map((s) => s.text).join("") ?? "";
    expect(text).toContain("Checkout takes over 8 seconds with debug on");
    expect(text).toContain("see the trace and graph");
    expect(text).not.toMatch(/[*`#>[\]]|\(https?:/);
    expect(text).not.toContain("Checkout latency");
    expect(hit?.snippet.some((s) => s.highlight && s.text === "seconds")).toBe(true);
    // The title on its own, whole, with its matches marked.
    const byTitle = (await maint.search.query({ q: "latency", projectKey: cast.key })).items.find(
      (h) => h.key === issue.key,
    );
    expect(byTitle?.titleSnippet).toEqual([
      { text: "Checkout ", highlight: false },
      { text: "latency", highlight: true },
    ]);
  });

  it("ranks title matches above body matches, highlights terms and matches prefixes as you type", async () => {
    const maint = callerFor(cast.maintainer.id);
    const body = await maint.requirement.create({
      projectKey: cast.key,
      title: "Session timeout",
      statement: "After 15 minutes the encryption keys rotate.",
    });
    const title = await maint.requirement.create({
      projectKey: cast.key,
      title: "Encryption of backups",
      statement: "Backups are stored off-site.",
    });
    await maint.requirement.create({ projectKey: cast.key, title: "Unrelated", statement: "Nothing to see." });
    const issue = await maint.issue.create({
      projectKey: cast.key,
      title: "Encrypted export fails",
      description: "Stack trace attached.",
    });

    const result = await maint.search.query({ q: "encrypt", projectKey: cast.key });
    const keys = result.items.map((h) => h.key);
    expect(keys).toContain(issue.key);
    expect(keys.indexOf(title.key)).toBeLessThan(keys.indexOf(body.key));
    expect(keys).toHaveLength(3);
    const hit = result.items.find((h) => h.key === body.key)!;
    expect(hit.snippet.some((s) => s.highlight && /encryption/i.test(s.text))).toBe(true);
    expect(hit.snippet.map((s) => s.text).join("")).toContain("keys rotate");

    expect(
      (await maint.search.query({ q: "encrypt", projectKey: cast.key, kinds: ["issue"] })).items.map((h) => h.key),
    ).toEqual([issue.key]);
    expect((await maint.search.query({ q: body.key })).items[0]?.key).toBe(body.key);
    expect((await maint.search.query({ q: "backup encryption" })).items.map((h) => h.key)).toEqual([title.key]);
    expect(result.limited).toBe(false);
  });

  it.each([
    ["SQL injection", '\'; drop table "Requirement"; --'],
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
    await expectTRPCError(
      callerFor(cast.nonMember.id).search.query({ q: "payroll", projectKey: cast.key }),
      "NOT_FOUND",
    );
  });

  it("searches a project open for reporting as it lists it: a signed-in non-member finds its requirements and their own issues", async () => {
    await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      settings: { openReporting: true },
    });
    const requirement = await callerFor(cast.admin.id).requirement.create({
      projectKey: cast.key,
      title: "Invoice export format",
    });
    await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Invoice totals hidden" });
    const outsider = await createUser({ name: "Outside reporter" });
    const mine = await callerFor(outsider.id).issue.create({ projectKey: cast.key, title: "Invoice date wrong" });

    const expected = [requirement.key, mine.key].sort();
    const inProject = await callerFor(outsider.id).search.query({ q: "invoice", projectKey: cast.key });
    expect(inProject.items.map((h) => h.key).sort()).toEqual(expected);
    const everywhere = await callerFor(outsider.id).search.query({ q: "invoice" });
    expect(everywhere.items.map((h) => h.key).sort()).toEqual(expected);
    // The same project is in their list of projects, as a reporter.
    const listed = (await callerFor(outsider.id).project.list({ limit: 100 })).items.find((p) => p.key === cast.key);
    expect(listed).toMatchObject({ myRole: "REPORTER", openReporting: true });
  });

  it("pages with a keyset cursor without repeats", async () => {
    const maint = callerFor(cast.maintainer.id);
    for (let i = 0; i < 7; i++)
      await maint.requirement.create({
        projectKey: cast.key,
        title: `Audit trail ${i}`,
        statement: i % 2 ? "audit audit" : "",
      });
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

  it("ranks every match of a query with up to RANKED_MAX matches, however old the best one is", async () => {
    const maint = callerFor(cast.maintainer.id);
    const fillers = RANKED_MAX - 10;
    await db.issue.createMany({
      data: [
        fx.issue(1, "Sync sync sync conflict", fx.day(0)),
        ...Array.from({ length: fillers }, (_, n) => fx.issue(n + 2, `Widget ${n + 2}`, fx.day(10 + n))),
      ],
    });
    const first = await maint.search.query({ q: "sync", projectKey: cast.key, kinds: ["issue"] });
    expect(first.limited).toBe(false);
    // The oldest item is the best match, and it comes first.
    expect(first.items[0]?.key).toBe(`${cast.key}-1`);
    const seen = await fx.allPages({ q: "sync", projectKey: cast.key, kinds: ["issue"] });
    expect(seen).toHaveLength(fillers + 1);
    expect(new Set(seen).size).toBe(fillers + 1);
  });

  it("answers a query with more than RANKED_MAX matches from the most recently updated items, best first, and says so", async () => {
    const maint = callerFor(cast.maintainer.id);
    // More matches than are ranked, spread over more items than the recent window holds.
    const fillers = Math.max(RANKED_MAX, RECENT_WINDOW) + 20;
    await db.issue.createMany({
      data: [
        // The best match of all, but the least recently updated.
        fx.issue(1, "Sync sync sync conflict", fx.day(0)),
        ...Array.from({ length: fillers }, (_, n) => fx.issue(n + 2, `Widget ${n + 2}`, fx.day(10 + n))),
        // A title match among the recent ones.
        fx.issue(fillers + 2, "Sync agent stalls", fx.day(10 + fillers)),
      ],
    });

    const first = await maint.search.query({ q: "sync", projectKey: cast.key, kinds: ["issue"] });
    expect(first.limited).toBe(true);
    expect(first.items[0]?.key).toBe(`${cast.key}-${fillers + 2}`);
    expect(first.items[0]?.rank).toBeGreaterThan(first.items[1]?.rank ?? Infinity);
    expect(first.items.slice(1).every((h) => h.rank === first.items[1]?.rank)).toBe(true);

    // Paging walks exactly the recent window's matches, best first, then stops.
    const seen = await fx.allPages({ q: "sync", projectKey: cast.key, kinds: ["issue"], limit: 50 });
    expect(seen).toHaveLength(RECENT_WINDOW);
    expect(new Set(seen).size).toBe(RECENT_WINDOW);
    expect(seen).not.toContain(`${cast.key}-1`);

    // Typing its key still finds the old one first, however many items the words match.
    const byKey = await maint.search.query({ q: `${cast.key}-1`, projectKey: cast.key, kinds: ["issue"] });
    // (Whether the words of a key are broad depends on how the stemmer takes the random project key.)
    expect(byKey.items[0]?.key).toBe(`${cast.key}-1`);

    // A narrower query over the same items is ranked in full: the old title match comes first.
    const narrow = await maint.search.query({ q: "sync conflict", projectKey: cast.key });
    expect(narrow.limited).toBe(false);
    expect(narrow.items.map((h) => h.key)).toEqual([`${cast.key}-1`]);
  });

  it("matches every word as a prefix, through stemming, exactly as the prefix query does", async () => {
    const maint = callerFor(cast.maintainer.id);
    const a = await maint.issue.create({
      projectKey: cast.key,
      title: "Exporting invoices times out",
      description: "Timeouts after 30 s.",
    });
    const b = await maint.requirement.create({
      projectKey: cast.key,
      title: "Invoice exporter",
      statement: "Exports run nightly.",
    });
    await maint.issue.create({ projectKey: cast.key, title: "Import wizard", description: "Unrelated." });
    const keys = async (q: string) =>
      (await maint.search.query({ q, projectKey: cast.key })).items.map((h) => h.key).sort();
    expect(await keys("inv exp")).toEqual([a.key, b.key].sort());
    expect(await keys("exporting")).toEqual([a.key, b.key].sort());
    expect(await keys("timeo inv")).toEqual([a.key]);
    expect(await keys("e")).toEqual(expect.arrayContaining([a.key, b.key]));
    expect(await keys("exporter nightly")).toEqual([b.key]);
    expect(await keys("invoicez")).toEqual([]);
    // A word longer than the 64 characters a query keeps still matches by its first 64.
    const long = "x".repeat(70);
    const c = await maint.issue.create({ projectKey: cast.key, title: `Token ${long}`, description: "" });
    expect(await keys(long)).toEqual([c.key]);
  });

  it("finds through the prefix index exactly the items the prefix query matches", async () => {
    const vocabulary = [
      "export",
      "exporter",
      "timeout",
      "timestamp",
      "invoice",
      "invoicing",
      "sync",
      "synchronise",
      "café",
      "naïve",
      "x2000",
      "3d",
      "über",
    ];
    const maint = callerFor(cast.maintainer.id);
    for (let i = 0; i < 24; i++) {
      const pick = (n: number) => vocabulary[(i * 7 + n * 3) % vocabulary.length]!;
      await maint.issue.create({
        projectKey: cast.key,
        title: `${pick(1)} ${pick(2)}`,
        description: `${pick(3)} and ${pick(4)}`,
      });
    }
    const queries = [
      "e",
      "ex",
      "export",
      "exporte",
      "time",
      "tim inv",
      "sync",
      "synchro",
      "caf",
      "naï",
      "x2",
      "3",
      "üb",
      "invoic exp",
      "zzz",
    ];
    for (const q of queries) {
      const expected = await db.$queryRaw<{ key: string }[]>`
        SELECT key FROM "Issue" WHERE "projectId" = ${cast.project.id}
          AND "searchVector" @@ to_tsquery('english', ${toPrefixQuery(q)})`;
      const found = await fx.allPages({ q, projectKey: cast.key, kinds: ["issue"] });
      expect(found.sort(), q).toEqual(expected.map((r) => r.key).sort());
    }
  });

  it("finds an item by its key even when the key is not a word the stemmer keeps", async () => {
    // English stemming turns "…Y" into "…i", so a key like FOOY-3 never matches as words.
    const owner = await createUser();
    const key = `${uniqueProjectKey().slice(0, 7)}Y`;
    await callerFor(owner.id).project.create({ key, name: "Stemmed key", description: "" });
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await callerFor(owner.id).issue.create({ projectKey: key, title: `Pump ${i}`, description: "" }));
    const hits = await callerFor(owner.id).search.query({ q: made[2]!.key.toLowerCase() });
    expect(hits.items[0]?.key).toBe(made[2]!.key);
    // Others still cannot find it by key.
    expect((await callerFor(cast.reporter.id).search.query({ q: made[2]!.key })).items).toEqual([]);
  });

  it("finds nothing for stop words alone", async () => {
    await callerFor(cast.maintainer.id).requirement.create({ projectKey: cast.key, title: "The export of it" });
    expect(await callerFor(cast.maintainer.id).search.query({ q: "the of it" })).toEqual({
      items: [],
      nextCursor: null,
      limited: false,
    });
  });
});
