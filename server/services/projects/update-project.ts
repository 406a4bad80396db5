import type { Prisma } from "@prisma/client";

import type { ProjectUpdateInput } from "@/lib/schemas/project";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { applyChange, type RecordChange } from "@/server/services/change";

import { presentProject } from "./project-select";
import { commitProjectVersion } from "./project-versions";

/**
 * Updates name, description or settings with optimistic concurrency: the
 * caller's `expectedVersion` must be current, or the write fails with
 * CONFLICT carrying the current project. Each change writes a ProjectVersion
 * (project-versions.ts); an update that changes nothing writes nothing.
 */
export async function updateProject({ scope, input }: { scope: ProjectScope; input: ProjectUpdateInput }) {
  return applyChange(scope.actor, (tx, record) => writeProjectUpdate(tx, record, { scope, input }));
}

/** The update inside the caller's transaction (an import defining the attributes its file carries uses it too). */
export async function writeProjectUpdate(
  tx: Tx,
  record: RecordChange,
  { scope, input }: { scope: ProjectScope; input: Omit<ProjectUpdateInput, "projectKey"> },
) {
  const { expectedVersion, name, description, settings, changeNote } = input;
  const result = await commitProjectVersion(tx, record, {
    scope,
    expectedVersion,
    next: (current) => ({
      ...current,
      name: name ?? current.name,
      description: description ?? current.description,
      settings: (settings ?? current.settings) as Prisma.JsonValue,
    }),
    changeNote: changeNote ?? "",
    record: { action: "project.updated" },
  });
  return presentProject(result.after);
}
