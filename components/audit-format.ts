/** Turns audit events into short sentences ("changed Ada's role from Reporter to Maintainer"). */
import { ISSUE_RELATION_LABELS, ISSUE_STATUS_LABELS } from "@/lib/schemas/issue";
import { REQUIREMENT_STATUS_LABELS } from "@/lib/schemas/requirement";

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
  { value: "project.settings_restored", label: "Project settings restored" },
  { value: "project.member_*", label: "All membership events" },
  { value: "project.member_added", label: "Member added" },
  { value: "project.member_role_changed", label: "Member role changed" },
  { value: "project.member_removed", label: "Member removed" },
  { value: "review.*", label: "All review events" },
  { value: "review.requested", label: "Review requested" },
  { value: "review.responded", label: "Review answered" },
  { value: "review.cancelled", label: "Review cancelled" },
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
    case "project.settings_restored":
      return typeof after.version === "number"
        ? `restored earlier project settings as version ${after.version}`
        : "restored earlier project settings";
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
    case "requirement.created":
      return `created ${item(after)}`;
    case "requirement.updated":
      return `edited ${item(after)}${typeof after.version === "number" ? ` (now version ${after.version})` : ""}`;
    case "requirement.transitioned":
      return `moved ${item(after)} from ${label(REQUIREMENT_STATUS_LABELS, before.status)} to ${label(REQUIREMENT_STATUS_LABELS, after.status)}`;
    case "requirement.restored":
      return `restored ${item(after)} to an earlier version${typeof after.version === "number" ? ` (now version ${after.version})` : ""}`;
    case "requirement.moved":
      return `moved ${item(after)} in the tree`;
    case "requirement.deleted":
      return `deleted ${item(before)}`;
    case "issue.created":
      return `reported ${item(after)}`;
    case "issue.updated":
      return `edited ${item(after)}`;
    case "issue.status_changed":
      return `moved ${item(after)} from ${label(ISSUE_STATUS_LABELS, before.status)} to ${label(ISSUE_STATUS_LABELS, after.status)}`;
    case "issue.assigned": {
      const assignee = str(obj(after.assignee).name);
      return assignee ? `assigned ${item(after)} to ${assignee}` : `unassigned ${item(after)}`;
    }
    case "issue.deleted":
      return `deleted ${item(before)}`;
    case "issue.commented":
      return "commented on an issue";
    case "requirement.commented":
      return "commented on a requirement";
    case "issue.comment_edited":
    case "requirement.comment_edited":
      return "edited a comment";
    case "issue.comment_deleted":
    case "requirement.comment_deleted":
      return "deleted a comment";
    case "review.requested": {
      const names = (Array.isArray(after.reviewers) ? after.reviewers : []).map((r) => str(obj(r).name) ?? "someone");
      return `asked ${names.join(", ") || "members"} to review ${reviewed(after)}`;
    }
    case "review.responded":
      return `${after.decision === "APPROVED" ? "approved" : "requested changes to"} ${reviewed(after)}`;
    case "review.cancelled":
      return `cancelled the review of ${reviewed(after)}`;
    case "issue.attachment_added":
      return `attached ${str(after.filename) ? `“${str(after.filename)}”` : "a file"} to an issue`;
    case "issue.linked": {
      const { from, to, type } = issueLinkEnds(after);
      if (type === "BLOCKS") return `marked ${from} as blocking ${to}`;
      if (type === "DUPLICATES") return `marked ${from} as a duplicate of ${to}`;
      return `linked ${from} and ${to} as related`;
    }
    case "issue.unlinked": {
      const { from, to, type } = issueLinkEnds(before);
      const verb = ISSUE_RELATION_LABELS[type as keyof typeof ISSUE_RELATION_LABELS]?.outward ?? "relates to";
      return `removed the link “${from} ${verb} ${to}”`;
    }
    case "traceLink.created":
      return `linked ${link(after)}`;
    case "traceLink.deleted":
      return `removed the link ${link(before)}`;
    case "traceLink.suspected":
      return `flagged the link ${link(after)} as suspect: ${str(obj(after.to).key) ?? "the requirement"} changed`;
    case "traceLink.suspect_cleared":
      return `confirmed the suspect link ${link(after)} still holds`;
    case "baseline.created":
      return `took the baseline ${str(after.name) ? `“${str(after.name)}”` : ""}`.trimEnd();
    case "webhook.created":
      return "added a webhook";
    case "webhook.updated":
      return "changed a webhook";
    case "webhook.deleted":
      return "removed a webhook";
    case "webhook.test_sent":
      return "sent a test delivery to a webhook";
    case "webhook.redelivered":
      return "sent a webhook delivery again";
    case "project.slack_updated":
      return "changed the Slack notifications";
    default:
      return event.action.replace(/[._]/g, " ");
  }
}

/** `PAY-12 (version 3)`: the requirement a review round is about and the version it reviewed. */
function reviewed(snapshot: Obj): string {
  const key = str(snapshot.key) ?? "a requirement";
  return typeof snapshot.version === "number" ? `${key} (version ${snapshot.version})` : key;
}

/** `PAY-12 “Refund in 5 days”`, or what there is of it. */
function item(snapshot: Obj): string {
  const key = str(snapshot.key);
  const title = str(snapshot.title);
  if (key && title) return `${key} “${title}”`;
  return key ?? (title ? `“${title}”` : "an item");
}

/** `from PAY-I-3 to PAY-12 (Implements)`. */
function link(snapshot: Obj): string {
  const from = str(obj(snapshot.from).key) ?? "?";
  const to = str(obj(snapshot.to).key) ?? "?";
  const type = str(snapshot.type);
  return `from ${from} to ${to}${type ? ` (${LINK_TYPES[type] ?? type})` : ""}`;
}

/** The two issues of a link between issues, by key, and its type. */
function issueLinkEnds(snapshot: Obj): { from: string; to: string; type: string | undefined } {
  return {
    from: str(obj(snapshot.from).key) ?? "an issue",
    to: str(obj(snapshot.to).key) ?? "another issue",
    type: str(snapshot.type),
  };
}

const LINK_TYPES: Record<string, string> = {
  IMPLEMENTS: "implements",
  VERIFIES: "verifies",
  RELATES_TO: "relates to",
  PARENT_OF: "parent of",
};

function label(labels: Record<string, string>, value: unknown): string {
  return typeof value === "string" ? (labels[value] ?? value) : "?";
}

/**
 * The requirement or issue an event is about, for a link from the activity
 * feed; null for events about other things or about something since deleted.
 */
export function eventSubject(event: AuditEventLike): { key: string; section: "requirements" | "issues" } | null {
  if (event.action.endsWith(".deleted")) return null;
  const after = obj(event.after);
  const key = str(after.key);
  if (!key) {
    if (event.entityType === "IssueLink") {
      const fromKey = str(obj(after.from).key);
      if (fromKey) return { key: fromKey, section: "issues" };
    }
    if (event.entityType === "TraceLink") {
      const from = obj(after.from);
      const fromKey = str(from.key);
      if (fromKey) return { key: fromKey, section: from.kind === "issue" ? "issues" : "requirements" };
    }
    return null;
  }
  if (event.entityType === "Requirement") return { key, section: "requirements" };
  if (event.entityType === "Issue") return { key, section: "issues" };
  return null;
}
