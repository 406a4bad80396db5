import { z } from "zod";

import {
  dateTimeOut,
  displayName,
  email,
  expectedVersion,
  hasReservedKey,
  id,
  jsonObjectOut,
  longText,
  pageOut,
  pagination,
  personOut,
  personWithEmailOut,
  projectKey,
  RESERVED_KEYS,
  RESERVED_KEYS_MESSAGE,
  version,
} from "./common";
import { fieldChangeOut } from "./requirement";

export const projectRole = z.enum(["REPORTER", "MAINTAINER", "ADMIN"]);

export const ATTRIBUTE_TYPES = [
  "text",
  "richText",
  "number",
  "enum",
  "multiEnum",
  "date",
  "dateTime",
  "boolean",
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** A custom requirement attribute defined by the project. */
export const attributeDefinition = z
  .object({
    key: z
      .string()
      .max(40, "Attribute keys are at most 40 characters")
      .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, "Attribute keys start with a lower-case letter (a–z, 0–9, _)")
      .refine((k) => !RESERVED_KEYS.has(k), "Attribute keys cannot be constructor or prototype"),
    label: z.string().trim().min(1).max(60),
    type: z.enum(ATTRIBUTE_TYPES),
    required: z.boolean().default(false),
    /** Kept for the values versions already hold, but no longer set on requirements; see validateAttributes. */
    retired: z.boolean().optional(),
    options: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  })
  .refine((d) => (d.type !== "enum" && d.type !== "multiEnum") || (d.options && d.options.length > 0), {
    message: "An enum attribute needs at least one option",
    path: ["options"],
  });
export type AttributeDefinition = z.infer<typeof attributeDefinition>;

/**
 * How deeply settings may nest: far more than any real setting needs, and well
 * inside the nesting the query engine accepts for a JSON value (it refused a few
 * hundred levels with a 500).
 */
export const SETTINGS_MAX_DEPTH = 32;

/** Whether objects and arrays in `value` nest at most `max` levels (checked without recursion). */
function nestsAtMost(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= max) return false;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
}

/**
 * Project settings: typed keys Specline understands, other keys kept as given;
 * bounded in size and depth, and without keys the wire format cannot send back.
 */
export const projectSettings = z
  .object({
    requirementAttributes: z
      .array(attributeDefinition)
      .max(50)
      .refine((defs) => new Set(defs.map((d) => d.key)).size === defs.length, "Attribute keys must be unique")
      .optional(),
    /** Anyone signed in (with a verified address) may report issues here, as an implicit REPORTER. */
    openReporting: z.boolean().optional(),
    /** A requirement is approved only once every requested reviewer approved its current version. */
    approvalNeedsReview: z.boolean().optional(),
  })
  .catchall(z.unknown())
  .refine((v) => nestsAtMost(v, SETTINGS_MAX_DEPTH), {
    error: `Settings nest at most ${SETTINGS_MAX_DEPTH} levels`,
    abort: true,
  })
  .refine((v) => !hasReservedKey(v), { error: `Settings: ${RESERVED_KEYS_MESSAGE}`, abort: true })
  .refine((v) => JSON.stringify(v).length <= 64_000, "Settings must be at most 64 KB");

export const projectCreateInput = z.object({
  key: projectKey,
  name: displayName,
  description: longText(5000).default(""),
});
export type ProjectCreateInput = z.infer<typeof projectCreateInput>;

export const projectListInput = z.object({
  ...pagination,
  includeArchived: z.boolean().default(false),
});
export type ProjectListInput = z.infer<typeof projectListInput>;

export const projectByKeyInput = z.object({ projectKey });

export const projectUpdateInput = z.object({
  projectKey,
  expectedVersion,
  name: displayName.optional(),
  description: longText(5000).optional(),
  settings: projectSettings.optional(),
  changeNote: longText(500).optional(),
});
export type ProjectUpdateInput = z.infer<typeof projectUpdateInput>;

export const projectArchiveInput = z.object({ projectKey, archived: z.boolean().default(true) });

export const projectHistoryInput = z.object({ projectKey, ...pagination });
export type ProjectHistoryInput = z.infer<typeof projectHistoryInput>;

export const projectDiffInput = z.object({ projectKey, from: version, to: version });
export type ProjectDiffInput = z.infer<typeof projectDiffInput>;

/** Brings an earlier version's settings back as a new version; credentials stay as they are now. */
export const projectRestoreInput = z.object({
  projectKey,
  version,
  expectedVersion,
  changeNote: longText(500).optional(),
});
export type ProjectRestoreInput = z.infer<typeof projectRestoreInput>;
export type ProjectArchiveInput = z.infer<typeof projectArchiveInput>;

