import { z } from "zod";

import { displayName, email, id, longText, pagination, projectKey } from "./common";

export const projectRole = z.enum(["REPORTER", "MAINTAINER", "ADMIN"]);

/** Free-form project settings, bounded in size; later features add typed keys. */
export const projectSettings = z
  .record(z.string().max(64), z.unknown())
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
  expectedVersion: z.number().int().min(1),
  name: displayName.optional(),
  description: longText(5000).optional(),
  settings: projectSettings.optional(),
  changeNote: longText(500).optional(),
});
export type ProjectUpdateInput = z.infer<typeof projectUpdateInput>;

export const projectArchiveInput = z.object({ projectKey, archived: z.boolean().default(true) });
export type ProjectArchiveInput = z.infer<typeof projectArchiveInput>;

export const membersListInput = z.object({ projectKey, ...pagination });
export const membersAddInput = z.object({ projectKey, email, role: projectRole });
export const membersSetRoleInput = z.object({ projectKey, userId: id, role: projectRole });
export const membersRemoveInput = z.object({ projectKey, userId: id });
