/**
 * Field-by-field comparison of two versions of a project's settings, built on
 * lib/diff.ts: name and description word by word, each settings key on its
 * own, each custom attribute definition as one readable line, and the
 * integrations (Slack, webhooks) with credentials shown only as fingerprints.
 * Pure: used by `project.diff`, `project.history` and the settings page.
 */
import { diffFields, diffText, type FieldChange, sameValue } from "@/lib/diff";
import type { AttributeType } from "@/lib/schemas/project";

export type WebhookVersionState = { id: string; url: string; eventTypes: string[]; active: boolean; secret: string };
export type IntegrationsVersionState = {
  slack: { url: string | null; eventTypes: string[] };
  webhooks: WebhookVersionState[];
};

/** One version of a project's settings as compared: `integrations` null when hidden from the reader or not recorded. */
export type ProjectVersionState = {
  name: string;
  description: string;
  settings: Record<string, unknown>;
  integrations: IntegrationsVersionState | null;
};

const ATTRIBUTE_TYPE_LABELS: Record<AttributeType, string> = {
  text: "Text",
  richText: "Rich text",
  number: "Number",
  enum: "Single choice",
  multiEnum: "Multiple choice",
  date: "Date",
  dateTime: "Date and time",
  boolean: "Yes / no",
};

type Definition = {
  key: string;
  label?: unknown;
  type?: unknown;
  required?: unknown;
  retired?: unknown;
  options?: unknown;
};

function definitions(settings: Record<string, unknown>): Definition[] {
  const defs = settings.requirementAttributes;
  if (!Array.isArray(defs)) return [];
  return defs.filter((d): d is Definition => typeof d === "object" && d !== null && typeof d.key === "string");
}

/** A custom attribute's definition as one line a reader can compare: "Severity · Single choice · required · options: Low, High". */
export function describeAttribute(d: Definition): string {
  const type = ATTRIBUTE_TYPE_LABELS[d.type as AttributeType] ?? String(d.type);
  const parts = [typeof d.label === "string" ? d.label : d.key, type];
  if (d.required === true) parts.push("required");
  if (d.retired === true) parts.push("retired");
  if (Array.isArray(d.options) && d.options.length > 0) parts.push(`options: ${d.options.join(", ")}`);
  return parts.join(" · ");
}

/** How a credential appears in a diff. */
export function describeCredential(fingerprint: string | null): string | null {
  return fingerprint === null ? null : `Set (fingerprint ${fingerprint})`;
}

/** Event types as compared: an empty list means every event. */
function eventList(types: string[]): string[] {
  return types.length === 0 ? ["All events"] : types;
}

function describeWebhook(w: WebhookVersionState): string {
  const events = w.eventTypes.length === 0 ? "all events" : `${w.eventTypes.length} event types`;
  return `${w.url} (${w.active ? "active" : "paused"}, ${events})`;
}

function diffAttributes(a: Record<string, unknown>, b: Record<string, unknown>): FieldChange[] {
  const before = definitions(a);
  const after = definitions(b);
  const changes: FieldChange[] = [];
  const beforeByKey = new Map(before.map((d) => [d.key, d]));
  const afterByKey = new Map(after.map((d) => [d.key, d]));
  const keys = [...new Set([...before.map((d) => d.key), ...after.map((d) => d.key)])];
  for (const key of keys) {
    const from = beforeByKey.get(key);
    const to = afterByKey.get(key);
    const x = from ? describeAttribute(from) : "";
    const y = to ? describeAttribute(to) : "";
    if (x !== y)
      changes.push({ field: `attributes.${key}`, kind: "text", before: x, after: y, segments: diffText(x, y) });
  }
  const kept = (defs: Definition[], other: Map<string, Definition>) =>
    defs.filter((d) => other.has(d.key)).map((d) => d.key);
  const orderBefore = kept(before, afterByKey);
  const orderAfter = kept(after, beforeByKey);
  if (!sameValue(orderBefore, orderAfter)) {
    changes.push({
      field: "attributeOrder",
      kind: "value",
      before: orderBefore.join(", "),
      after: orderAfter.join(", "),
    });
  }
  return changes;
}

