import type { InstanceRole } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import type { ProjectCreateInput } from "@/lib/schemas/project";
import { AppError, forbidden, isUniqueViolation } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";

import { presentProject, projectSelect, projectSnapshot } from "./project-select";
import { NO_INTEGRATIONS } from "./project-versions";

/** Creates a project; its creator becomes its ADMIN. */
export async function createProject(opts: {
  actor: Actor;
  user: { id: string; role: InstanceRole };
  input: ProjectCreateInput;
}) {
  if (getEnv().PROJECT_CREATION === "admins" && opts.user.role !== "ADMIN") {
    throw forbidden("Only instance administrators can create projects on this instance");
  }
  const { key, name, description } = opts.input;
  try {
    return await applyChange(opts.actor, async (tx, record) => {
      const taken = await tx.project.findUnique({ where: { key }, select: { id: true } });
      if (taken) throw new AppError("CONFLICT", `Project key ${key} is already taken`);
      const project = await tx.project.create({
        data: { key, name, description, updatedById: opts.user.id },
        select: projectSelect,
      });
      await tx.projectVersion.create({
        data: {
          projectId: project.id,
          version: 1,
          snapshot: { ...projectSnapshot(project), integrations: NO_INTEGRATIONS },
          changeNote: "Created",
          authorId: opts.user.id,
        },
      });
      const membership = await tx.membership.create({
        data: { projectId: project.id, userId: opts.user.id, role: "ADMIN" },
        select: { id: true, userId: true, role: true },
      });
      record({
        action: "project.created",
        entityType: "Project",
        entityId: project.id,
        projectId: project.id,
        after: project,
      });
      record({
        action: "project.member_added",
        entityType: "Membership",
        entityId: membership.id,
        projectId: project.id,
        after: membership,
      });
      return { ...presentProject(project), memberCount: 1, myRole: "ADMIN" as const };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("CONFLICT", `Project key ${key} is already taken`);
    throw err;
  }
}
