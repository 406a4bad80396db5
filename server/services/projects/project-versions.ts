/**
 * The versioned state of a project and the one way to change it. A project's
 * version covers its name, description and settings and its integrations —
 * the Slack channel and the webhooks — and every change of any of them goes
 * through `commitProjectVersion`: the shared compare-and-set on
 * `Project.version`, the integration rows' writes, the attribute-definition
 * rule and an immutable `ProjectVersion` snapshot, all inside the caller's
 * applyChange transaction.
 *
 * Credentials never enter a snapshot: the Slack URL and each webhook's
 * signing secret are kept as a fingerprint (a hash prefix), enough to show
 * that one was set or changed, never enough to show or restore it.
 */
import { createHash } from "node:crypto";

import type { Prisma } from "@prisma/client";

import { sameValue } from "@/lib/diff";
import type { ProjectScope } from "@/server/auth/project-scope";
import type { Tx } from "@/server/db";
import { notFound } from "@/server/errors";
import type { ChangeRecord, RecordChange } from "@/server/services/change";
import { compareAndSet } from "@/server/services/compare-and-set";
import { assertDefinitionsKeepValues, attributeDefinitions } from "@/server/services/requirements/attributes";

import { projectSelect } from "./project-select";

/** A webhook as a version holds it: its secret as a fingerprint only. */
export type WebhookState = {
  id: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  /** Fingerprint of the signing secret. */
  secret: string;
};

/** A project's integrations as a version holds them. */
export type IntegrationsState = {
  /** `url`: fingerprint of the Slack URL, null when Slack is off. */
  slack: { url: string | null; eventTypes: string[] };
  /** Oldest first. */
  webhooks: WebhookState[];
};

/** What a ProjectVersion snapshot holds. Versions written before integrations were versioned lack `integrations`. */
export type ProjectState = {
  name: string;
  description: string;
  settings: Prisma.JsonValue;
  integrations: IntegrationsState;
};

/** A new project's integrations: none. */
export const NO_INTEGRATIONS: IntegrationsState = { slack: { url: null, eventTypes: [] }, webhooks: [] };

/** A short, one-way fingerprint of a credential: shows that it is set and whether it changed. */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 10);
}

export function webhookState(w: { id: string; url: string; eventTypes: string[]; active: boolean; secret: string }) {
  return { id: w.id, url: w.url, eventTypes: w.eventTypes, active: w.active, secret: fingerprint(w.secret) };
}

/** The integrations as they are now, credentials fingerprinted. */
export async function readIntegrations(tx: Tx, projectId: string): Promise<IntegrationsState> {
  const [project, webhooks] = await Promise.all([
    tx.project.findUniqueOrThrow({
      where: { id: projectId },
      select: { slackWebhookUrl: true, slackEventTypes: true },
    }),
    tx.webhook.findMany({
      where: { projectId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, url: true, eventTypes: true, active: true, secret: true },
    }),
  ]);
  return {
    slack: {
      url: project.slackWebhookUrl === null ? null : fingerprint(project.slackWebhookUrl),
      eventTypes: project.slackEventTypes,
    },
    webhooks: webhooks.map(webhookState),
  };
}

function stateOf(row: ProjectRowWithIntegrations): ProjectState {
  return { name: row.name, description: row.description, settings: row.settings, integrations: row.integrations };
}

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;
type ProjectRowWithIntegrations = ProjectRow & { integrations: IntegrationsState };

async function readProject(tx: Tx, projectId: string): Promise<ProjectRowWithIntegrations> {
  const row = await tx.project.findUnique({ where: { id: projectId }, select: projectSelect });
  if (!row) throw notFound("Project");
  return { ...row, integrations: await readIntegrations(tx, projectId) };
}

export type CommittedProjectVersion =
  | { changed: false; before: ProjectRow; after: ProjectRow; integrationsBefore: IntegrationsState }
  | {
      changed: true;
      before: ProjectRow;
      after: ProjectRow;
      integrationsBefore: IntegrationsState;
      integrationsAfter: IntegrationsState;
    };

/**
 * Writes one project version. `next` gives the new state from the current one; `apply` writes the
 * integration rows (Slack columns, webhooks) once the compare-and-set has won, so the snapshot read after
 * it holds them. `expectedVersion: "current"` is for integration changes, whose callers carry no version:
 * the project row is locked first, so they never conflict. `record` names the change's audit action, or is
 * null when the caller records its own (an integration change keeps its `webhook.*` action).
 */
export async function commitProjectVersion(
  tx: Tx,
  recordChange: RecordChange,
  opts: {
    scope: ProjectScope;
    expectedVersion: number | "current";
    next: (current: ProjectState) => ProjectState;
    apply?: () => Promise<void>;
    changeNote: string;
    record: Pick<ChangeRecord, "action" | "data"> | null;
  },
): Promise<CommittedProjectVersion> {
  const { scope } = opts;
  if (opts.expectedVersion === "current") {
    await tx.$queryRaw`SELECT 1 FROM "Project" WHERE id = ${scope.projectId} FOR UPDATE`;
  }
  const current = await readProject(tx, scope.projectId);
  const { integrations: integrationsBefore, ...before } = current;
  const next = opts.next(stateOf(current));
  const result = await compareAndSet(tx, {
    actor: scope.actor,
    current,
    expectedVersion: opts.expectedVersion === "current" ? current.version : opts.expectedVersion,
    fields: stateOf,
    next,
    write: async (where, stamp) => {
      const written = await tx.project.updateMany({
        where,
        data: {
          name: next.name,
          description: next.description,
          settings: next.settings as Prisma.InputJsonValue,
          ...stamp,
        },
      });
      if (written.count === 1 && opts.apply) await opts.apply();
      return written;
    },
    reload: () => readProject(tx, scope.projectId),
    present: ({ integrations: _, ...row }) => row,
  });
  if (!result.changed) return { changed: false, before, after: before, integrationsBefore };
  const { integrations: integrationsAfter, ...after } = result.row;
  if (!sameValue(before.settings, after.settings)) {
    // After the write: the project row is locked, so every requirement write that read the old definitions
    // has committed and its values are counted.
    await assertDefinitionsKeepValues(
      tx,
      after.id,
      attributeDefinitions(before.settings),
      attributeDefinitions(after.settings),
    );
  }
  await tx.projectVersion.create({
    data: {
      projectId: after.id,
      version: after.version,
      snapshot: stateOf(result.row) as unknown as Prisma.InputJsonValue,
      changeNote: opts.changeNote,
      authorId: scope.actor.userId,
      createdAt: result.at,
    },
  });
  if (opts.record) {
    recordChange({
      ...opts.record,
      entityType: "Project",
      entityId: after.id,
      projectId: after.id,
      before,
      after,
    });
  }
  return { changed: true, before, after, integrationsBefore, integrationsAfter };
}

/** An integration change (Slack, webhooks) as a project version, written after the caller checked its input. */
export function commitIntegrationsVersion(
  tx: Tx,
  recordChange: RecordChange,
  opts: {
    scope: ProjectScope;
    changeNote: string;
    next: (current: IntegrationsState) => IntegrationsState;
    apply: () => Promise<void>;
  },
) {
  return commitProjectVersion(tx, recordChange, {
    scope: opts.scope,
    expectedVersion: "current",
    next: (state) => ({ ...state, integrations: opts.next(state.integrations) }),
    apply: opts.apply,
    changeNote: opts.changeNote,
    record: null,
  });
}