export const membersListInput = z.object({ projectKey, ...pagination });
export const membersAddInput = z.object({ projectKey, email, role: projectRole });
export const membersSetRoleInput = z.object({ projectKey, userId: id, role: projectRole });
export const membersRemoveInput = z.object({ projectKey, userId: id });
export const invitationsListInput = z.object({ projectKey });
export const invitationsRevokeInput = z.object({ projectKey, id: z.string().uuid("Not an invitation") });

/* ------------------------------------------------------------------ outputs */

/** What an invitation is now: open, or how it ended (answered, revoked, or expired unanswered). */
export const INVITATION_STATUSES = ["open", "accepted", "declined", "revoked", "expired"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** A project: its versioned fields (name, description, settings) and its state. */
export const projectOut = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    description: z.string(),
    settings: jsonObjectOut,
    version: z.number(),
    archivedAt: dateTimeOut.nullable(),
    createdAt: dateTimeOut,
    updatedAt: dateTimeOut,
    /** Who wrote the current version; null once that account is gone. */
    updatedById: z.string().nullable(),
  })
  .meta({ id: "Project", description: "A project: its versioned fields (name, description, settings) and its state" });

/** A project as the caller sees it in lists and on its pages: with its member count and the caller's role. */
export const projectSummaryOut = projectOut
  .extend({ memberCount: z.number(), myRole: projectRole })
  .meta({ id: "ProjectSummary", description: "A project with its member count and the caller's role in it" });

/**
 * A project as the list of projects shows it: without its settings, which `project.byKey` answers with (up
 * to 64 KB each, and a page holds up to 100 projects), but saying whether it is open for reporting.
 */
export const projectListItemOut = projectOut
  .omit({ settings: true })
  .extend({
    memberCount: z.number(),
    myRole: projectRole,
    /** Anyone signed in may report issues here (the `openReporting` setting). */
    openReporting: z.boolean(),
  })
  .meta({
    id: "ProjectListItem",
    description:
      "A project in the list of projects: its fields without the settings, its member count and the caller's role",
  });

/** One page of the caller's projects, ordered by key. */
export const projectPageOut = pageOut(projectListItemOut);

/** A member of a project and their role there. */
export const memberOut = z
  .object({
    id: z.string(),
    role: projectRole,
    createdAt: dateTimeOut,
    /** A member is an account, whose name is never missing. */
    user: personWithEmailOut,
  })
  .meta({ id: "ProjectMember", description: "A member of a project and their role there" });

/** One page of a project's members, ordered by address. */
export const memberPageOut = pageOut(memberOut);

/** The answer to removing a member. */
export const memberRemovedOut = z.object({ removed: z.literal(true), userId: z.string() });

/** An invitation to a project, as the project's admins see it. */
export const projectInvitationOut = z
  .object({
    id: z.string(),
    email: z.string(),
    role: projectRole,
    status: z.enum(INVITATION_STATUSES),
    createdAt: dateTimeOut,
    expiresAt: dateTimeOut,
    acceptedAt: dateTimeOut.nullable(),
    declinedAt: dateTimeOut.nullable(),
    revokedAt: dateTimeOut.nullable(),
    /** The admin who sent (or last renewed) it; null once that account is gone. */
    invitedBy: personOut.nullable(),
  })
  .meta({ id: "ProjectInvitation", description: "An invitation to a project, as the project's admins see it" });

/** A project's invitations, newest first. */
export const projectInvitationListOut = z.array(projectInvitationOut);

/** One version in a project's settings history: who wrote it, when, and which fields it changed. */
export const projectHistoryEntryOut = z
  .object({
    version: z.number(),
    changeNote: z.string(),
    createdAt: dateTimeOut,
    /** Who wrote it; null once that account is gone. */
    author: personOut.nullable(),
    /** The fields that differ from the version before (as `project.diff` names them); empty for the first. */
    changedFields: z.array(z.string()),
  })
  .meta({ id: "ProjectHistoryEntry", description: "One version in a project's settings history" });

/** One page of a project's settings versions, newest first. */
export const projectHistoryPageOut = pageOut(projectHistoryEntryOut);

/** One side of a settings comparison: the version, who wrote it and when. */
export const projectDiffSideOut = z.object({
  version: z.number(),
  createdAt: dateTimeOut,
  author: personOut.nullable(),
  changeNote: z.string(),
});

/**
 * Two versions of a project's settings and the fields that differ: `name`, `description`, `settings.<key>`,
 * `attributes.<key>` (a custom attribute's definition, as readable text), `slack.url` / `slack.eventTypes`
 * and `webhooks.<id>[.url|.eventTypes|.active|.secret]`. Credentials appear only as "Set (fingerprint …)".
 */
export const projectDiffOut = z
  .object({
    projectKey: z.string(),
    from: projectDiffSideOut,
    to: projectDiffSideOut,
    changes: z.array(fieldChangeOut),
  })
  .meta({ id: "ProjectDiff", description: "Two versions of a project's settings and the fields that differ" });
