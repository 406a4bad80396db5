/**
 * ProjectScope: what every project service is given — the project, the
 * caller, the caller's role there and the audit actor. It is built in one
 * place, `projectScope`, from access resolved by the one statement in
 * resolveCallerInProject (the project procedure, the attachment route
 * handlers, the seed and tests all come through here), and services import
 * the type from this module, not from the API layer.
 */
import type { ProjectRole } from "@prisma/client";

import { type ProjectPermission, roleHas } from "@/server/auth/permissions";
import { AppError, notFound } from "@/server/errors";
import type { Actor } from "@/server/services/change";
import { resolveCallerInProject } from "@/server/services/projects/resolve-project-access";

export interface ProjectScope {
  projectId: string;
  projectKey: string;
  /** The caller. */
  userId: string;
  /** The caller's effective role in the project (an instance admin acts as ADMIN). */
  role: ProjectRole;
  /** Who the audit trail names for changes made in this scope, with the request id. */
  actor: Actor;
}

export function projectScope(opts: {
  user: { id: string };
  project: { id: string; key: string };
  role: ProjectRole;
  requestId: string;
}): ProjectScope {
  return {
    projectId: opts.project.id,
    projectKey: opts.project.key,
    userId: opts.user.id,
    role: opts.role,
    actor: { userId: opts.user.id, requestId: opts.requestId },
  };
}

/**
 * The one authorization of a project call, for procedures and route handlers
 * alike: the caller, the project and their role in one statement; a caller
 * who is not a member (or a project that does not exist) gets NOT_FOUND, a
 * member without `permission` FORBIDDEN, and an archived project takes only
 * reads (and being restored). Returns the signed-in user and the scope.
 */
export async function authorizeProjectOrThrow(opts: {
  userId: string;
  projectKey: string;
  permission: ProjectPermission;
  requestId: string;
}) {
  const access = await resolveCallerInProject({ userId: opts.userId, projectKey: opts.projectKey });
  if (!access) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  const { user, project, role } = access;
  if (!project || !role) throw notFound("Project");
  if (!roleHas(role, opts.permission)) throw new AppError("FORBIDDEN", "Your role in this project does not allow this");
  if (project.archivedAt && !opts.permission.endsWith(":read") && opts.permission !== "project:archive") {
    throw new AppError("FORBIDDEN", "This project is archived; restore it to make changes");
  }
  return { user, scope: projectScope({ user, project, role, requestId: opts.requestId }) };
}
