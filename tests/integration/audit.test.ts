import { describe, expect, it } from "vitest";

import { db } from "@/server/db";
import { applyChange } from "@/server/services/change";

import { callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";

describe("audit.list", () => {
  it("shows project admins their project's events only, newest first, with before/after", async () => {
    const a = await createProjectWithCast();
    const b = await createProjectWithCast();
    await callerFor(a.admin.id).project.update({ projectKey: a.key, expectedVersion: 1, name: "After" });
    const page = await callerFor(a.admin.id).audit.list({ projectKey: a.key });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.project?.key === a.key)).toBe(true);
    expect(page.items[0]).toMatchObject({
      action: "project.updated",
      actor: { id: a.admin.id },
      before: expect.objectContaining({ name: a.project.name }),
      after: expect.objectContaining({ name: "After" }),
    });
    const ids = page.items.map((e) => BigInt(e.id));
    expect([...ids].sort((x, y) => (x > y ? -1 : 1))).toEqual(ids);
    await expectTRPCError(callerFor(a.admin.id).audit.list({ projectKey: b.key }), "NOT_FOUND");
    await expectTRPCError(callerFor(a.admin.id).audit.list({}), "FORBIDDEN");
  });

  it("lets instance admins read everything and filter by actor, action, project and time", async () => {
    const cast = await createProjectWithCast();
    const root = callerFor(cast.instanceAdmin.id);
    await callerFor(cast.admin.id).project.update({ projectKey: cast.key, expectedVersion: 1, description: "d" });

    const byActor = await root.audit.list({ actorId: cast.admin.id });
    expect(byActor.items.length).toBeGreaterThanOrEqual(3);
    expect(byActor.items.every((e) => e.actor?.id === cast.admin.id)).toBe(true);

    const byAction = await root.audit.list({ action: "project.updated", projectKey: cast.key });
    expect(byAction.items.map((e) => e.action)).toEqual(["project.updated"]);

    const byPrefix = await root.audit.list({ action: "project.member*", projectKey: cast.key });
    expect(byPrefix.items.length).toBeGreaterThan(0);
    expect(byPrefix.items.every((e) => e.action.startsWith("project.member"))).toBe(true);

    const future = await root.audit.list({ from: new Date(Date.now() + 60_000) });
    expect(future.items).toEqual([]);
    await expectTRPCError(root.audit.list({ from: new Date(), to: new Date(Date.now() - 1000) }), "BAD_REQUEST");
  });

  it("pages with a keyset cursor without gaps or repeats", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    for (let v = 1; v <= 5; v++) {
      await admin.project.update({ projectKey: cast.key, expectedVersion: v, description: `rev ${v}` });
    }
    const all = await admin.audit.list({ projectKey: cast.key, limit: 100 });
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.audit.list({ projectKey: cast.key, limit: 2, cursor });
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((e) => e.id));
    await expectTRPCError(admin.audit.list({ projectKey: cast.key, limit: 101 }), "BAD_REQUEST");
  });
});

describe("applyChange — one transaction per change", () => {
  it("rolls back rows, audit and outbox together when the change fails midway", async () => {
    const user = await createUser();
    const [audits, outbox, projects] = await Promise.all([
      db.auditEvent.count(),
      db.outboxEvent.count(),
      db.project.count(),
    ]);
    await expect(
      applyChange({ userId: user.id, requestId: "req-rollback" }, async (tx, record) => {
        const p = await tx.project.create({ data: { key: "ROLLBACK", name: "Doomed" } });
        record({ action: "project.created", entityType: "Project", entityId: p.id, projectId: p.id, after: p });
        throw new Error("boom after the write");
      }),
    ).rejects.toThrow("boom");
    expect(await db.auditEvent.count()).toBe(audits);
    expect(await db.outboxEvent.count()).toBe(outbox);
    expect(await db.project.count()).toBe(projects);
  });

  it("writes one audit and one outbox row per recorded change, sharing the request id", async () => {
    const user = await createUser();
    await applyChange({ userId: user.id, requestId: "req-pair" }, async (tx, record) => {
      const p = await tx.project.create({ data: { key: "PAIRED", name: "Paired" } });
      record({ action: "project.created", entityType: "Project", entityId: p.id, projectId: p.id, after: p });
    });
    const audit = await db.auditEvent.findMany({ where: { requestId: "req-pair" } });
    expect(audit).toHaveLength(1);
    const outbox = await db.outboxEvent.findMany({
      where: { type: "project.created", projectId: audit[0]!.projectId },
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.payload).toMatchObject({ requestId: "req-pair", actorId: user.id, entityType: "Project" });
    expect(outbox[0]!.dispatchedAt).toBeNull();
  });
});
