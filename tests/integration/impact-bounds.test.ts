/**
 * Impact analysis has a bounded cost: it visits each requirement once, so a
 * dense graph (many parallel links, exponentially many paths) or a wide
 * lattice answers quickly, and a walk larger than the limits stops there and
 * says `limited`. Runs on PostgreSQL and on the embedded database.
 */
import { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, inject, it } from "vitest";

import { db } from "@/server/db";
import { IMPACT_LIMITS, impact } from "@/server/services/trace-links/analysis";

import { callerFor, createProjectWithCast, projectScopeFor } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;

beforeEach(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
});

/** Statements other than this check's own still running in the test database (PostgreSQL only). */
async function otherActiveStatements(): Promise<number> {
  if (inject("dbMode") !== "postgres") return 0;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`;
  return row?.n ?? 0;
}

describe("impact on graphs built to be expensive", () => {
  it("answers a 16-requirement chain with four link types between each neighbour, each requirement once", async () => {
    const chain = [];
    for (let i = 0; i < 16; i++) {
      chain.push(await maint.requirement.create({ projectKey: cast.key, title: `C${i}`, statement: `Step ${i}.` }));
    }
    for (let i = 1; i < chain.length; i++) {
      for (const type of ["PARENT_OF", "DERIVES_FROM", "REFINES", "CONFLICTS_WITH"] as const) {
        await maint.traceLink.create({ projectKey: cast.key, from: chain[i]!.key, to: chain[i - 1]!.key, type });
      }
    }
    // 4^15 paths from the head to the tail; a walk over paths never finishes.
    const started = performance.now();
    const result = await maint.traceLink.impact({ key: chain[0]!.key });
    const elapsed = performance.now() - started;
    expect(result.limited).toBe(false);
    expect(result.requirements.map((r) => [r.title, r.depth])).toEqual(chain.slice(1).map((r, i) => [r.title, i + 1]));
    // A guard against path enumeration only; the 500 ms target is measured by the benchmark.
    expect(elapsed).toBeLessThan(5_000);
    expect(await otherActiveStatements()).toBe(0);
  });

  describe("a 5,000-requirement diamond lattice", () => {
    const WIDTH = 50;
    const LAYERS = 100;
    let rootKey = "";

    beforeEach(async () => {
      // One root, then 100 layers of 50: every node links to the root (layer 0) or to two nodes of the layer above.
      const projectId = cast.project.id;
      const root = await maint.requirement.create({ projectKey: cast.key, title: "Lattice root", statement: "Root." });
      rootKey = root.key;
      const rootId = (await db.requirement.findUniqueOrThrow({ where: { key: root.key }, select: { id: true } })).id;
      const prefix = `${cast.key}-lat-`;
      await db.$executeRaw(Prisma.sql`
        INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                                   status, tags, position)
        SELECT ${prefix} || g, ${projectId}, 1000 + g, ${`${cast.key}-`} || (1000 + g), 1, 'Node ' || g, 'Node.', '',
               'FUNCTIONAL', 'SHOULD', 'DRAFT', '{}', g
        FROM generate_series(0, ${WIDTH * LAYERS - 1}::int) AS g`);
      await db.$executeRaw(Prisma.sql`
        INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId", "linkedVersion")
        SELECT 'lk-' || ${prefix} || g, ${projectId}, 'DERIVES_FROM', 'R:' || ${prefix} || g, ${prefix} || g, ${rootId}, 1
        FROM generate_series(0, ${WIDTH - 1}::int) AS g`);
      for (const shift of [0, 1]) {
        await db.$executeRaw(Prisma.sql`
          INSERT INTO "TraceLink" (id, "projectId", type, "sourceKey", "sourceRequirementId", "targetRequirementId", "linkedVersion")
          SELECT 'lk' || ${String(shift)} || '-' || ${prefix} || g, ${projectId}, 'DERIVES_FROM', 'R:' || ${prefix} || g, ${prefix} || g,
                 ${prefix} || ((g / ${WIDTH}::int - 1) * ${WIDTH}::int + (g % ${WIDTH}::int + ${shift}::int) % ${WIDTH}::int), 1
          FROM generate_series(${WIDTH}::int, ${WIDTH * LAYERS - 1}::int) AS g`);
      }
    });

    it("reaches every node once, at its layer, when the limits allow it", async () => {
      const scope = await projectScopeFor(cast.maintainer.id, cast.key);
      const started = performance.now();
      const result = await impact({
        scope,
        input: { key: rootKey },
        limits: { ...IMPACT_LIMITS, requirements: WIDTH * LAYERS },
      });
      const elapsed = performance.now() - started;
      expect(result.limited).toBe(false);
      expect(result.requirements).toHaveLength(WIDTH * LAYERS);
      const layerOf = (title: string) => Math.floor(Number(title.slice("Node ".length)) / WIDTH);
      expect(result.requirements.every((r) => r.depth === layerOf(r.title) + 1)).toBe(true);
      expect(elapsed).toBeLessThan(10_000);
      expect(await otherActiveStatements()).toBe(0);
    });

    it("stops at the limit with the nearest requirements and says it is limited", async () => {
      const result = await maint.traceLink.impact({ key: rootKey });
      expect(result.limited).toBe(true);
      expect(result.requirements).toHaveLength(IMPACT_LIMITS.requirements);
      // Breadth first: everything kept is at least as near as anything left out.
      const deepest = Math.max(...result.requirements.map((r) => r.depth));
      expect(deepest).toBe(Math.ceil(IMPACT_LIMITS.requirements / WIDTH));
      expect(result.requirements.filter((r) => r.depth < deepest)).toHaveLength((deepest - 1) * WIDTH);
    });

    it("stops at the depth limit", async () => {
      const scope = await projectScopeFor(cast.maintainer.id, cast.key);
      const result = await impact({ scope, input: { key: rootKey }, limits: { ...IMPACT_LIMITS, depth: 3 } });
      expect(result.limited).toBe(true);
      expect(result.requirements).toHaveLength(3 * WIDTH);
      expect(Math.max(...result.requirements.map((r) => r.depth))).toBe(3);
    });
  });
});
