import { Badge, type BadgeTone } from "@/components/ui/badge";

export type ProjectRole = "REPORTER" | "MAINTAINER" | "ADMIN";
export type InstanceRole = "ADMIN" | "USER";

export const PROJECT_ROLE_OPTIONS: { value: ProjectRole; label: string; description: string }[] = [
  { value: "REPORTER", label: "Reporter", description: "Can view the project and report issues" },
  { value: "MAINTAINER", label: "Maintainer", description: "Can work on requirements and issues" },
  { value: "ADMIN", label: "Admin", description: "Can manage settings and members" },
];

const projectRoleTone: Record<ProjectRole, BadgeTone> = { ADMIN: "indigo", MAINTAINER: "green", REPORTER: "neutral" };

export function projectRoleLabel(role: ProjectRole): string {
  return PROJECT_ROLE_OPTIONS.find((o) => o.value === role)?.label ?? role;
}

/** The role as it reads inside a sentence: "as a maintainer", "as an admin". */
export function projectRoleInSentence(role: ProjectRole): string {
  const label = projectRoleLabel(role).toLowerCase();
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

export function projectRoleDescription(role: ProjectRole): string {
  return PROJECT_ROLE_OPTIONS.find((o) => o.value === role)?.description ?? "";
}

export function ProjectRoleBadge({ role }: { role: ProjectRole }) {
  return <Badge tone={projectRoleTone[role]}>{projectRoleLabel(role)}</Badge>;
}

export function InstanceRoleBadge({ role }: { role: InstanceRole }) {
  return role === "ADMIN" ? <Badge tone="amber">Instance admin</Badge> : <Badge tone="neutral">User</Badge>;
}
