/**
 * Permissions are data: every project permission, and which project roles
 * hold it. Procedures declare the permission they need; the middleware and
 * the services' scoped queries consult this map and nothing else.
 */
import type { ProjectRole } from "@prisma/client";

/**
 * What a permission does, which decides what an archived project allows:
 * `read` is allowed there, `write` is not, and `lifecycle` (archiving and
 * restoring) is the one change an archived project takes.
 */
export type PermissionKind = "read" | "write" | "lifecycle";

/**
 * Who may use a permission without naming a project: `member` — any
 * signed-in user, over the projects they belong to (search); `instanceAdmin`
 * — instance administrators, over the whole instance (the audit log).
 * Permissions without it need a project.
 */
export type WithoutProject = "member" | "instanceAdmin";

export const PERMISSIONS = {
  "project:read": { kind: "read", withoutProject: "member" },
  "project:update": { kind: "write" },
  "project:archive": { kind: "lifecycle" },
  "members:read": { kind: "read" },
  "members:manage": { kind: "write" },
  "audit:read": { kind: "read", withoutProject: "instanceAdmin" },
  "requirement:read": { kind: "read" },
  "requirement:propose": { kind: "write" },
  "requirement:edit": { kind: "write" },
  "baseline:read": { kind: "read" },
  "baseline:create": { kind: "write" },
  "issue:create": { kind: "write" },
  /** Read issues one reported or is assigned to. */
  "issue:readOwn": { kind: "read" },
  /** Read every issue of the project. */
  "issue:readAll": { kind: "read" },
  "issue:triage": { kind: "write" },
  "comment:create": { kind: "write" },
  "traceLink:manage": { kind: "write" },
  /** Dashboard numbers: aggregate counts only, so every member may read them. */
  "stats:read": { kind: "read" },
  /** Recompute a day's statistics on demand. */
  "stats:refresh": { kind: "write" },
  /** See webhooks, their delivery log and the Slack settings. */
  "integrations:read": { kind: "read" },
  /** Create, change, test and delete webhooks; set the Slack URL. */
  "integrations:manage": { kind: "write" },
} as const satisfies Record<string, { kind: PermissionKind; withoutProject?: WithoutProject }>;

export type ProjectPermission = keyof typeof PERMISSIONS;

export const PROJECT_PERMISSIONS = Object.keys(PERMISSIONS) as ProjectPermission[];

export function permissionKind(permission: ProjectPermission): PermissionKind {
  return PERMISSIONS[permission].kind;
}

/** Whether an archived project allows acting under `permission`. */
export function allowedOnArchived(permission: ProjectPermission): boolean {
  return permissionKind(permission) !== "write";
}

export function withoutProject(permission: ProjectPermission): WithoutProject | undefined {
  const rule = PERMISSIONS[permission];
  return "withoutProject" in rule ? rule.withoutProject : undefined;
}

export const PROJECT_ROLES = ["REPORTER", "MAINTAINER", "ADMIN"] as const satisfies readonly ProjectRole[];

const REPORTER: readonly ProjectPermission[] = [
  "project:read",
  "members:read",
  "requirement:read",
  "requirement:propose",
  "baseline:read",
  "issue:create",
  "issue:readOwn",
  "comment:create",
  "stats:read",
];
const MAINTAINER: readonly ProjectPermission[] = [
  ...REPORTER,
  "requirement:edit",
  "baseline:create",
  "issue:readAll",
  "issue:triage",
  "traceLink:manage",
  "stats:refresh",
];
const ADMIN: readonly ProjectPermission[] = [
  ...MAINTAINER,
  "integrations:read",
  "integrations:manage",
  "project:update",
  "project:archive",
  "members:manage",
  "audit:read",
];

export const ROLE_PERMISSIONS: Record<ProjectRole, ReadonlySet<ProjectPermission>> = {
  REPORTER: new Set(REPORTER),
  MAINTAINER: new Set(MAINTAINER),
  ADMIN: new Set(ADMIN),
};

/** The roles holding `permission`, for SQL that decides per row (search across projects). */
export function rolesWith(permission: ProjectPermission): ProjectRole[] {
  return PROJECT_ROLES.filter((role) => roleHas(role, permission));
}

export function roleHas(role: ProjectRole, permission: ProjectPermission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/**
 * Whether the caller may change something another person owns: its owner
 * always, anyone else when their role holds `permission` (an issue's
 * reporter or a maintainer, an attachment's uploader or a maintainer).
 */
export function ownerOrRoleHas(
  caller: { userId: string; role: ProjectRole },
  ownerId: string | null | undefined,
  permission: ProjectPermission,
): boolean {
  return (ownerId != null && ownerId === caller.userId) || roleHas(caller.role, permission);
}

const RANK: Record<ProjectRole, number> = { REPORTER: 0, MAINTAINER: 1, ADMIN: 2 };

export function roleAtLeast(role: ProjectRole, min: ProjectRole): boolean {
  return RANK[role] >= RANK[min];
}

/**
 * A person's role in a project — the one rule, for access checks and for
 * what lists show: an instance admin acts as ADMIN everywhere; a member has
 * their membership's role; anyone else signed in is a REPORTER of a project
 * open for reporting (its `openReporting` setting), and nothing elsewhere.
 */
export function effectiveRole(opts: {
  instanceRole: "ADMIN" | "USER";
  memberRole: ProjectRole | null | undefined;
  openReporting: boolean;
}): ProjectRole | null {
  if (opts.instanceRole === "ADMIN") return "ADMIN";
  if (opts.memberRole) return opts.memberRole;
  return opts.openReporting ? "REPORTER" : null;
}

/** Whether a project's settings open it for reporting by anyone signed in. */
export function isOpenForReporting(settings: unknown): boolean {
  return (
    typeof settings === "object" &&
    settings !== null &&
    (settings as { openReporting?: unknown }).openReporting === true
  );
}
