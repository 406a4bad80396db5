/**
 * Project settings history (`project.history | diff | restore`): every change of name, description,
 * settings and integrations is a version; a restore is a new version through the same compare-and-set;
 * credentials (the Slack URL, webhook secrets) never appear in history or diffs and are never restored.
 */
import { describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

const SLACK_A = "https://hooks.slack.com/services/T0001/B0002/slackSECRETaaaa";
const SLACK_B = "https://hooks.slack.com/services/T0001/B0002/slackSECRETbbbb";
const HOOK_URL = "https://hooks.example.com/specline";

/** A project taken through several changes: returns the version numbers of interest. */
async function projectWithChanges() {
  const f = await createProjectWithCast();
  const api = callerFor(f.admin.id);
  let v = 1;
  const bump = async <T extends { version: number }>(p: Promise<T>) => {
    const r = await p;
    v = r.version;
    return r;
  };
  await bump(api.project.update({ projectKey: f.key, expectedVersion: v, name: "Payments" }));
  await bump(api.project.update({ projectKey: f.key, expectedVersion: v, description: "Card flows and refunds" }));
  const described = v;
  await bump(
    api.project.update({
      projectKey: f.key,
      expectedVersion: v,
      settings: {
        requirementAttributes: [
          { key: "severity", label: "Severity", type: "enum", required: false, options: ["Low", "High"] },
        ],
      },
    }),
  );
  const withAttribute = v;
  await bump(
    api.project.update({
      projectKey: f.key,
      expectedVersion: v,
      settings: {
        requirementAttributes: [
          { key: "severity", label: "Severity", type: "enum", required: false, options: ["Low", "High"] },
        ],
        openReporting: true,
      },
    }),
  );
  const beforeIntegrations = v;
  await api.webhook.slack.set({ projectKey: f.key, url: SLACK_A, eventTypes: ["issue.created"] });
  const webhook = await api.webhook.create({ projectKey: f.key, url: HOOK_URL, eventTypes: ["requirement.created"] });
  const withIntegrations = (await api.project.byKey({ projectKey: f.key })).version;
  await api.webhook.slack.set({ projectKey: f.key, url: SLACK_B, eventTypes: [] });
  await api.webhook.update({ projectKey: f.key, id: webhook.id, active: false, eventTypes: [] });
  const current = (await api.project.byKey({ projectKey: f.key })).version;
  return { ...f, api, described, withAttribute, beforeIntegrations, withIntegrations, current, webhook };
}

describe("project.history and project.diff", () => {
  it("lists every change newest first, with who, when and what changed, paged", async () => {
    const f = await projectWithChanges();
    expect(f.current).toBe(9);
    const page = await f.api.project.history({ projectKey: f.key, limit: 4 });
    expect(page.items.map((e) => e.version)).toEqual([9, 8, 7, 6]);
    expect(page.items[0]!.author?.id).toBe(f.admin.id);
    expect(page.items[0]!.changedFields).toEqual([
      `webhooks.${f.webhook.id}.active`,
      `webhooks.${f.webhook.id}.eventTypes`,
    ]);
    expect(page.items[1]!.changedFields).toEqual(["slack.url", "slack.eventTypes"]);
    expect(page.items[2]!.changedFields).toEqual([`webhooks.${f.webhook.id}`]);
    expect(page.items[2]!.changeNote).toBe("Webhook added");
    const rest = await f.api.project.history({ projectKey: f.key, cursor: page.nextCursor!, limit: 50 });
    expect(rest.items.map((e) => e.version)).toEqual([5, 4, 3, 2, 1]);
    expect(rest.nextCursor).toBeNull();
    expect(rest.items.map((e) => e.changedFields)).toEqual([
      ["settings.openReporting"],
      ["attributes.severity"],
      ["description"],
      ["name"],
      [],
    ]);
  });

  it("compares two versions field by field, attributes readable, credentials never in clear", async () => {
    const f = await projectWithChanges();
    const diff = await f.api.project.diff({ projectKey: f.key, from: 1, to: f.current });
    const byField = Object.fromEntries(diff.changes.map((c) => [c.field, c]));
    expect(byField.name).toMatchObject({ kind: "text", before: `Project ${f.key}`, after: "Payments" });
    expect(byField.description).toMatchObject({ kind: "text", before: "", after: "Card flows and refunds" });
    expect(byField["attributes.severity"]).toMatchObject({
      kind: "text",
      before: "",
      after: "Severity · Single choice · options: Low, High",
    });
    expect(byField["settings.openReporting"]).toMatchObject({ kind: "value", before: null, after: true });
    expect(byField["slack.url"]).toMatchObject({ kind: "value", before: null });
    expect(String((byField["slack.url"] as { after: unknown }).after)).toMatch(/^Set \(fingerprint [0-9a-f]{10}\)$/);
    expect(byField[`webhooks.${f.webhook.id}`]).toMatchObject({ kind: "value", before: null });

    const slackChange = await f.api.project.diff({ projectKey: f.key, from: f.withIntegrations, to: f.current });
    const url = slackChange.changes.find((c) => c.field === "slack.url") as { before: string; after: string };
    expect(url.before).not.toBe(url.after);

    const history = await f.api.project.history({ projectKey: f.key, limit: 50 });
    const diffs = await Promise.all(
      history.items.map((e) => f.api.project.diff({ projectKey: f.key, from: 1, to: e.version })),
    );
    const secret = (await db.webhook.findUniqueOrThrow({ where: { id: f.webhook.id } })).secret;
    const stored = await db.projectVersion.findMany({ where: { projectId: f.project.id } });
    const audit = await db.auditEvent.findMany({ where: { projectId: f.project.id } });
    const all = JSON.stringify([history, diffs, stored, audit], (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(all).not.toContain("slackSECRET");
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice("whsec_".length));
  });

  it("hides the integrations from members who may not see them", async () => {
    const f = await projectWithChanges();
    const diff = await callerFor(f.reporter.id).project.diff({ projectKey: f.key, from: 1, to: f.current });
    expect(diff.changes.map((c) => c.field)).toEqual([
      "name",
      "description",
      "attributes.severity",
      "settings.openReporting",
    ]);
    const history = await callerFor(f.reporter.id).project.history({ projectKey: f.key });
    expect(history.items[0]!.changedFields).toEqual([]);
  });
});

describe("project.restore", () => {
  it("writes a new version with the old values, keeping the current Slack URL and webhook secret", async () => {
    const f = await projectWithChanges();
    const secret = (await db.webhook.findUniqueOrThrow({ where: { id: f.webhook.id } })).secret;
    const restored = await f.api.project.restore({
      projectKey: f.key,
      version: f.withIntegrations,
      expectedVersion: f.current,
    });
    expect(restored.version).toBe(f.current + 1);
    expect(JSON.stringify(restored)).not.toContain("SECRET");
    const project = await db.project.findUniqueOrThrow({ where: { id: f.project.id } });
    expect(project).toMatchObject({ name: "Payments", slackWebhookUrl: SLACK_B, slackEventTypes: ["issue.created"] });
    const webhook = await db.webhook.findUniqueOrThrow({ where: { id: f.webhook.id } });
    expect(webhook).toMatchObject({ active: true, eventTypes: ["requirement.created"], secret });

    const diff = await f.api.project.diff({ projectKey: f.key, from: f.withIntegrations, to: restored.version });
    // Everything as it was, except the Slack URL, which a restore never brings back.
    expect(diff.changes.map((c) => c.field)).toEqual(["slack.url"]);
    const latest = (await f.api.project.history({ projectKey: f.key, limit: 1 })).items[0]!;
    expect(latest).toMatchObject({ version: restored.version, changeNote: `Restored version ${f.withIntegrations}` });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { projectId: f.project.id, action: "project.settings_restored" },
    });
    expect(audit.actorId).toBe(f.admin.id);
    expect(await db.outboxEvent.count({ where: { projectId: f.project.id, type: "project.settings_restored" } })).toBe(
      1,
    );

    // Back to before any attribute: the name and description of then, the attribute gone (no value uses it).
    const older = await f.api.project.restore({
      projectKey: f.key,
      version: f.described,
      expectedVersion: restored.version,
    });
    expect(older).toMatchObject({ name: "Payments", description: "Card flows and refunds", settings: {} });
    // A webhook created after that version is paused, not deleted; its secret stays.
    expect(await db.webhook.findUniqueOrThrow({ where: { id: f.webhook.id } })).toMatchObject({
      active: false,
      secret,
    });
  });

  it("refuses a stale expectedVersion with CONFLICT and writes nothing", async () => {
    const f = await projectWithChanges();
    const versions = await db.projectVersion.count({ where: { projectId: f.project.id } });
    const err = await expectTRPCError(
      f.api.project.restore({ projectKey: f.key, version: 1, expectedVersion: f.current - 1 }),
      "CONFLICT",
    );
    expect(err.message).toContain(`version ${f.current}`);
    expect(await db.projectVersion.count({ where: { projectId: f.project.id } })).toBe(versions);
    expect((await f.api.project.byKey({ projectKey: f.key })).name).toBe("Payments");
  });

  it("refuses a restore that would delete an attribute definition requirements use", async () => {
    const f = await projectWithChanges();
    await f.api.requirement.create({
      projectKey: f.key,
      title: "Refund within 5 days",
      statement: "Refunds settle in five days.",
      attributes: { severity: "High" },
    });
    const versions = await db.projectVersion.count({ where: { projectId: f.project.id } });
    const err = await expectTRPCError(
      f.api.project.restore({ projectKey: f.key, version: f.described, expectedVersion: f.current }),
      "BAD_REQUEST",
    );
    expect(err.message).toMatch(/severity/i);
    expect(await db.projectVersion.count({ where: { projectId: f.project.id } })).toBe(versions);
    expect((await f.api.project.byKey({ projectKey: f.key })).version).toBe(f.current);
  });

  it("answers outsiders NOT_FOUND and refuses reporters and maintainers", async () => {
    const f = await projectWithChanges();
    // Closed to reporting by non-members again, so an outsider is an outsider.
    const { version } = await f.api.project.update({
      projectKey: f.key,
      expectedVersion: f.current,
      settings: { openReporting: false },
    });
    const input = { projectKey: f.key, version: 1, expectedVersion: version };
    await expectTRPCError(callerFor(f.nonMember.id).project.restore(input), "NOT_FOUND");
    await expectTRPCError(callerFor(f.nonMember.id).project.history({ projectKey: f.key }), "NOT_FOUND");
    await expectTRPCError(callerFor(f.nonMember.id).project.diff({ projectKey: f.key, from: 1, to: 2 }), "NOT_FOUND");
    await expectTRPCError(callerFor(f.reporter.id).project.restore(input), "FORBIDDEN");
    await expectTRPCError(callerFor(f.maintainer.id).project.restore(input), "FORBIDDEN");
    expect((await f.api.project.byKey({ projectKey: f.key })).version).toBe(version);
  });

  it("gives bad input a typed error", async () => {
    const f = await projectWithChanges();
    await expectTRPCError(
      f.api.project.restore({ projectKey: f.key, version: 99, expectedVersion: f.current }),
      "NOT_FOUND",
    );
    await expectTRPCError(f.api.project.diff({ projectKey: f.key, from: 1, to: 99 }), "NOT_FOUND");
    for (const bad of [
      { projectKey: f.key, version: 0, expectedVersion: f.current },
      { projectKey: f.key, version: 1.5, expectedVersion: f.current },
      { projectKey: f.key, version: 1, expectedVersion: -1 },
      { projectKey: f.key, version: "1", expectedVersion: f.current },
      { projectKey: f.key, version: 1, expectedVersion: f.current, changeNote: "x".repeat(501) },
    ]) {
      await expectTRPCError(f.api.project.restore(bad as never), "BAD_REQUEST");
    }
    await expectTRPCError(f.api.project.history({ projectKey: f.key, cursor: "not-a-cursor" }), "BAD_REQUEST");
    await expectTRPCError(f.api.project.history({ projectKey: f.key, limit: 10_000 }), "BAD_REQUEST");
    await expectTRPCError(f.api.project.diff({ projectKey: f.key, from: 0, to: 1 }), "BAD_REQUEST");
  });
});
