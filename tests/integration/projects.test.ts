import { describe, expect, it } from "vitest";

import { db } from "@/server/db";

import {
  addMembership,
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  uniqueProjectKey,
} from "../helpers/factories";

async function auditCount(projectId: string) {
  return db.auditEvent.count({ where: { projectId } });
}

describe("project.create", () => {
  it("creates the project, makes the creator ADMIN, and writes version 1, audit and outbox rows", async () => {
    const user = await createUser();
    const key = uniqueProjectKey();
    const created = await callerFor(user.id).project.create({ key, name: "Payments", description: "Card flows" });
    expect(created).toMatchObject({ key, name: "Payments", version: 1, myRole: "ADMIN" });

    const membership = await db.membership.findUniqueOrThrow({
      where: { projectId_userId: { projectId: created.id, userId: user.id } },
    });
    expect(membership.role).toBe("ADMIN");
    expect(await db.projectVersion.count({ where: { projectId: created.id } })).toBe(1);
    const audit = await db.auditEvent.findMany({ where: { projectId: created.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["project.created", "project.member_added"]);
    expect(audit[0]).toMatchObject({ actorId: user.id, entityType: "Project", entityId: created.id });
    expect(audit[0]!.requestId).toBe(audit[1]!.requestId);
    const outbox = await db.outboxEvent.findMany({ where: { projectId: created.id } });
    expect(outbox.map((o) => o.type).sort()).toEqual(["project.created", "project.member_added"]);
  });

  it("refuses a duplicate key with CONFLICT and writes nothing", async () => {
    const user = await createUser();
    const key = uniqueProjectKey();
    await callerFor(user.id).project.create({ key, name: "First" });
    const before = await db.auditEvent.count();
    await expectTRPCError(callerFor(user.id).project.create({ key, name: "Second" }), "CONFLICT");
    expect(await db.auditEvent.count()).toBe(before);
    expect(await db.project.count({ where: { key } })).toBe(1);
  });

  it("gives exactly one winner when two users race for the same key", async () => {
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const key = uniqueProjectKey();
    const results = await Promise.allSettled([
      callerFor(a.id).project.create({ key, name: "A" }),
      callerFor(b.id).project.create({ key, name: "B" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.code).toBe("CONFLICT");
  });

  it.each([
    ["lower-case", "pay"],
    ["too short", "P"],
    ["too long", "ABCDEFGHIJK"],
    ["digits", "PAY1"],
    ["punctuation", "PA-Y"],
  ])("rejects an invalid key (%s) with BAD_REQUEST", async (_label, key) => {
    const user = await createUser();
    const err = await expectTRPCError(callerFor(user.id).project.create({ key, name: "X" }), "BAD_REQUEST");
    expect(err.message).toMatch(/key/i);
  });

  it("rejects oversized names and descriptions", async () => {
    const user = await createUser();
    const caller = callerFor(user.id);
    await expectTRPCError(caller.project.create({ key: uniqueProjectKey(), name: "x".repeat(101) }), "BAD_REQUEST");
    await expectTRPCError(
      caller.project.create({ key: uniqueProjectKey(), name: "ok", description: "x".repeat(5001) }),
      "BAD_REQUEST",
    );
  });
});

describe("project visibility", () => {
  it("lists only the caller's projects; instance admins see all", async () => {
    const cast = await createProjectWithCast();
    const keysOf = async (userId: string) => {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await callerFor(userId).project.list({ cursor, limit: 2 });
        keys.push(...page.items.map((p) => p.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return keys;
    };
    expect(await keysOf(cast.reporter.id)).toEqual([cast.key]);
    const [mine] = (await callerFor(cast.reporter.id).project.list({})).items;
    expect(mine).toMatchObject({ key: cast.key, memberCount: 3, myRole: "REPORTER" });
    expect(await keysOf(cast.nonMember.id)).toEqual([]);
    expect(await keysOf(cast.instanceAdmin.id)).toContain(cast.key);
  });

  it("pages through memberships and open projects in key order with the caller's role and member counts", async () => {
    const owner = await createUser({ name: "Owner" });
    const user = await createUser({ name: "Member of some" });
    const ownerCaller = callerFor(owner.id);
    const make = async (settings?: { openReporting: boolean }) => {
      const key = uniqueProjectKey();
      const project = await ownerCaller.project.create({ key, name: `Project ${key}`, description: "" });
      if (settings) await ownerCaller.project.update({ projectKey: key, expectedVersion: 1, settings });
      return { key, id: project.id };
    };
    const [maintained, reported, archived, open, closed] = await Promise.all([
      make(),
      make(),
      make(),
      make({ openReporting: true }),
      make(),
    ]);
    await addMembership(maintained.id, user.id, "MAINTAINER");
    await addMembership(reported.id, user.id, "REPORTER");
    await addMembership(archived.id, user.id, "MAINTAINER");
    await ownerCaller.project.archive({ projectKey: archived.key, archived: true });

    const listAll = async (includeArchived: boolean) => {
      const items: { key: string; myRole: string; memberCount: number; openReporting: boolean }[] = [];
      let cursor: string | undefined;
      do {
        const page = await callerFor(user.id).project.list({ cursor, limit: 2, includeArchived });
        items.push(
          ...page.items.map(({ key, myRole, memberCount, openReporting }) => ({
            key,
            myRole,
            memberCount,
            openReporting,
          })),
        );
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    const visible = [
      { key: maintained.key, myRole: "MAINTAINER", memberCount: 2, openReporting: false },
      { key: reported.key, myRole: "REPORTER", memberCount: 2, openReporting: false },
      { key: open.key, myRole: "REPORTER", memberCount: 1, openReporting: true },
    ];
    expect(await listAll(false)).toEqual([...visible].sort(byKey));
    expect(await listAll(true)).toEqual(
      [...visible, { key: archived.key, myRole: "MAINTAINER", memberCount: 2, openReporting: false }].sort(byKey),
    );
    const keys = (await listAll(true)).map((p) => p.key);
    expect(keys).not.toContain(closed.key);
  });

  it("lists projects without their settings, saying only whether each is open for reporting", async () => {
    const owner = await createUser({ name: "Settings owner" });
    const caller = callerFor(owner.id);
    const attributes = Array.from({ length: 40 }, (_, i) => ({
      key: `attr${i}`,
      label: `Attribute ${i}`,
      type: "enum" as const,
      options: Array.from({ length: 20 }, (_, k) => `Option ${k} of attribute ${i}`),
    }));
    const heavy = uniqueProjectKey();
    const closed = uniqueProjectKey();
    await caller.project.create({ key: heavy, name: "Heavy settings", description: "" });
    await caller.project.create({ key: closed, name: "Closed", description: "" });
    await caller.project.update({
      projectKey: heavy,
      expectedVersion: 1,
      settings: { requirementAttributes: attributes, openReporting: true },
    });
    await caller.project.update({ projectKey: closed, expectedVersion: 1, settings: { openReporting: false } });

    const items = (await caller.project.list({ limit: 100 })).items.filter((p) => [heavy, closed].includes(p.key));
    expect(new Map(items.map((p) => [p.key, p.openReporting]))).toEqual(
      new Map([
        [heavy, true],
        [closed, false],
      ]),
    );
    for (const item of items) expect(item).not.toHaveProperty("settings");
    expect(JSON.stringify(items).length).toBeLessThan(1_000);
    // The settings themselves are one call away.
    const full = await caller.project.byKey({ projectKey: heavy });
    expect(full.settings.requirementAttributes).toHaveLength(40);
  });

  it("answers NOT_FOUND identically for an unknown project and someone else's", async () => {
    const cast = await createProjectWithCast();
    const outsider = callerFor(cast.nonMember.id);
    const hidden = await expectTRPCError(outsider.project.byKey({ projectKey: cast.key }), "NOT_FOUND");
    const missing = await expectTRPCError(outsider.project.byKey({ projectKey: uniqueProjectKey() }), "NOT_FOUND");
    expect(hidden.message).toBe(missing.message);
  });
});

describe("project.update", () => {
  it("updates with the current expectedVersion and keeps every version", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    const v2 = await admin.project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      name: "Renamed",
      changeNote: "n",
    });
    expect(v2.version).toBe(2);
    const v3 = await admin.project.update({
      projectKey: cast.key,
      expectedVersion: 2,
      settings: { workflow: "strict" },
    });
    expect(v3).toMatchObject({ version: 3, name: "Renamed", settings: { workflow: "strict" } });
    const versions = await db.projectVersion.findMany({
      where: { projectId: cast.project.id },
      orderBy: { version: "asc" },
    });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions[0]!.snapshot).toMatchObject({ name: cast.project.name });
    expect(versions[1]!.snapshot).toMatchObject({ name: "Renamed" });
  });

  it("refuses a stale expectedVersion with CONFLICT carrying the current version, writing nothing", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    await admin.project.update({ projectKey: cast.key, expectedVersion: 1, name: "Theirs" });
    const audits = await auditCount(cast.project.id);
    const err = await expectTRPCError(
      admin.project.update({ projectKey: cast.key, expectedVersion: 1, name: "Mine" }),
      "CONFLICT",
    );
    expect(err.message).toBe(`${cast.key} was changed by ${cast.admin.name} (now at version 2)`);
    expect(
      (err as unknown as { details: { currentVersion: number; current: { name: string } } }).details,
    ).toMatchObject({
      currentVersion: 2,
      current: { name: "Theirs" },
      updatedBy: { id: cast.admin.id, name: cast.admin.name },
    });
    const project = await db.project.findUniqueOrThrow({ where: { id: cast.project.id } });
    expect(project).toMatchObject({ name: "Theirs", version: 2 });
    expect(await auditCount(cast.project.id)).toBe(audits);
  });

  it("lets exactly one of 20 concurrent writers win per version", async () => {
    const cast = await createProjectWithCast();
    // Instance admins act as project admins: two people racing.
    const writers = [cast.admin, cast.instanceAdmin];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        callerFor(writers[i % 2]!.id).project.update({
          projectKey: cast.key,
          expectedVersion: 1,
          description: `writer ${i}`,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const conflicts = results.filter(
      (r) => r.status === "rejected" && r.reason.code === "CONFLICT",
    ) as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect(await db.projectVersion.count({ where: { projectId: cast.project.id } })).toBe(2);
    expect(await db.auditEvent.count({ where: { projectId: cast.project.id, action: "project.updated" } })).toBe(1);
    const winner = ok[0]!.value;
    const author = writers.find((u) => u.id === winner.updatedById)!;
    for (const { reason } of conflicts) {
      expect(reason.message).toBe(`${cast.key} was changed by ${author.name} (now at version 2)`);
      expect(reason.details).toEqual({
        currentVersion: 2,
        current: expect.objectContaining({ version: 2, description: winner.description }),
        updatedBy: { id: author.id, name: author.name },
        updatedAt: winner.updatedAt,
      });
    }
  });

  it("writes nothing for an update that changes nothing", async () => {
    const cast = await createProjectWithCast();
    const audits = await auditCount(cast.project.id);
    const same = await callerFor(cast.admin.id).project.update({
      projectKey: cast.key,
      expectedVersion: 1,
      name: cast.project.name,
    });
    expect(same.version).toBe(1);
    expect(await auditCount(cast.project.id)).toBe(audits);
    await callerFor(cast.admin.id).project.update({ projectKey: cast.key, expectedVersion: 1, name: "Renamed" });
    // Stale is a CONFLICT even when the update would change nothing.
    await expectTRPCError(
      callerFor(cast.admin.id).project.update({ projectKey: cast.key, expectedVersion: 1, name: "Renamed" }),
      "CONFLICT",
    );
  });

  it("refuses oversized settings", async () => {
    const cast = await createProjectWithCast();
    await expectTRPCError(
      callerFor(cast.admin.id).project.update({
        projectKey: cast.key,
        expectedVersion: 1,
        settings: { blob: "x".repeat(70_000) },
      }),
      "BAD_REQUEST",
    );
  });
});

describe("project.archive", () => {
  it("hides the project from lists and makes it read-only until restored", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    await admin.project.archive({ projectKey: cast.key, archived: true });
    expect((await admin.project.list({})).items.map((p) => p.key)).not.toContain(cast.key);
    expect((await admin.project.list({ includeArchived: true })).items.map((p) => p.key)).toContain(cast.key);
    await expect(callerFor(cast.reporter.id).project.byKey({ projectKey: cast.key })).resolves.toBeDefined();
    await expectTRPCError(admin.project.update({ projectKey: cast.key, expectedVersion: 1, name: "No" }), "FORBIDDEN");
    await admin.project.archive({ projectKey: cast.key, archived: false });
    await expect(
      admin.project.update({ projectKey: cast.key, expectedVersion: 1, name: "Yes" }),
    ).resolves.toMatchObject({
      version: 2,
    });
  });
});

describe("project members", () => {
  it("invites by email, the invitee joins, then changes role and removal are audited", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    const newcomer = await createUser({ email: `new-${Date.now()}@example.test` });
    const invitation = await admin.project.members.add({
      projectKey: cast.key,
      email: newcomer.email.toUpperCase(),
      role: "REPORTER",
    });
    expect(invitation).toMatchObject({ role: "REPORTER", email: newcomer.email });
    await callerFor(newcomer.id).invitation.accept({ id: invitation.id });
    await expectTRPCError(
      admin.project.members.add({ projectKey: cast.key, email: newcomer.email, role: "ADMIN" }),
      "CONFLICT",
    );
    await admin.project.members.setRole({ projectKey: cast.key, userId: newcomer.id, role: "MAINTAINER" });
    await admin.project.members.remove({ projectKey: cast.key, userId: newcomer.id });
    const actions = (
      await db.auditEvent.findMany({
        where: { projectId: cast.project.id, entityType: "Membership" },
        orderBy: { id: "asc" },
      })
    ).map((a) => a.action);
    expect(actions.slice(-3)).toEqual([
      "project.member_added",
      "project.member_role_changed",
      "project.member_removed",
    ]);
  });

  it("keeps at least one project admin", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    await expectTRPCError(
      admin.project.members.setRole({ projectKey: cast.key, userId: cast.admin.id, role: "REPORTER" }),
      "CONFLICT",
    );
    await expectTRPCError(admin.project.members.remove({ projectKey: cast.key, userId: cast.admin.id }), "CONFLICT");
    await admin.project.members.setRole({ projectKey: cast.key, userId: cast.maintainer.id, role: "ADMIN" });
    await expect(admin.project.members.remove({ projectKey: cast.key, userId: cast.admin.id })).resolves.toMatchObject({
      removed: true,
    });
  });

  it("applies a role change or removal on the very next request", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    const reporter = callerFor(cast.reporter.id);
    await expectTRPCError(
      reporter.project.members.add({ projectKey: cast.key, email: cast.nonMember.email, role: "REPORTER" }),
      "FORBIDDEN",
    );
    await admin.project.members.setRole({ projectKey: cast.key, userId: cast.reporter.id, role: "ADMIN" });
    await expect(
      reporter.project.members.add({ projectKey: cast.key, email: cast.nonMember.email, role: "REPORTER" }),
    ).resolves.toBeDefined();
    await admin.project.members.remove({ projectKey: cast.key, userId: cast.reporter.id });
    await expectTRPCError(reporter.project.byKey({ projectKey: cast.key }), "NOT_FOUND");
  });

  it("refuses an invalid role and a malformed email", async () => {
    const cast = await createProjectWithCast();
    const admin = callerFor(cast.admin.id);
    await expectTRPCError(
      admin.project.members.add({ projectKey: cast.key, email: "a@b.test", role: "OWNER" as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      admin.project.members.add({ projectKey: cast.key, email: "not-an-email", role: "REPORTER" }),
      "BAD_REQUEST",
    );
  });
});
