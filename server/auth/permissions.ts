/**
 * Permissions are data: every project permission, and which project roles
 * hold it. Procedures declare the permission they need; the middleware and
 * the services' scoped queries consult this map and nothing else.
 */
import type { ProjectRole } from "@prisma/client";

export const PROJECT_PERMISSIONS = [
  "project:read",
  "project:update",
  "project:archive",
  "members:read",
  "members:manage",
  "audit:read",
  "requirement:read",
  "requirement:propose",
  "requirement:edit",
  "baseline:read",
  "baseline:create",
  "issue:create",
  /** Read issues one reported or is assigned to. */
  "issue:readOwn",
  /** Read every issue of the project. */
  "issue:readAll",
  "issue:triage",
  "comment:create",
  "traceLink:manage",
  /** Dashboard numbers: aggregate counts only, so every member may read them. */
  "stats:read",
  /** Recompute a day's statistics on demand. */
  "stats:refresh",
  /** See webhooks, their delivery log and the Slack settings. */
  "integrations:read",
  /** Create, change, test and delete webhooks; set the Slack URL. */
  "integrations:manage",
] as const;

export type ProjectPermission = (typeof PROJECT_PERMISSIONS)[number];

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

export function roleHas(role: ProjectRole, permission: ProjectPermission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

const RANK: Record<ProjectRole, number> = { REPORTER: 0, MAINTAINER: 1, ADMIN: 2 };

export function roleAtLeast(role: ProjectRole, min: ProjectRole): boolean {
  return RANK[role] >= RANK[min];
}
