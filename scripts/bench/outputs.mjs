#!/usr/bin/env node
/**
 * What declaring outputs costs: each response is parsed by its procedure's zod output schema before it is
 * serialised. Measured on the payloads that carry the most rows — a page of 100 issues and a requirement tree of
 * 5,000 nodes — against the serialisation every response pays
 * anyway (the fast superjson path) and plain JSON.stringify. Prints µs per response and the ratios, and what the
 * same check costs through `parseAsync`, which is how tRPC itself would run it (server/api/validation.ts has
 * procedures use the synchronous parse, which zod compiles).
 *
 *   node --import tsx scripts/bench/outputs.mjs
 */
import { issuePageOut } from "../../lib/schemas/issue.ts";
import { projectPageOut } from "../../lib/schemas/project.ts";
import { requirementTreeOut } from "../../lib/schemas/requirement.ts";
import { serializeFast } from "../../lib/transformer.ts";

const person = (i) => ({ id: `u${i}`, name: `Person ${i}`, email: `p${i}@example.test`, deactivatedAt: null });
const issues = {
  items: Array.from({ length: 100 }, (_, i) => ({
    id: `c${i}`,
    number: i + 1,
    key: `PAY-I-${i + 1}`,
    version: 3,
    title: `Refunds fail for partial captures ${i}`,
    description: "Seen on **staging** after the 2.3 deploy. ".repeat(4),
    severity: "HIGH",
    status: "TRIAGED",
    labels: ["payments", "refunds"],
    closedAt: null,
    resolution: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    updatedById: "u1",
    reporter: person(i % 7),
    assignee: i % 3 ? person(i % 5) : null,
    // What a service row may carry beyond the declared fields: dropped by the parse.
    projectId: "p1",
  })),
  nextCursor: "WzEwMF0",
};
const tree = {
  nodes: Array.from({ length: 5000 }, (_, i) => ({
    key: `PAY-${i + 1}`,
    number: i + 1,
    title: `Requirement ${i + 1}`,
    status: "APPROVED",
    type: "FUNCTIONAL",
    priority: "MUST",
    version: 2,
    depth: i % 12,
    parentKey: i ? `PAY-${i}` : null,
  })),
};

const projects = {
  items: Array.from({ length: 50 }, (_, i) => ({
    id: `p${i}`,
    key: `PAY${String.fromCharCode(65 + (i % 26))}`,
    name: `Payments ${i}`,
    description: "Requirements and issues of the payments product line.",
    version: 4,
    archivedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    updatedById: "u1",
    memberCount: 12,
    myRole: "MAINTAINER",
    openReporting: i % 5 === 0,
  })),
  nextCursor: "PAYZ",
};

async function timeAsync(fn, runs) {
  for (let i = 0; i < Math.max(20, runs / 10); i++) await fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return ((performance.now() - t) / runs) * 1000;
}

function time(fn, runs) {
  for (let i = 0; i < Math.max(20, runs / 10); i++) fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return ((performance.now() - t) / runs) * 1000;
}

const cases = [
  ["project.list, 50 rows", projectPageOut, projects, 2000],
  ["issue.list, 100 rows", issuePageOut, issues, 2000],
  ["requirement.tree, 5,000 nodes", requirementTreeOut, tree, 100],
];
for (const [name, schema, payload, runs] of cases) {
  const parsed = schema.parse(payload);
  if ("projectId" in (parsed.items?.[0] ?? {})) throw new Error("the undeclared field was not dropped");
  const parse = time(() => schema.parse(payload), runs);
  const parseAsync = await timeAsync(() => schema.parseAsync(payload), runs);
  const serialize = time(() => serializeFast(parsed), runs);
  const json = time(() => JSON.stringify(parsed), runs);
  console.log(
    `${name}: output parse ${parse.toFixed(0)} µs (parseAsync ${parseAsync.toFixed(0)} µs, ${(parseAsync / parse).toFixed(1)}×),` +
      ` serialise ${serialize.toFixed(0)} µs, JSON.stringify ${json.toFixed(0)} µs` +
      ` — parse/serialise ${(parse / serialize).toFixed(2)}, (parse+serialise)/JSON ${((parse + serialize) / json).toFixed(2)}`,
  );
}
