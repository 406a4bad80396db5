/**
 * ProjectScope: what every project service is given — the project, the
 * caller, the caller's role there and the audit actor. It is built in one
 * place, `projectScope`, from access resolved by the one statement in
 * resolveCallerInProject (the project procedure, the attachment route
 * handlers, the seed and tests all come through here), and services import
 * the type from this module, not from the API layer.
 */
import type { ProjectRole } from "@prisma/client";

import { allowedOnArchived, type ProjectPermission, roleHas, withoutProject } from "@/server/auth/permissions";
import { AppError, notFound } from "@/server/errors";
import type { Actor } from "@/server/services/change";
import type { IdempotencyClaim } from "@/server/services/idempotency";
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
  idempotency?: IdempotencyClaim | null;
  apiTokenId?: string | null;
}): ProjectScope {
  const actor: Actor = { userId: opts.user.id, requestId: opts.requestId, apiTokenId: opts.apiTokenId ?? null };
  if (opts.idempotency) actor.idempotency = opts.idempotency;
  return {
    projectId: opts.project.id,
    projectKey: opts.project.key,
    userId: opts.user.id,
    role: opts.role,
    actor,
  };
}

interface CallerOptions {
  userId: string;
  /** The session the request's cookie names; undefined only for in-process callers (see resolveCallerInProject). */
  sessionId?: string;
  /** The API token the request came with instead of a session. */
  apiToken?: { id: string; scope: "READ" | "WRITE" };
  /** The call changes something (a mutation, an upload): a read-only token may not make it. */
  writes?: boolean;
  /** An account procedure (tokens, password, sessions, two-factor): a browser session only, never a token. */
  sessionOnly?: boolean;
  /** One of the calls an account not yet set up may make (unverified address, required two-factor sign-in off). */
  accountSetup?: boolean;
}

interface AuthorizeOptions extends CallerOptions {
  permission: ProjectPermission;
  requestId: string;
  /** A keyed create's claim (see server/services/idempotency.ts), carried by the scope's actor. */
  idempotency?: IdempotencyClaim | null;
}

/**
 * The one authorization of a call, for procedures and route handlers alike:
 * the caller, the project and their role in one statement.
 *
 * With a project key: a caller who is not a member (or a project that does
 * not exist) gets NOT_FOUND, a member without `permission` FORBIDDEN, and an
 * archived project allows only what `allowedOnArchived` says (reads, and
 * being restored). Returns the signed-in user and the project scope.
 *
 * Without one (`projectKey` null): the permission's `withoutProject` rule
 * decides — any signed-in user over their own projects (scope null; the
 * service scopes to their memberships), instance administrators only, or a
 * BAD_REQUEST when the permission needs a project.
 */
export async function authorizeOrThrow(
  opts: AuthorizeOptions & { projectKey: string },
): Promise<{ user: CallerUser; scope: ProjectScope }>;
export async function authorizeOrThrow(
  opts: AuthorizeOptions & { projectKey: string | null },
): Promise<{ user: CallerUser; scope: ProjectScope | null }>;
export async function authorizeOrThrow(
  opts: AuthorizeOptions & { projectKey: string | null },
): Promise<{ user: CallerUser; scope: ProjectScope | null }> {
  const access = await resolveCallerInProject({
    userId: opts.userId,
    sessionId: opts.sessionId,
    apiTokenId: opts.apiToken?.id,
    projectKey: opts.projectKey,
  });
  const { user, project, role } = callerOrThrow(access, opts);
  if (opts.projectKey === null) {
    const rule = withoutProject(opts.permission);
    if (!rule) throw new AppError("BAD_REQUEST", "A projectKey is required");
    if (rule === "instanceAdmin" && user.role !== "ADMIN") {
      throw new AppError("FORBIDDEN", "Only instance administrators can do this across all projects");
    }
    return { user, scope: null };
  }
  if (!project || !role) throw notFound("Project");
  if (!roleHas(role, opts.permission)) throw new AppError("FORBIDDEN", "Your role in this project does not allow this");
  if (project.archivedAt && !allowedOnArchived(opts.permission)) {
    throw new AppError("FORBIDDEN", "This project is archived; restore it to make changes");
  }
  return {
    user,
    scope: projectScope({
      user,
      project,
      role,
      requestId: opts.requestId,
      idempotency: opts.idempotency,
      apiTokenId: opts.apiToken?.id,
    }),
  };
}

export type CallerUser = NonNullable<Awaited<ReturnType<typeof resolveCallerInProject>>>["user"];

/**
 * The signed-in caller with no project involved (account procedures,
 * notifications): the same statement and the same checks as authorizeOrThrow.
 */
export async function authenticateOrThrow(opts: CallerOptions): Promise<CallerUser> {
  const access = await resolveCallerInProject({
    userId: opts.userId,
    sessionId: opts.sessionId,
    apiTokenId: opts.apiToken?.id,
    projectKey: null,
  });
  return callerOrThrow(access, opts).user;
}

/**
 * Signed out (no such user, deactivated, session ended) or, for all but the
 * account-setup calls, not set up yet: an unverified address, or an
 * instance admin without the two-factor sign-in REQUIRE_ADMIN_MFA asks of them.
 */
function callerOrThrow<T extends { user: { emailVerified: boolean; mfaRequired: boolean; mfaEnabled: boolean } }>(
  access: T | null,
  opts: Pick<CallerOptions, "accountSetup" | "apiToken" | "writes" | "sessionOnly">,
): T {
  if (!access) throw new AppError("UNAUTHORIZED", "Sign in to continue");
  if (opts.apiToken && opts.sessionOnly) {
    throw new AppError("FORBIDDEN", "Accounts are managed from a browser session; API tokens cannot do this", {
      reason: "session_only",
    });
  }
  if (opts.apiToken?.scope === "READ" && opts.writes) {
    throw new AppError("FORBIDDEN", "This API token can only read; use a write token to make changes", {
      reason: "read_only_token",
    });
  }
  if (opts.accountSetup) return access;
  if (!access.user.emailVerified) {
    throw new AppError("FORBIDDEN", "Confirm your email address first: follow the link in the message we sent", {
      reason: "email_unverified",
    });
  }
  if (access.user.mfaRequired && !access.user.mfaEnabled) {
    throw new AppError(
      "FORBIDDEN",
      "Turn on two-factor sign-in first (your name → Security): this instance requires it of admins",
      {
        reason: "mfa_required",
      },
    );
  }
  return access;
}
