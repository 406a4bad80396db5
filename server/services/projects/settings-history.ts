/**
 * A project's settings history: its versions newest first, the field-by-field
 * comparison of any two (lib/project-diff.ts), and restoring an earlier one
 * as a new version through the same write as every settings change
 * (commitProjectVersion). Integrations are shown only to readers who may see
 * them, and credentials never leave as more than a fingerprint.
 */
import type { Prisma } from "@prisma/client";

import { diffProjectVersions, type IntegrationsVersionState, type ProjectVersionState } from "@/lib/project-diff";
import type { ProjectDiffInput, ProjectHistoryInput, ProjectRestoreInput } from "@/lib/schemas/project";
import { roleHas } from "@/server/auth/permissions";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db, type Tx } from "@/server/db";
import { AppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { decodeCursor, encodeCursor, numberCursor, toPage } from "@/server/services/pagination";
import { presentChanges } from "@/server/services/requirements/requirement-select";
import { personSelect } from "@/server/services/users/user-select";
import { assertSafeWebhookUrl } from "@/server/services/webhooks/url-safety";

import { presentProject } from "./project-select";
import { commitProjectVersion, type IntegrationsState } from "./project-versions";

function obj(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A stored snapshot as compared; `integrations` null for versions written before integrations were versioned. */
function readSnapshot(snapshot: Prisma.JsonValue): ProjectVersionState {
  const s = obj(snapshot);
  const integrations = s.integrations === undefined ? null : obj(s.integrations);
  return {
    name: typeof s.name === "string" ? s.name : "",
    description: typeof s.description === "string" ? s.description : "",
    settings: obj(s.settings),
    integrations: integrations && {
      slack: {
        url: typeof obj(integrations.slack).url === "string" ? (obj(integrations.slack).url as string) : null,
        eventTypes: strings(obj(integrations.slack).eventTypes),
      },
      webhooks: (Array.isArray(integrations.webhooks) ? integrations.webhooks : []).map((w) => {
        const hook = obj(w);
        return {
          id: String(hook.id),
          url: String(hook.url),
          eventTypes: strings(hook.eventTypes),
          active: hook.active === true,
          secret: String(hook.secret),
        };
      }),
    },
  };
}

/** What this reader may compare: integrations only with `integrations:read`. */
function visibleTo(scope: ProjectScope) {
  const integrations = roleHas(scope.role, "integrations:read");
  return (snapshot: Prisma.JsonValue): ProjectVersionState => {
    const state = readSnapshot(snapshot);
    return integrations ? state : { ...state, integrations: null };
  };
}

const versionSelect = {
  version: true,
  snapshot: true,
  changeNote: true,
  createdAt: true,
  author: { select: personSelect },
} satisfies Prisma.ProjectVersionSelect;

/** The project's versions, newest first, each with the fields it changed. */
export async function projectHistory({ scope, input }: { scope: ProjectScope; input: ProjectHistoryInput }) {
  const { cursor, limit } = input;
  const before = decodeCursor(cursor, numberCursor)?.[0];
  const rows = await db.projectVersion.findMany({
    where: { projectId: scope.projectId, ...(before ? { version: { lt: before } } : {}) },
    orderBy: { version: "desc" },
    // One more than the page's look-ahead: the version before the page's oldest, to say what that one changed.
    take: limit + 2,
    select: versionSelect,
  });
  const state = visibleTo(scope);
  const entries = rows.slice(0, limit + 1).map((row, i) => {
    const previous = rows[i + 1];
    const changedFields =
      previous && previous.version === row.version - 1
        ? diffProjectVersions(state(previous.snapshot), state(row.snapshot)).map((c) => c.field)
        : [];
    return {
      version: row.version,
      changeNote: row.changeNote,
      createdAt: row.createdAt,
      author: row.author,
      changedFields,
    };
  });
  return toPage(entries, limit, (e) => encodeCursor([e.version]));
}

export async function diffProjectSettings({ scope, input }: { scope: ProjectScope; input: ProjectDiffInput }) {
  const { from, to } = input;
  const rows = await db.projectVersion.findMany({
    where: { projectId: scope.projectId, version: { in: [from, to] } },
    select: versionSelect,
  });
  const a = rows.find((r) => r.version === from);
  const b = rows.find((r) => r.version === to);
  if (!a || !b) {
    const missing = [!a && from, !b && to].filter(Boolean);
    throw new AppError("NOT_FOUND", `Version ${missing.join(" and ")} of ${scope.projectKey} does not exist`);
  }
  const state = visibleTo(scope);
  const side = ({ snapshot: _, ...row }: typeof a) => row;
  return {
    projectKey: scope.projectKey,
    from: side(a),
    to: side(b),
    changes: presentChanges(diffProjectVersions(state(a.snapshot), state(b.snapshot))),
  };
}

/**
 * The integrations a restore writes: Slack's event types and each webhook's URL, event types and state as
 * the old version had them. Credentials are not in a version, so the Slack URL and every secret stay as they
 * are now; a webhook added since is paused (it was not delivering then) and one removed since stays removed.
 */
function restoredIntegrations(current: IntegrationsState, old: IntegrationsVersionState | null): IntegrationsState {
  if (!old) return current;
  const before = new Map(old.webhooks.map((w) => [w.id, w]));
  return {
    slack: { url: current.slack.url, eventTypes: old.slack.eventTypes },
    webhooks: current.webhooks.map((w) => {
      const then = before.get(w.id);
      if (!then) return { ...w, active: false };
      if (then.url !== w.url) assertSafeWebhookUrl(then.url);
      return { ...w, url: then.url, eventTypes: then.eventTypes, active: then.active };
    }),
  };
}

async function writeIntegrations(tx: Tx, projectId: string, from: IntegrationsState, to: IntegrationsState) {
  if (from.slack.eventTypes.join("\n") !== to.slack.eventTypes.join("\n")) {
    await tx.project.update({ where: { id: projectId }, data: { slackEventTypes: to.slack.eventTypes } });
  }
  const now = new Map(from.webhooks.map((w) => [w.id, w]));
  for (const w of to.webhooks) {
    const was = now.get(w.id);
    if (
      !was ||
      (was.url === w.url && was.active === w.active && was.eventTypes.join("\n") === w.eventTypes.join("\n"))
    ) {
      continue;
    }
    await tx.webhook.update({ where: { id: w.id }, data: { url: w.url, eventTypes: w.eventTypes, active: w.active } });
  }
}

/** Writes a new version equal to an earlier one (credentials excepted); CONFLICT when `expectedVersion` is stale. */
export async function restoreProjectVersion({ scope, input }: { scope: ProjectScope; input: ProjectRestoreInput }) {
  const { version, expectedVersion, changeNote } = input;
  return applyChange(scope.actor, async (tx, record) => {
    const old = await tx.projectVersion.findUnique({
      where: { projectId_version: { projectId: scope.projectId, version } },
      select: { snapshot: true },
    });
    if (!old) throw new AppError("NOT_FOUND", `Version ${version} of ${scope.projectKey} does not exist`);
    const target = readSnapshot(old.snapshot);
    let from: IntegrationsState | null = null;
    let to: IntegrationsState | null = null;
    const result = await commitProjectVersion(tx, record, {
      scope,
      expectedVersion,
      next: (current) => {
        from = current.integrations;
        to = restoredIntegrations(current.integrations, target.integrations);
        return {
          name: target.name,
          description: target.description,
          settings: target.settings as Prisma.JsonValue,
          integrations: to,
        };
      },
      apply: async () => {
        if (from && to) await writeIntegrations(tx, scope.projectId, from, to);
      },
      changeNote: changeNote ?? `Restored version ${version}`,
      record: { action: "project.settings_restored", data: { restoredVersion: version } },
    });
    return presentProject(result.after);
  });
}
