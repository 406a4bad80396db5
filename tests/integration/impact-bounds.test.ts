/**
 * Impact analysis stays bounded: a dense chain (four link types between
 * neighbours, billions of paths) and a 5,000-requirement lattice answer
 * quickly, each requirement once at its shortest depth, and the caps say
 * `limited` exactly when they cut the walk.
 */
import { performance } from "node:perf_hooks";

import { beforeAll, describe, expect, inject, it } from "vitest";

import { db } from "@/server/db";
import {
  IMPACT_MAX_DEPTH,
  IMPACT_MAX_ISSUES,
  IMPACT_MAX_LINKS,
  IMPACT_MAX_REQUIREMENTS,
  type ImpactLimits,
  impact,
} from "@/server/services/trace-links/analysis";

import { callerFor, createProjectWithCast, projectScopeFor } from "../helpers/factories";

const DEFAULTS: ImpactLimits = {
  requirements: IMPACT_MAX_REQUIREMENTS,
  depth: IMPACT_MAX_DEPTH,
  issues: IMPACT_MAX_ISSUES,
  links: IMPACT_MAX_LINKS,
};
const REQUIREMENT_LINK_TYPES = ["PARENT_OF", "DERIVES_FROM", "REFINES", "CONFLICTS_WITH"] as const;
const WIDTH = 50;
const LAYERS = 100;

