/**
 * Every procedure declares what it answers with: the declared zod output is what the caller receives (fields a
 * service returns beyond it are dropped), a replayed create answers with the same declared fields, and the
 * only procedure without an output parser is the one subscription (whose events are typed by
 * lib/schemas/live.ts and checked against the stream's own type at compile time).
 */
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { appRouter } from "@/server/api/root";
import { checksSynchronously } from "@/server/api/validation";
import { getRequirementOrThrow } from "@/server/services/requirements/read-requirements";

import { callerFor, createProjectWithCast, projectScopeFor } from "../helpers/factories";

interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription"; output?: unknown };
}

const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;

describe("declared outputs", () => {
  it("every query and mutation declares its output; the subscription is live.events alone", () => {
    const undeclared = Object.entries(procedures)
      .filter(([, p]) => p._def.type !== "subscription" && !p._def.output)
      .map(([path]) => path);
    expect(undeclared).toEqual([]);
    const subscriptions = Object.entries(procedures)
      .filter(([, p]) => p._def.type === "subscription")
      .map(([path]) => path);
    expect(subscriptions).toEqual(["live.events"]);
    expect(Object.keys(procedures).length).toBeGreaterThan(90);
  });

  it("every procedure checks its input and output with the synchronous parse (server/api/validation.ts)", () => {
    const unchanged = Object.entries(procedures)
      .filter(([, p]) => !checksSynchronously(p))
      .map(([path]) => path);
    expect(unchanged).toEqual([]);
  });

  it("a field the service returns but the output does not declare never reaches the caller", async () => {
    const cast = await createProjectWithCast();
    const caller = callerFor(cast.admin.id);
    const parent = await caller.requirement.create({ projectKey: cast.key, title: "Parent", statement: "The parent." });
    const child = await caller.requirement.create({
      projectKey: cast.key,
      title: "Child",
      statement: "The child.",
      parentKey: parent.key,
    });

    // The service itself returns internal ids (the parent's and the author's row ids) …
    const fromService = await getRequirementOrThrow({
      scope: await projectScopeFor(cast.admin.id, cast.key),
      input: { key: child.key },
    });
    expect(fromService).toHaveProperty("parentId", parent.id);
    expect(fromService).toHaveProperty("createdById", cast.admin.id);

    // … the procedure answers with what it declares: the parent by key, the author as a person.
    const answered = await caller.requirement.byKey({ key: child.key });
    expect(answered).not.toHaveProperty("parentId");
    expect(answered).not.toHaveProperty("createdById");
    expect(answered.parentKey).toBe(parent.key);
    expect(answered.title).toBe("Child");
  });

  it("a replayed create answers with exactly the fields of its first answer", async () => {
    const cast = await createProjectWithCast();
    const key = randomUUID();
    const input = { projectKey: cast.key, title: "Twice", statement: "Sent twice." };
    const first = await callerFor(cast.admin.id, { idempotencyKey: key }).requirement.create(input);
    const replay = await callerFor(cast.admin.id, { idempotencyKey: key }).requirement.create(input);
    expect(replay).toEqual(first);
    expect(replay).not.toHaveProperty("parentId");
    expect(replay).not.toHaveProperty("createdById");
  });
});
