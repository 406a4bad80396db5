/**
 * ProjectScope: what every project service is given — the project, the
 * caller, the caller's role there and the audit actor. It is built in one
 * place, `projectScope`, from access resolved by the one statement in
 * resolveCallerInProject (the project procedure, the attachment route
 * handlers, the seed and tests all come through here), and services import
 * the type from this module, not from the API layer.
 */
import type { ProjectRole } from "@prisma/client";

import type { Actor } from "@/server/services/change";

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
