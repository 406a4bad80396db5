/**
 * The one project authorization shared by procedures and route handlers
 * (uploads, the audit log): outsiders get NOT_FOUND, members without the
 * permission FORBIDDEN, and an archived project takes reads only.
 */
import { randomUUID } from "node:crypto";

import { beforeEach, describe, expect, it } from "vitest";
import type { ProjectPermission } from "@/server/auth/permissions";
import { authorizeProjectOrThrow } from "@/server/auth/project-scope";

import { callerFor, createProjectWithCast } from "../helpers/factories";

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

beforeEach(async () => {
  cast = await createProjectWithCast();
});

const authorize = (userId: string, permission: ProjectPermission) =>
  authorizeProjectOrThrow({ userId, projectKey: cast.key, permission, requestId: randomUUID() });

describe("authorizeProjectOrThrow", () => {
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
});