function diffSettings(a: Record<string, unknown>, b: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== "requirementAttributes").sort();
  for (const key of keys) {
    const before = a[key] ?? null;
    const after = b[key] ?? null;
    if (!sameValue(before, after)) changes.push({ field: `settings.${key}`, kind: "value", before, after });
  }
  return changes;
}

/** A list compared as a set (lib/diff.ts's rule), under the field name given. */
function listDiff(field: string, before: string[], after: string[]): FieldChange[] {
  return diffFields({ list: before }, { list: after }, { text: [], value: [], list: ["list"] }).map((c) => ({
    ...c,
    field,
  }));
}

function valueDiff(field: string, before: unknown, after: unknown): FieldChange[] {
  return sameValue(before, after) ? [] : [{ field, kind: "value", before, after }];
}

function diffIntegrations(a: IntegrationsVersionState, b: IntegrationsVersionState): FieldChange[] {
  const changes: FieldChange[] = [
    ...valueDiff("slack.url", describeCredential(a.slack.url), describeCredential(b.slack.url)),
    ...listDiff("slack.eventTypes", eventList(a.slack.eventTypes), eventList(b.slack.eventTypes)),
  ];
  const before = new Map(a.webhooks.map((w) => [w.id, w]));
  const after = new Map(b.webhooks.map((w) => [w.id, w]));
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(id);
    const y = after.get(id);
    const field = `webhooks.${id}`;
    if (!x || !y) {
      changes.push(...valueDiff(field, x ? describeWebhook(x) : null, y ? describeWebhook(y) : null));
      continue;
    }
    changes.push(
      ...valueDiff(`${field}.url`, x.url, y.url),
      ...valueDiff(`${field}.active`, x.active, y.active),
      ...valueDiff(`${field}.secret`, describeCredential(x.secret), describeCredential(y.secret)),
      ...listDiff(`${field}.eventTypes`, eventList(x.eventTypes), eventList(y.eventTypes)),
    );
  }
  return changes;
}

/** Per-field changes from `a` to `b`. Integrations are compared only when both sides carry them. */
export function diffProjectVersions(a: ProjectVersionState, b: ProjectVersionState): FieldChange[] {
  return [
    ...diffFields(a, b, { text: ["name", "description"], value: [], list: [] }),
    ...diffAttributes(a.settings, b.settings),
    ...diffSettings(a.settings, b.settings),
    ...(a.integrations && b.integrations ? diffIntegrations(a.integrations, b.integrations) : []),
  ];
}

const SETTING_LABELS: Record<string, string> = {
  openReporting: "Open reporting",
  approvalNeedsReview: "Approval needs review",
};

/** A reader's label for a field of `diffProjectVersions`. */
export function projectFieldLabel(field: string, attributeLabels: Record<string, string> = {}): string {
  if (field === "name") return "Name";
  if (field === "description") return "Description";
  if (field === "attributeOrder") return "Attribute order";
  if (field.startsWith("attributes.")) {
    const key = field.slice("attributes.".length);
    return `Attribute ${attributeLabels[key] ?? key}`;
  }
  if (field.startsWith("settings.")) {
    const key = field.slice("settings.".length);
    return SETTING_LABELS[key] ?? `Setting ${key}`;
  }
  if (field === "slack.url") return "Slack URL";
  if (field === "slack.eventTypes") return "Slack events";
  const webhook = /^webhooks\.([^.]+)(?:\.(url|active|secret|eventTypes))?$/.exec(field);
  if (webhook) {
    const name = `Webhook ${(webhook[1] ?? "").slice(0, 8)}`;
    const part = { url: "URL", active: "active", secret: "secret", eventTypes: "events" }[webhook[2] ?? ""];
    return part ? `${name} ${part}` : name;
  }
  return field;
}
