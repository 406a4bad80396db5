/**
 * The one project authorization shared by procedures and route handlers
 * (uploads, the audit log): outsiders get NOT_FOUND, members without the
 * permission FORBIDDEN, and an archived project takes reads only.
 */
import { randomUUID } from "node:crypto";

import { beforeEach, describe, expect, it } from "vitest";
import { PROJECT_PERMISSIONS, type ProjectPermission, permissionKind } from "@/server/auth/permissions";
import { authorizeOrThrow } from "@/server/auth/project-scope";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

const authorize = (userId: string, permission: ProjectPermission) =>
  authorizeOrThrow({ userId, projectKey: cast.key, permission, requestId: randomUUID() });

describe("authorizeOrThrow", () => {
  it("gives members the scope their role allows", async () => {
    const { scope } = await authorize(cast.reporter.id, "comment:create");
    expect(scope).toMatchObject({
      projectId: cast.project.id,
      projectKey: cast.key,
      userId: cast.reporter.id,
      role: "REPORTER",
    });
    expect((await authorize(cast.instanceAdmin.id, "audit:read")).scope.role).toBe("ADMIN");
  });

  it("refuses outsiders with NOT_FOUND and members without the permission with FORBIDDEN", async () => {
    await expect(authorize(cast.nonMember.id, "requirement:read")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(authorize(cast.reporter.id, "audit:read")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("takes only reads on an archived project, uploads included", async () => {
    await callerFor(cast.admin.id).project.archive({ projectKey: cast.key, archived: true });
    await expect(authorize(cast.maintainer.id, "comment:create")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await authorize(cast.maintainer.id, "requirement:read")).scope.role).toBe("MAINTAINER");
  });

  it("decides reads by the permission's declared kind: every issue read works on an archived project", async () => {
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Before archiving" });
    await callerFor(cast.admin.id).project.archive({ projectKey: cast.key, archived: true });
    for (const permission of PROJECT_PERMISSIONS) {
      const outcome = authorize(cast.admin.id, permission);
      if (permissionKind(permission) === "write")
        await expect(outcome, permission).rejects.toMatchObject({ code: "FORBIDDEN" });
      else await expect(outcome, permission).resolves.toBeDefined();
    }
    const reporter = callerFor(cast.reporter.id);
    expect((await reporter.issue.byKey({ key: issue.key })).title).toBe("Before archiving");
    expect((await reporter.issue.list({ projectKey: cast.key })).items.map((i) => i.key)).toContain(issue.key);
    expect(await reporter.issue.comments.list({ key: issue.key })).toBeDefined();
    // Restoring is the one change an archived project takes.
    await callerFor(cast.admin.id).project.archive({ projectKey: cast.key, archived: false });
  });

  it("without a project, follows the permission's rule: own projects, instance admins, or a project required", async () => {
    const none = (userId: string, permission: ProjectPermission) =>
      authorizeOrThrow({ userId, projectKey: null, permission, requestId: randomUUID() });
    expect((await none(cast.nonMember.id, "project:read")).scope).toBeNull();
    await expect(none(cast.admin.id, "audit:read")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await none(cast.instanceAdmin.id, "audit:read")).scope).toBeNull();
    await expect(none(cast.instanceAdmin.id, "requirement:read")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // The procedures built on it: search in a project one cannot see, the audit log across projects.
    await expectTRPCError(callerFor(cast.nonMember.id).search.query({ q: "x", projectKey: cast.key }), "NOT_FOUND");
    await expectTRPCError(callerFor(cast.admin.id).audit.list({}), "FORBIDDEN");
    expect(await callerFor(cast.admin.id).audit.list({ projectKey: cast.key })).toBeDefined();
  });
});
