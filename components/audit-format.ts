/** Turns audit events into short sentences ("changed Ada's role from Reporter to Maintainer"). */

export interface AuditEventLike {
  action: string;
  entityType: string;
  before: unknown;
  after: unknown;
  actor: { id: string; email: string; name: string } | null;
}

export const AUDIT_ACTIONS: { value: string; label: string }[] = [
  { value: "project.*", label: "All project events" },
  { value: "project.created", label: "Project created" },
  { value: "project.updated", label: "Project updated" },
  { value: "project.archived", label: "Project archived" },
  { value: "project.restored", label: "Project restored" },
  { value: "project.member_*", label: "All membership events" },
  { value: "project.member_added", label: "Member added" },
  { value: "project.member_role_changed", label: "Member role changed" },
  { value: "project.member_removed", label: "Member removed" },
  { value: "invitation.*", label: "All invitation events" },
  { value: "invitation.created", label: "Invitation sent" },
  { value: "invitation.accepted", label: "Invitation accepted" },
  { value: "invitation.declined", label: "Invitation declined" },
  { value: "invitation.revoked", label: "Invitation revoked" },
  { value: "user.*", label: "All user events" },
  { value: "user.registered", label: "User registered" },
  { value: "user.role_changed", label: "Instance role changed" },
  { value: "user.mfa_enabled", label: "Two-factor sign-in turned on" },
  { value: "user.mfa_disabled", label: "Two-factor sign-in turned off" },
  { value: "user.recovery_codes_regenerated", label: "Recovery codes replaced" },
];

const ROLE_LABELS: Record<string, string> = {
  ADMIN: "Admin",
  MAINTAINER: "Maintainer",
  REPORTER: "Reporter",
  USER: "Member",
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const role = (v: unknown) => (str(v) ? (ROLE_LABELS[v as string] ?? (v as string)) : undefined);

function personOf(snapshot: unknown): string | undefined {
  const s = obj(snapshot);
  const user = obj(s.user);
  return str(user.name) ?? str(user.email) ?? str(s.name) ?? str(s.email);
}

export function actorName(event: AuditEventLike): string {
  if (event.actor) return event.actor.name || event.actor.email;
  if (event.action === "user.registered") return personOf(event.after) ?? "A new user";
  return "System";
}

function settingOf(snapshot: Obj, key: string): unknown {
  return obj(snapshot.settings)[key];
}

export function describeEvent(event: AuditEventLike): string {
  const before = obj(event.before);
  const after = obj(event.after);
  switch (event.action) {
    case "user.registered":
      return "registered an account";
    case "user.role_changed": {
      const who = personOf(after) ?? "a user";
      return `changed ${who}'s instance role from ${role(before.role) ?? "?"} to ${role(after.role) ?? "?"}`;
    }
    case "user.mfa_enabled":
      return "turned on two-factor sign-in";
    case "user.mfa_disabled":
      return "turned off two-factor sign-in";
    case "user.recovery_codes_regenerated":
      return "replaced their recovery codes";
    case "project.created":
      return `created the project${str(after.name) ? ` “${str(after.name)}”` : ""}`;
    case "project.updated": {
      const changed = ["name", "description", "settings"].filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
      );
      const opened = settingOf(after, "openReporting") === true;
      if (
        changed.length === 1 &&
        changed[0] === "settings" &&
        opened !== (settingOf(before, "openReporting") === true)
      ) {
        return opened
          ? "opened the project for reporting by anyone signed in"
          : "closed the project to reporting by non-members";
      }
      if (changed.includes("name") && str(after.name)) {
        return `renamed the project to “${str(after.name)}”${changed.length > 1 ? ` and updated its ${changed.filter((c) => c !== "name").join(" and ")}` : ""}`;
      }
      return changed.length ? `updated the project ${changed.join(" and ")}` : "updated the project";
    }
    case "project.archived":
      return "archived the project";
    case "project.restored":
      return "restored the project";
    case "project.member_added": {
      // Since invitations, people add themselves by accepting one.
      const joined = event.actor !== null && obj(after.user).id === event.actor.id;
      const who = personOf(after);
      return who && !joined
        ? `added ${who} as ${role(after.role) ?? "member"}`
        : `joined as ${role(after.role) ?? "member"}`;
    }
    case "project.member_role_changed": {
      const who = personOf(after) ?? personOf(before) ?? "a member";
      return `changed ${who}'s role from ${role(before.role) ?? "?"} to ${role(after.role) ?? "?"}`;
    }
    case "project.member_removed":
      return `removed ${personOf(before) ?? "a member"} from the project`;
    case "invitation.created":
      return `invited ${str(after.email) ?? "someone"} as ${role(after.role) ?? "member"}`;
    case "invitation.accepted":
      return `accepted the invitation${str(after.email) ? ` to ${str(after.email)}` : ""}`;
    case "invitation.declined":
      return `declined the invitation${str(after.email) ? ` to ${str(after.email)}` : ""}`;
    case "invitation.revoked":
      return `revoked the invitation to ${str(after.email) ?? "someone"}`;
    default:
      return event.action.replace(/[._]/g, " ");
  }
}
