/**
 * The planner's estimate of a query's matches (its own file: the estimate
 * depends on the statistics of the whole table, so no other test's rows may
 * share it).
 */
import { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { estimateBroad, RANKED_MAX, RECENT_WINDOW } from "@/server/services/search/search";

import { callerFor, createProjectWithCast } from "../helpers/factories";
import { searchFixtures } from "../helpers/search-fixtures";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let fx: ReturnType<typeof searchFixtures>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  fx = searchFixtures(cast);
});

describe("search.query, broad by estimate", () => {
  it("answers a query the planner expects to match far more than RANKED_MAX items from the recent window, without ranking them all", async () => {
    const maint = callerFor(cast.maintainer.id);
    const fillers = 10 * RANKED_MAX;
    await db.issue.createMany({
      data: [
        fx.issue(1, "Sync sync sync conflict", fx.day(0)),
        ...Array.from({ length: fillers }, (_, n) => fx.issue(n + 2, `Widget ${n + 2}`, fx.day(10 + n))),
        fx.issue(fillers + 2, "Sync agent stalls", fx.day(10 + fillers)),
      ],
    });
    await db.$executeRaw`ANALYZE "Issue"`;
    const scope = Prisma.sql`SELECT p.id FROM "Project" p WHERE p.id = ${cast.project.id}`;
    expect(await estimateBroad({ scope, exactQuery: "sync", kinds: new Set(["issue"] as const) })).toMatchObject({
      issue: true,
    });
    expect(await estimateBroad({ scope, exactQuery: "conflict", kinds: new Set(["issue"] as const) })).toMatchObject({
      issue: false,
    });

    const first = await maint.search.query({ q: "sync", projectKey: cast.key, kinds: ["issue"] });
    expect(first.limited).toBe(true);
    expect(first.items[0]?.key).toBe(`${cast.key}-${fillers + 2}`);
    expect(await fx.allPages({ q: "sync", projectKey: cast.key, kinds: ["issue"] })).toHaveLength(RECENT_WINDOW);
    // A rare word among the same items is still ranked in full.
    const rare = await maint.search.query({ q: "conflict", projectKey: cast.key, kinds: ["issue"] });
    expect(rare).toMatchObject({ limited: false, items: [{ key: `${cast.key}-1` }] });
  });
});