/** Statements other than this check's own still running in the test database (PostgreSQL only). */
async function otherActiveStatements(): Promise<number> {
  if (inject("dbMode") !== "postgres") return 0;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`;
  return row?.n ?? 0;
}

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let maint: ReturnType<typeof callerFor>;
let scope: Awaited<ReturnType<typeof projectScopeFor>>;

beforeAll(async () => {
  cast = await createProjectWithCast();
  maint = callerFor(cast.maintainer.id);
  scope = await projectScopeFor(cast.maintainer.id, cast.key);
});

const req = (title: string) => maint.requirement.create({ projectKey: cast.key, title, statement: `${title}.` });
const link = (from: string, to: string, type: string) =>
  maint.traceLink.create({ projectKey: cast.key, from, to, type: type as never });

async function timed<T>(label: string, work: () => Promise<T>) {
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  console.info(`[impact-bounds] ${label}: ${ms.toFixed(0)} ms`);
  return { result, ms };
}

describe("dense chain", () => {
  it("walks 16 requirements with four link types between neighbours once each, at their shortest depth", async () => {
    const chain: Awaited<ReturnType<typeof req>>[] = [];
    for (let i = 0; i < 16; i++) chain.push(await req(`Dense ${i}`));
    // Every requirement is downstream of its predecessor through all four types: 4^15 paths from the head.
    for (let i = 1; i < chain.length; i++)
      for (const type of REQUIREMENT_LINK_TYPES) await link(chain[i]!.key, chain[i - 1]!.key, type);

    const { result, ms } = await timed("dense chain of 16", () => impact({ scope, input: { key: chain[0]!.key } }));
    // A guard only; the figure itself is in docs/benchmarks.md.
    expect(ms).toBeLessThan(5_000);
    expect(await otherActiveStatements()).toBe(0);
    expect(result.limited).toBe(false);
    expect(result.requirements.map((r) => [r.key, r.depth])).toEqual(chain.slice(1).map((r, i) => [r.key, i + 1]));

    // Through the API too.
    expect((await maint.traceLink.impact({ key: chain[0]!.key })).requirements).toHaveLength(15);
  });

  it("stops at cycles", async () => {
    const a = await req("Cycle A");
    const b = await req("Cycle B");
    await link(b.key, a.key, "DERIVES_FROM");
    await link(a.key, b.key, "REFINES");
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const result = await impact({ scope, input: { key: from.key } });
      expect(result.requirements.map((r) => [r.key, r.depth])).toEqual([[to.key, 1]]);
      expect(result.limited).toBe(false);
    }
  });
});

describe("5,000-requirement lattice", () => {
  // root ← layer 0 (all 50) ← layer 1 ← … ← layer 99; node (k, i) derives from (k-1, i) and (k-1, i-1 mod 50),
  // so every node of layer k is at depth k + 1 from the root, and reachable through many paths.
  let root: Awaited<ReturnType<typeof req>>;
  const keyOf = (layer: number, i: number) => `${cast.key}-${1_000 + layer * WIDTH + i}`;
  const idOf = (layer: number, i: number) => `${cast.project.id}-lattice-${layer}-${i}`;

  beforeAll(async () => {
    root = await req("Lattice root");
    // Seeded in bulk: calling the service 5,000 times would take minutes and test nothing more.
    await db.$executeRaw`
      INSERT INTO "Requirement" (id, "projectId", number, key, version, title, statement, rationale, type, priority,
                                 status, tags, position)
      SELECT ${cast.project.id} || '-lattice-' || (n / ${WIDTH}) || '-' || (n % ${WIDTH}), ${cast.project.id},
             1000 + n, ${cast.key} || '-' || (1000 + n), 1, 'Lattice ' || n, '', '', 'FUNCTIONAL', 'SHOULD', 'DRAFT',
             '{}', n
      FROM generate_series(0, ${WIDTH * LAYERS - 1}) AS n`;
    await db.$executeRaw`UPDATE "Project" SET "requirementCounter" = ${1_000 + WIDTH * LAYERS} WHERE id = ${cast.project.id}`;
    const links: { source: string; target: string }[] = [];
    for (let i = 0; i < WIDTH; i++) links.push({ source: idOf(0, i), target: root.id });
    for (let layer = 1; layer < LAYERS; layer++)
      for (let i = 0; i < WIDTH; i++) {
        links.push({ source: idOf(layer, i), target: idOf(layer - 1, i) });
        links.push({ source: idOf(layer, i), target: idOf(layer - 1, (i + WIDTH - 1) % WIDTH) });
      }
    await db.traceLink.createMany({
      data: links.map((l) => ({
        projectId: cast.project.id,
        type: "DERIVES_FROM" as const,
        sourceKey: `R:${l.source}`,
        sourceRequirementId: l.source,
        targetRequirementId: l.target,
        linkedVersion: 1,
      })),
    });
    // Issues at depths 1, 3 and 101 (the last layer), one of them linked twice.
    const near = await maint.issue.create({ projectKey: cast.key, title: "Near" });
    const mid = await maint.issue.create({ projectKey: cast.key, title: "Mid" });
    const far = await maint.issue.create({ projectKey: cast.key, title: "Far" });
    await link(near.key, root.key, "IMPLEMENTS");
    await link(near.key, keyOf(0, 3), "VERIFIES");
    await link(mid.key, keyOf(1, 7), "IMPLEMENTS");
    await link(far.key, keyOf(LAYERS - 1, 0), "VERIFIES");
  });

  it("answers the whole lattice, every requirement once at its depth, when the cap allows it", async () => {
    const { result, ms } = await timed("lattice of 5,000, whole", () =>
      impact({ scope, input: { key: root.key }, limits: { ...DEFAULTS, requirements: WIDTH * LAYERS } }),
    );
    expect(ms).toBeLessThan(5_000);
    expect(await otherActiveStatements()).toBe(0);
    expect(result.limited).toBe(false);
    expect(result.requirements).toHaveLength(WIDTH * LAYERS);
    expect(new Set(result.requirements.map((r) => r.key)).size).toBe(WIDTH * LAYERS);
    const depth = new Map(result.requirements.map((r) => [r.key, r.depth]));
    for (let layer = 0; layer < LAYERS; layer++)
      for (let i = 0; i < WIDTH; i++) expect(depth.get(keyOf(layer, i))).toBe(layer + 1);
    expect(result.issues.map((i) => [i.title, i.depth])).toEqual([
      ["Near", 1],
      ["Mid", 3],
      ["Far", LAYERS + 1],
    ]);
    expect(result.issues[0]!.via.sort()).toEqual(["IMPLEMENTS", "VERIFIES"]);
  });

  it("stops at the requirement cap and says so, keeping the nearest levels whole", async () => {
    const { result, ms } = await timed("lattice of 5,000, default cap", () =>
      impact({ scope, input: { key: root.key } }),
    );
    expect(ms).toBeLessThan(5_000);
    expect(await otherActiveStatements()).toBe(0);
    expect(result.limited).toBe(true);
    expect(result.requirements).toHaveLength(IMPACT_MAX_REQUIREMENTS);
    // 2,000 = 40 whole layers of 50.
    const expected = [];
    for (let layer = 0; layer < IMPACT_MAX_REQUIREMENTS / WIDTH; layer++)
      for (let i = 0; i < WIDTH; i++) expected.push([keyOf(layer, i), layer + 1]);
    expect(result.requirements.map((r) => [r.key, r.depth]).sort()).toEqual(expected.sort());
    expect(result.issues.map((i) => i.title)).toEqual(["Near", "Mid"]);
  });

  it("is not limited when what is downstream fits, from inside the lattice", async () => {
    // From (90, 0): layer 90 + d holds d + 1 nodes, up to layer 99.
    const result = await impact({ scope, input: { key: keyOf(90, 0) } });
    expect(result.limited).toBe(false);
    const expected = [];
    for (let d = 1; d < LAYERS - 90; d++) for (let i = 0; i <= d; i++) expected.push([keyOf(90 + d, i), d]);
    expect(result.requirements.map((r) => [r.key, r.depth]).sort()).toEqual(expected.sort());
    expect(result.issues.map((i) => [i.title, i.depth])).toEqual([["Far", LAYERS - 90]]);
  });

  it("stops at the depth, issue and link caps and says so", async () => {
    const shallow = await impact({ scope, input: { key: root.key }, limits: { ...DEFAULTS, depth: 10 } });
    expect(shallow.limited).toBe(true);
    expect(shallow.requirements).toHaveLength(10 * WIDTH);
    expect(Math.max(...shallow.requirements.map((r) => r.depth))).toBe(10);

    const exact = await impact({ scope, input: { key: keyOf(90, 0) }, limits: { ...DEFAULTS, depth: LAYERS - 91 } });
    expect(exact.limited).toBe(false);

    const fewIssues = await impact({
      scope,
      input: { key: root.key },
      limits: { ...DEFAULTS, requirements: WIDTH * LAYERS, issues: 2 },
    });
    expect(fewIssues.limited).toBe(true);
    expect(fewIssues.issues.map((i) => i.title)).toEqual(["Near", "Mid"]);

    const fewLinks = await impact({ scope, input: { key: root.key }, limits: { ...DEFAULTS, links: 500 } });
    expect(fewLinks.limited).toBe(true);
    expect(fewLinks.requirements.length).toBeLessThanOrEqual(500);
  });
});
