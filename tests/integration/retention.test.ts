/**
 * Retention (server/services/retention.ts) removes what has outlived its setting and nothing else:
 * delivered outbox events oldest first by sequence (never one after a kept event), read notifications
 * but not unread ones, finished webhook deliveries with their attempts but not pending ones, old mail
 * files but nothing else in the folder, orphaned upload files but not an attachment's or a young one;
 * 0 keeps a kind for ever; audit events and requirement versions survive any run.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "@/server/db";
import {
  pruneDeliveredOutbox,
  pruneFinishedWebhookDeliveries,
  pruneMailFiles,
  pruneOrphanedUploads,
  pruneReadNotifications,
  runRetention,
} from "@/server/services/retention";

import { callerFor, createProjectWithCast } from "../helpers/factories";

const NOW = new Date("2026-12-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "specline-retention-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function outboxEvent(fields: { seq?: number; dispatchedAt?: Date | null; createdAt?: Date; failedAt?: Date }) {
  const id = randomUUID();
  await db.outboxEvent.create({
    data: {
      id,
      type: "test.retention",
      payload: {},
      createdAt: fields.createdAt ?? fields.dispatchedAt ?? NOW,
      dispatchedAt: fields.dispatchedAt ?? null,
      failedAt: fields.failedAt ?? null,
      seq: fields.seq === undefined ? null : BigInt(fields.seq),
    },
  });
  return id;
}

describe("delivered outbox events", () => {
  it("go oldest first, up to the first event delivered after the cutoff; undelivered and failed ones stay", async () => {
    const old = [
      await outboxEvent({ seq: 9_000_001, dispatchedAt: daysAgo(10) }),
      await outboxEvent({ seq: 9_000_002, dispatchedAt: daysAgo(9) }),
      await outboxEvent({ seq: 9_000_003, dispatchedAt: daysAgo(8) }),
    ];
    const recent = await outboxEvent({ seq: 9_000_004, dispatchedAt: daysAgo(1) });
    // Delivered "long ago" by its clock but after a kept event: kept, so a replay from 9_000_004 sees it.
    const skewed = await outboxEvent({ seq: 9_000_005, dispatchedAt: daysAgo(12) });
    const pending = await outboxEvent({ createdAt: daysAgo(30) });
    const failed = await outboxEvent({ createdAt: daysAgo(30), failedAt: daysAgo(29) });

    expect(await pruneDeliveredOutbox(NOW, 7)).toBe(3);
    const left = new Set((await db.outboxEvent.findMany({ select: { id: true } })).map((e) => e.id));
    for (const id of old) expect(left.has(id)).toBe(false);
    for (const id of [recent, skewed, pending, failed]) expect(left.has(id)).toBe(true);
    // Run again: nothing more.
    expect(await pruneDeliveredOutbox(NOW, 7)).toBe(0);
    // 0 keeps them for ever.
    expect(await pruneDeliveredOutbox(new Date(NOW.getTime() + 3650 * 86_400_000), 0)).toBe(0);
  });
});

describe("notifications", () => {
  it("go once read longer ago than the setting; unread ones stay however old", async () => {
    const cast = await createProjectWithCast();
    const make = (readAt: Date | null, createdAt: Date) =>
      db.notification.create({
        data: { userId: cast.reporter.id, eventId: randomUUID(), type: "test", title: "t", readAt, createdAt },
        select: { id: true },
      });
    const readLongAgo = await make(daysAgo(100), daysAgo(120));
    const readRecently = await make(daysAgo(10), daysAgo(120));
    const unread = await make(null, daysAgo(400));
    expect(await pruneReadNotifications(NOW, 90)).toBe(1);
    const left = (await db.notification.findMany({ where: { userId: cast.reporter.id }, select: { id: true } })).map(
      (n) => n.id,
    );
    expect(left.sort()).toEqual([readRecently.id, unread.id].sort());
    expect(readLongAgo.id).not.toBe(readRecently.id);
    expect(await pruneReadNotifications(NOW, 0)).toBe(0);
  });
});

describe("webhook deliveries", () => {
  it("go with their attempts once finished longer ago than the setting; pending and retrying ones stay", async () => {
    const cast = await createProjectWithCast();
    const webhook = await db.webhook.create({
      data: { projectId: cast.project.id, url: "https://hooks.example.com/x", secret: "s" },
    });
    const delivery = async (status: string, completedAt: Date | null) => {
      const row = await db.webhookDelivery.create({
        data: { webhookId: webhook.id, eventId: randomUUID(), eventType: "test", body: "{}", status, completedAt },
      });
      await db.webhookDeliveryAttempt.create({ data: { deliveryId: row.id, attempt: 1, durationMs: 5 } });
      return row.id;
    };
    const succeededOld = await delivery("SUCCEEDED", daysAgo(40));
    const failedOld = await delivery("FAILED", daysAgo(31));
    const succeededRecent = await delivery("SUCCEEDED", daysAgo(5));
    const retrying = await delivery("RETRY", null);
    const pending = await delivery("PENDING", null);

    expect(await pruneFinishedWebhookDeliveries(NOW, 30)).toBe(2);
    const left = (await db.webhookDelivery.findMany({ where: { webhookId: webhook.id }, select: { id: true } })).map(
      (d) => d.id,
    );
    expect(left.sort()).toEqual([succeededRecent, retrying, pending].sort());
    expect(await db.webhookDeliveryAttempt.count({ where: { deliveryId: { in: [succeededOld, failedOld] } } })).toBe(0);
    expect(await db.webhookDeliveryAttempt.count({ where: { deliveryId: { in: left } } })).toBe(3);
  });
});

async function fileAged(file: string, days: number, content = "x") {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  const at = daysAgo(days);
  await utimes(file, at, at);
}

describe("mail files", () => {
  it("go when older than the setting; other files in the folder and young mail stay", async () => {
    const dir = path.join(scratch, "mail");
    await fileAged(path.join(dir, "2026-11-01-old.eml"), 20);
    await fileAged(path.join(dir, "2026-11-29-young.eml"), 2);
    await fileAged(path.join(dir, "notes.txt"), 200);
    expect(await pruneMailFiles(dir, NOW, 14)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(["2026-11-29-young.eml", "notes.txt"]);
    expect(await pruneMailFiles(path.join(scratch, "no-such-folder"), NOW, 14)).toBe(0);
  });
});

describe("orphaned uploads", () => {
  it("go when no attachment names them and they are older than the setting; an attachment's file stays", async () => {
    const cast = await createProjectWithCast();
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "With a file" });
    const root = path.join(scratch, "uploads");
    const folder = cast.project.id.toLowerCase().replace(/[^a-z0-9]/g, "");
    const named = `${folder}/${randomUUID()}`;
    const orphan = `${folder}/${randomUUID()}`;
    const young = `${folder}/${randomUUID()}`;
    await fileAged(path.join(root, named), 10);
    await fileAged(path.join(root, orphan), 10);
    await fileAged(path.join(root, young), 0);
    await db.attachment.create({
      data: {
        issueId: issue.id,
        projectId: cast.project.id,
        filename: "kept.txt",
        contentType: "text/plain",
        size: 1,
        sha256: "0".repeat(64),
        storageKey: named,
      },
    });
    expect(await pruneOrphanedUploads(root, NOW, 24)).toBe(1);
    expect((await readdir(path.join(root, folder))).sort()).toEqual([named.split("/")[1], young.split("/")[1]].sort());
    expect(await pruneOrphanedUploads(root, NOW, 0)).toBe(0);
  });
});

describe("runRetention", () => {
  it("never touches audit events or requirement versions, however old", async () => {
    const cast = await createProjectWithCast();
    const requirement = await callerFor(cast.maintainer.id).requirement.create({
      projectKey: cast.key,
      title: "Kept for ever",
      statement: "Every version stays.",
    });
    await callerFor(cast.maintainer.id).requirement.update({
      key: requirement.key,
      expectedVersion: 1,
      statement: "Every version stays, and this one too.",
    });
    const before = {
      audit: await db.auditEvent.count({ where: { projectId: cast.project.id } }),
      versions: await db.requirementVersion.count({ where: { requirementId: requirement.id } }),
    };
    expect(before.versions).toBe(2);
    const parts = await runRetention(new Date(Date.now() + 20 * 365 * 86_400_000));
    expect(parts).toEqual(expect.arrayContaining([expect.stringMatching(/delivered outbox events$/)]));
    expect(await db.auditEvent.count({ where: { projectId: cast.project.id } })).toBe(before.audit);
    expect(await db.requirementVersion.count({ where: { requirementId: requirement.id } })).toBe(before.versions);
  });
});
