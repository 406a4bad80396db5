/**
 * Webhooks end to end against a local HTTP receiver: signing, retries,
 * timeouts, permanent failures, idempotent enqueueing, the lease that keeps
 * two workers from sending the same attempt, the `deliver-webhook` Inngest
 * function (through @inngest/test) and the API's refusal of bad input.
 * The receiver listens on 127.0.0.1, so the development override for private
 * targets is on unless a test turns it off.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { InngestTestEngine } from "@inngest/test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { db } from "@/server/db";
import { deliverWebhook } from "@/server/jobs/functions/deliver-webhook";
import { metrics } from "@/server/observability/metrics";
import {
  attemptWebhookDelivery,
  enqueueWebhookDeliveries,
  runDueWebhookDeliveries,
} from "@/server/services/webhooks/deliveries";

import { callerFor, createProjectWithCast, expectTRPCError } from "../helpers/factories";

/* ------------------------------------------------------------- environment */

const TEST_ENV = { ALLOW_PRIVATE_WEBHOOK_URLS: "true", WEBHOOK_MAX_ATTEMPTS: "3" };

function setEnv(values: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
}

/** Runs `fn` with some variables changed, then puts the test environment back. */
async function withEnv<T>(values: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  setEnv(values);
  try {
    return await fn();
  } finally {
    setEnv(saved);
  }
}

beforeEach(() => setEnv(TEST_ENV));

/* ---------------------------------------------------------------- receiver */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Reply = number | "hang";

const received: Received[] = [];
/** Replies per path, consumed in order; the last one repeats. */
const replies = new Map<string, Reply[]>();
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const queue = replies.get(path) ?? [200];
      const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
      if (reply === "hang") return; // never answers
      res.writeHead(reply, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => server.closeAllConnections());

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A fresh receiver path with the given replies. */
function endpoint(...queue: Reply[]): { url: string; path: string; hits: () => Received[] } {
  const path = `/hook-${randomUUID()}`;
  replies.set(path, queue.length ? queue : [200]);
  return { url: `${base}${path}`, path, hits: () => received.filter((r) => r.path === path) };
}

/* ----------------------------------------------------------------- helpers */

async function projectWithWebhook(opts: { reply?: Reply[]; eventTypes?: string[] } = {}) {
  const cast = await createProjectWithCast();
  const ep = endpoint(...(opts.reply ?? [200]));
  const api = callerFor(cast.admin.id);
  const webhook = await api.webhook.create({
    projectKey: cast.key,
    url: ep.url,
    eventTypes: (opts.eventTypes ?? []) as never,
  });
  return { ...cast, ep, api, webhook };
}

/** A real outbox event: an issue created through the API. */
async function issueCreatedEvent(projectKey: string, projectId: string, userId: string) {
  const issue = await callerFor(userId).issue.create({ projectKey, title: "Payment page times out" });
  const row = await db.outboxEvent.findFirstOrThrow({
    where: { projectId, type: "issue.created", payload: { path: ["entityId"], equals: issue.id } },
  });
  return {
    issue,
    event: { id: row.id, type: row.type, projectId: row.projectId, payload: row.payload, createdAt: row.createdAt },
  };
}

async function singleDelivery(f: Awaited<ReturnType<typeof projectWithWebhook>>) {
  const { event } = await issueCreatedEvent(f.key, f.project.id, f.admin.id);
  const ids = await enqueueWebhookDeliveries(event);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** Other tests leave deliveries pending; push them out of a tick's reach. */
const parkOtherPendingDeliveries = () =>
  db.webhookDelivery.updateMany({
    where: { status: "PENDING" },
    data: { nextAttemptAt: new Date(Date.now() + 3_600_000) },
  });

const stringify = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

const attemptsOf = (deliveryId: string) =>
  db.webhookDeliveryAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: "asc" } });

function verifySignature(secret: string, hit: Received): boolean {
  const timestamp = String(hit.headers["x-specline-timestamp"]);
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${hit.body}`).digest("hex")}`;
  const given = String(hit.headers["x-specline-signature"]);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/* ------------------------------------------------------------------- tests */

describe("enqueueWebhookDeliveries", () => {
  it("creates one delivery per interested active webhook, once per event, with the body to send", async () => {
    const f = await projectWithWebhook();
    const other = endpoint();
    await f.api.webhook.create({ projectKey: f.key, url: other.url, eventTypes: ["requirement.created"] });
    const inactive = await f.api.webhook.create({ projectKey: f.key, url: endpoint().url, active: false });
    const wanted = await f.api.webhook.create({
      projectKey: f.key,
      url: endpoint().url,
      eventTypes: ["issue.created"],
    });

    const { issue, event } = await issueCreatedEvent(f.key, f.project.id, f.admin.id);
    const first = await enqueueWebhookDeliveries(event);
    const replay = await enqueueWebhookDeliveries(event);
    expect(first).toHaveLength(2);
    expect([...replay].sort()).toEqual([...first].sort());

    const rows = await db.webhookDelivery.findMany({ where: { eventId: event.id } });
    expect(rows.map((r) => r.webhookId).sort()).toEqual([f.webhook.id, wanted.id].sort());
    expect(rows.some((r) => r.webhookId === inactive.id)).toBe(false);

    const body = JSON.parse(rows[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: event.id,
      type: "issue.created",
      projectKey: f.key,
      occurredAt: event.createdAt.toISOString(),
    });
    expect(body.data).toMatchObject({ entityType: "Issue", entityId: issue.id });
    expect(rows[0]!.body).not.toContain("requestId");
    expect(rows[0]!.body).not.toContain(f.webhook.secret);
  });

  it("ignores events without a project and types webhooks cannot subscribe to", async () => {
    const f = await projectWithWebhook();
    const base = { id: randomUUID(), payload: {}, createdAt: new Date() };
    expect(await enqueueWebhookDeliveries({ ...base, type: "user.registered", projectId: null })).toEqual([]);
    expect(await enqueueWebhookDeliveries({ ...base, type: "webhook.created", projectId: f.project.id })).toEqual([]);
    expect(await db.webhookDelivery.count({ where: { webhookId: f.webhook.id } })).toBe(0);
  });
});

describe("attemptWebhookDelivery", () => {
  it("POSTs the stored body with a signature that verifies over the timestamp and raw body", async () => {
    const f = await projectWithWebhook();
    const deliveryId = await singleDelivery(f);
    const result = await attemptWebhookDelivery(deliveryId);
    expect(result).toMatchObject({ status: "SUCCEEDED", attempt: 1, responseCode: 200, skipped: false });

    const [hit] = f.ep.hits();
    const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(hit!.body).toBe(delivery.body);
    expect(hit!.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Specline-Webhooks/1",
      "x-specline-event": "issue.created",
      "x-specline-delivery": deliveryId,
      "idempotency-key": deliveryId,
    });
    expect(Math.abs(Number(hit!.headers["x-specline-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    expect(verifySignature(f.webhook.secret, hit!)).toBe(true);
    expect(verifySignature("whsec_wrong", hit!)).toBe(false);
    expect(
      verifySignature(f.webhook.secret, { ...hit!, body: hit!.body.replace("issue.created", "issue.updated") }),
    ).toBe(false);

    expect(delivery).toMatchObject({
      status: "SUCCEEDED",
      attempts: 1,
      responseCode: 200,
      error: null,
      nextAttemptAt: null,
      leaseUntil: null,
    });
    expect(delivery.completedAt).toBeInstanceOf(Date);
    expect(delivery.durationMs).toBeGreaterThanOrEqual(0);
    const log = await attemptsOf(deliveryId);
    expect(log.map((a) => [a.attempt, a.responseCode])).toEqual([[1, 200]]);

    // A finished delivery is not sent again.
    expect(await attemptWebhookDelivery(deliveryId)).toMatchObject({ status: "SUCCEEDED", skipped: true });
    expect(f.ep.hits()).toHaveLength(1);
  });

  it("retries a 500 with backoff and succeeds on the next attempt, logging both", async () => {
    const f = await projectWithWebhook({ reply: [500, 200] });
    const deliveryId = await singleDelivery(f);
    const outcomes = async () =>
      Object.fromEntries((await metrics().webhookDeliveries.get()).values.map((v) => [v.labels.outcome, v.value]));
    const counted = await outcomes();
    const before = Date.now();
    const first = await attemptWebhookDelivery(deliveryId);
    expect(first).toMatchObject({ status: "RETRY", attempt: 1, responseCode: 500, error: "Receiver answered 500" });
    // 30 s · 2^0 with equal jitter: between 15 and 30 seconds later.
    expect(first.nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(14_000);
    expect(first.nextAttemptAt!.getTime() - Date.now()).toBeLessThanOrEqual(30_000);
    const pending = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(pending).toMatchObject({
      status: "PENDING",
      attempts: 1,
      responseCode: 500,
      completedAt: null,
      leaseUntil: null,
    });

    const second = await attemptWebhookDelivery(deliveryId);
    expect(second).toMatchObject({ status: "SUCCEEDED", attempt: 2, responseCode: 200 });
    // specline_webhook_deliveries_total counts each attempt by its outcome.
    expect(await outcomes()).toMatchObject({
      retry: (counted.retry ?? 0) + 1,
      succeeded: (counted.succeeded ?? 0) + 1,
    });
    const log = await attemptsOf(deliveryId);
    expect(log.map((a) => [a.attempt, a.responseCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(f.ep.hits()).toHaveLength(2);
    // Each attempt is signed afresh and still verifies.
    for (const hit of f.ep.hits()) expect(verifySignature(f.webhook.secret, hit)).toBe(true);
  });

  it("times out a receiver that never answers and logs the attempt", async () => {
    const f = await projectWithWebhook({ reply: ["hang"] });
    const deliveryId = await singleDelivery(f);
    const started = Date.now();
    const result = await attemptWebhookDelivery(deliveryId, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ status: "RETRY", responseCode: null, error: "Timed out after 300 ms" });
    const [logged] = await attemptsOf(deliveryId);
    expect(logged).toMatchObject({ attempt: 1, responseCode: null, error: "Timed out after 300 ms" });
    expect(logged!.durationMs).toBeGreaterThanOrEqual(250);
  });

  it("marks the delivery FAILED after the last attempt", async () => {
    const f = await projectWithWebhook({ reply: [503] });
    const deliveryId = await singleDelivery(f);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attemptWebhookDelivery(deliveryId)).status);
    expect(statuses).toEqual(["RETRY", "RETRY", "FAILED"]);
    const delivery = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery).toMatchObject({ status: "FAILED", attempts: 3, responseCode: 503, nextAttemptAt: null });
    expect(delivery.completedAt).toBeInstanceOf(Date);
    expect(await attemptsOf(deliveryId)).toHaveLength(3);
    expect(await attemptWebhookDelivery(deliveryId)).toMatchObject({ status: "FAILED", skipped: true });
    expect(f.ep.hits()).toHaveLength(3);
  });

  it("fails at once on a 4xx, but retries 408 and 429", async () => {
    const f = await projectWithWebhook({ reply: [404] });
    const deliveryId = await singleDelivery(f);
    expect(await attemptWebhookDelivery(deliveryId)).toMatchObject({ status: "FAILED", attempt: 1, responseCode: 404 });
    expect(await attemptsOf(deliveryId)).toHaveLength(1);

    for (const code of [408, 429]) {
      const g = await projectWithWebhook({ reply: [code] });
      expect((await attemptWebhookDelivery(await singleDelivery(g))).status).toBe("RETRY");
    }
  });

  it("does not follow redirects", async () => {
    const f = await projectWithWebhook({ reply: [302] });
    const result = await attemptWebhookDelivery(await singleDelivery(f));
    expect(result).toMatchObject({ status: "FAILED", responseCode: 302 });
    expect(result.error).toMatch(/redirects are not followed/);
  });

  it("refuses at send time a target the policy no longer allows, without contacting it", async () => {
    const f = await projectWithWebhook();
    const deliveryId = await singleDelivery(f);
    const result = await withEnv({ ALLOW_PRIVATE_WEBHOOK_URLS: undefined, NODE_ENV: "production" }, () =>
      attemptWebhookDelivery(deliveryId),
    );
    expect(result).toMatchObject({ status: "FAILED", responseCode: null });
    expect(result.error).toMatch(/^Refused: .*loopback/);
    expect(f.ep.hits()).toHaveLength(0);
  });

  it("lets only one of two concurrent workers send an attempt", async () => {
    const f = await projectWithWebhook({ reply: [200] });
    const deliveryId = await singleDelivery(f);
    const results = await Promise.all([attemptWebhookDelivery(deliveryId), attemptWebhookDelivery(deliveryId)]);
    expect(results.filter((r) => !r.skipped)).toHaveLength(1);
    expect(f.ep.hits()).toHaveLength(1);
    expect(await attemptsOf(deliveryId)).toHaveLength(1);
  });
});

describe("runDueWebhookDeliveries", () => {
  it("sends each due delivery exactly once across concurrent ticks and leaves future ones alone", async () => {
    await parkOtherPendingDeliveries();
    const f = await projectWithWebhook();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await singleDelivery(f));
    const later = ids.pop()!;
    await db.webhookDelivery.update({ where: { id: later }, data: { nextAttemptAt: new Date(Date.now() + 60_000) } });

    const counts = await Promise.all([runDueWebhookDeliveries({ limit: 10 }), runDueWebhookDeliveries({ limit: 10 })]);
    expect(counts[0]! + counts[1]!).toBe(3);
    expect(f.ep.hits()).toHaveLength(3);
    const rows = await db.webhookDelivery.findMany({ where: { webhookId: f.webhook.id } });
    expect(
      rows
        .filter((r) => r.status === "SUCCEEDED")
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(rows.find((r) => r.id === later)).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(await runDueWebhookDeliveries()).toBe(0);
  });
});

describe("deliver-webhook (Inngest)", () => {
  // A fresh engine per run: an engine remembers step results between executions.
  const run = (deliveryId: string) =>
    new InngestTestEngine({ function: deliverWebhook }).execute({
      events: [{ name: "specline/webhook.delivery.requested", data: { deliveryId } }],
    });

  it("delivers and returns the attempt", async () => {
    const f = await projectWithWebhook();
    const deliveryId = await singleDelivery(f);
    const { result, error } = await run(deliveryId);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ status: "SUCCEEDED", attempt: 1, responseCode: 200 });
    expect(f.ep.hits()).toHaveLength(1);
  });

  it("surfaces a retriable error on a 500 and keeps the delivery pending", async () => {
    const f = await projectWithWebhook({ reply: [500] });
    const deliveryId = await singleDelivery(f);
    const { result, error } = await run(deliveryId);
    expect(result).toBeUndefined();
    expect(error).toMatchObject({ name: "RetryAfterError" });
    expect(String((error as { message?: string }).message)).toMatch(/Receiver answered 500/);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: "PENDING",
      attempts: 1,
    });
  });

  it("ends with a NonRetriableError when the delivery fails permanently", async () => {
    const f = await projectWithWebhook({ reply: [410] });
    const deliveryId = await singleDelivery(f);
    const { error } = await run(deliveryId);
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(String((error as { message?: string }).message)).toMatch(/Receiver answered 410/);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: "FAILED",
      attempts: 1,
    });
  });

  it("ends with a NonRetriableError when the last attempt fails", async () => {
    const f = await projectWithWebhook({ reply: [502] });
    const deliveryId = await singleDelivery(f);
    await attemptWebhookDelivery(deliveryId);
    await attemptWebhookDelivery(deliveryId);
    const { error } = await run(deliveryId);
    expect(error).toMatchObject({ name: "NonRetriableError" });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: "FAILED",
      attempts: 3,
    });
  });
});

describe("webhook API", () => {
  it("returns the secret once; list never shows it", async () => {
    const f = await projectWithWebhook();
    expect(f.webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const page = await f.api.webhook.list({ projectKey: f.key });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).not.toHaveProperty("secret");
    expect(JSON.stringify(page)).not.toContain(f.webhook.secret);
    const audit = await db.auditEvent.findMany({ where: { entityId: f.webhook.id } });
    expect(audit.map((a) => a.action)).toEqual(["webhook.created"]);
    expect(stringify(audit)).not.toContain(f.webhook.secret);
  });

  it("sendTest posts a webhook.test event and returns the attempt; the log shows it", async () => {
    const f = await projectWithWebhook();
    const result = await f.api.webhook.sendTest({ projectKey: f.key, id: f.webhook.id });
    expect(result).toMatchObject({ status: "SUCCEEDED", attempt: 1, responseCode: 200 });
    const [hit] = f.ep.hits();
    expect(hit!.headers["x-specline-event"]).toBe("webhook.test");
    expect(JSON.parse(hit!.body)).toMatchObject({
      type: "webhook.test",
      projectKey: f.key,
      data: { webhookId: f.webhook.id },
    });
    expect(verifySignature(f.webhook.secret, hit!)).toBe(true);

    const log = await f.api.webhook.deliveries({ projectKey: f.key, webhookId: f.webhook.id });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      eventType: "webhook.test",
      status: "SUCCEEDED",
      attempts: 1,
      responseCode: 200,
    });
    expect(log.items[0]!.attemptsLog).toEqual([expect.objectContaining({ attempt: 1, responseCode: 200 })]);
  });

  it("sendTest sends once: a failing receiver gives a final FAILED", async () => {
    const f = await projectWithWebhook({ reply: [500] });
    const result = await f.api.webhook.sendTest({ projectKey: f.key, id: f.webhook.id });
    expect(result).toMatchObject({ status: "FAILED", responseCode: 500 });
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { webhookId: f.webhook.id } })).toMatchObject({
      status: "FAILED",
      nextAttemptAt: null,
    });
  });

  it("redeliver sends a FAILED delivery again as one more attempt", async () => {
    const f = await projectWithWebhook({ reply: [400, 200] });
    const deliveryId = await singleDelivery(f);
    expect((await attemptWebhookDelivery(deliveryId)).status).toBe("FAILED");
    const again = await f.api.webhook.redeliver({ projectKey: f.key, deliveryId });
    expect(again).toMatchObject({ status: "SUCCEEDED", attempt: 2, responseCode: 200 });
    await expectTRPCError(f.api.webhook.redeliver({ projectKey: f.key, deliveryId }), "BAD_REQUEST");
  });

  it("updates, deactivates and deletes; other projects' webhooks are NOT_FOUND", async () => {
    const f = await projectWithWebhook();
    const updated = await f.api.webhook.update({
      projectKey: f.key,
      id: f.webhook.id,
      active: false,
      eventTypes: ["issue.created"],
    });
    expect(updated).toMatchObject({ active: false, eventTypes: ["issue.created"] });
    await expectTRPCError(f.api.webhook.sendTest({ projectKey: f.key, id: f.webhook.id }), "BAD_REQUEST");

    const g = await projectWithWebhook();
    await expectTRPCError(f.api.webhook.delete({ projectKey: f.key, id: g.webhook.id }), "NOT_FOUND");
    await expectTRPCError(f.api.webhook.deliveries({ projectKey: f.key, webhookId: g.webhook.id }), "NOT_FOUND");
    await f.api.webhook.delete({ projectKey: f.key, id: f.webhook.id });
    expect(await db.webhook.count({ where: { projectId: f.project.id } })).toBe(0);
    expect(await db.webhook.count({ where: { id: g.webhook.id } })).toBe(1);
  });

  it("lets only project admins (and instance admins) manage integrations", async () => {
    const f = await projectWithWebhook();
    const url = endpoint().url;
    await expectTRPCError(callerFor(f.maintainer.id).webhook.create({ projectKey: f.key, url }), "FORBIDDEN");
    await expectTRPCError(callerFor(f.reporter.id).webhook.list({ projectKey: f.key }), "FORBIDDEN");
    await expectTRPCError(callerFor(f.nonMember.id).webhook.list({ projectKey: f.key }), "NOT_FOUND");
    await expectTRPCError(
      callerFor(f.maintainer.id).webhook.slack.set({ projectKey: f.key, url: null, eventTypes: [] }),
      "FORBIDDEN",
    );
    const created = await callerFor(f.instanceAdmin.id).webhook.create({ projectKey: f.key, url });
    expect(created.url).toBe(url);
  });

  it("stores the Slack URL without ever echoing or auditing it", async () => {
    const f = await projectWithWebhook();
    const slackUrl = "https://hooks.slack.com/services/T0001/B0002/abcdefSECRET";
    const set = await withEnv({ ALLOW_PRIVATE_WEBHOOK_URLS: "false" }, () =>
      f.api.webhook.slack.set({ projectKey: f.key, url: slackUrl, eventTypes: ["issue.created"] }),
    );
    expect(set).toEqual({
      configured: true,
      urlPreview: "hooks.slack.com/services/T0001/B0002/••••",
      eventTypes: ["issue.created"],
    });
    const project = await db.project.findUniqueOrThrow({ where: { id: f.project.id } });
    expect(project).toMatchObject({ slackWebhookUrl: slackUrl, slackEventTypes: ["issue.created"] });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { projectId: f.project.id, action: "project.slack_updated" },
    });
    const outbox = await db.outboxEvent.findFirstOrThrow({
      where: { projectId: f.project.id, type: "project.slack_updated" },
    });
    expect(stringify([audit, outbox])).not.toContain("SECRET");

    // Event types alone keep the URL; null turns Slack off.
    await f.api.webhook.slack.set({ projectKey: f.key, eventTypes: [] });
    expect((await f.api.webhook.slack.get({ projectKey: f.key })).configured).toBe(true);
    await f.api.webhook.slack.set({ projectKey: f.key, url: null, eventTypes: [] });
    expect(await f.api.webhook.slack.get({ projectKey: f.key })).toEqual({
      configured: false,
      urlPreview: null,
      eventTypes: [],
    });

    // The development override lets a local receiver stand in for Slack.
    const local = endpoint().url;
    expect((await f.api.webhook.slack.set({ projectKey: f.key, url: local, eventTypes: [] })).configured).toBe(true);
  });
});

describe("bad input: a typed error and nothing written", () => {
  async function rowCounts(projectId: string) {
    const [webhooks, audit, outbox, project] = await Promise.all([
      db.webhook.count({ where: { projectId } }),
      db.auditEvent.count({ where: { projectId } }),
      db.outboxEvent.count({ where: { projectId } }),
      db.project.findUniqueOrThrow({
        where: { id: projectId },
        select: { slackWebhookUrl: true, slackEventTypes: true },
      }),
    ]);
    return { webhooks, audit, outbox, project };
  }

  const privateTargets = [
    "http://127.0.0.1/hook",
    "http://localhost:3000/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://192.168.1.10/",
    "http://[fe80::1]/",
  ];

  it.each([
    ["a non-http(s) URL", "ftp://example.com/hook", /http:\/\/ or https:\/\//],
    ["a file URL", "file:///etc/passwd", /http:\/\/ or https:\/\//],
    ["an over-long URL", `https://example.com/${"x".repeat(2048)}`, /at most 2048/],
    ["not a URL", "hooks example com", /http:\/\/ or https:\/\//],
  ])("refuses %s", async (_what, url, message) => {
    const f = await projectWithWebhook();
    const before = await rowCounts(f.project.id);
    const err = await expectTRPCError(f.api.webhook.create({ projectKey: f.key, url }), "BAD_REQUEST");
    expect(err.message).toMatch(message);
    await expectTRPCError(f.api.webhook.update({ projectKey: f.key, id: f.webhook.id, url }), "BAD_REQUEST");
    expect(await rowCounts(f.project.id)).toEqual(before);
  });

  it("refuses private, loopback and link-local targets in production unless the override is set", async () => {
    const f = await projectWithWebhook();
    const before = await rowCounts(f.project.id);
    await withEnv({ ALLOW_PRIVATE_WEBHOOK_URLS: undefined, NODE_ENV: "production" }, async () => {
      for (const url of privateTargets) {
        const err = await expectTRPCError(f.api.webhook.create({ projectKey: f.key, url }), "BAD_REQUEST");
        expect(err.message, url).toMatch(/may not point at/);
        await expectTRPCError(f.api.webhook.update({ projectKey: f.key, id: f.webhook.id, url }), "BAD_REQUEST");
      }
    });
    expect(await rowCounts(f.project.id)).toEqual(before);
    // Set explicitly, the same target is accepted (development).
    const ok = await f.api.webhook.create({ projectKey: f.key, url: "http://127.0.0.1:3429/hook" });
    expect(ok.url).toBe("http://127.0.0.1:3429/hook");
  });

  it("refuses unknown event types", async () => {
    const f = await projectWithWebhook();
    const before = await rowCounts(f.project.id);
    const url = endpoint().url;
    await expectTRPCError(
      f.api.webhook.create({ projectKey: f.key, url, eventTypes: ["issue.exploded"] as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      f.api.webhook.update({ projectKey: f.key, id: f.webhook.id, eventTypes: ["user.registered"] as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(
      f.api.webhook.slack.set({ projectKey: f.key, url: null, eventTypes: ["nope"] as never }),
      "BAD_REQUEST",
    );
    expect(await rowCounts(f.project.id)).toEqual(before);
  });

  it("refuses malformed Slack URLs", async () => {
    const f = await projectWithWebhook();
    const before = await rowCounts(f.project.id);
    await withEnv({ ALLOW_PRIVATE_WEBHOOK_URLS: "false" }, async () => {
      for (const url of [
        "https://example.com/services/T0/B0/X",
        "http://hooks.slack.com/services/T0/B0/X",
        "https://hooks.slack.com/services/T0",
        "https://hooks.slack.com.evil.test/services/T0/B0/X",
        "ftp://hooks.slack.com/services/T0/B0/X",
        `https://hooks.slack.com/services/T0/B0/${"x".repeat(2100)}`,
      ]) {
        const err = await expectTRPCError(
          f.api.webhook.slack.set({ projectKey: f.key, url, eventTypes: [] }),
          "BAD_REQUEST",
        );
        expect(err.message, url).toMatch(/Slack URLs look like|http:\/\/ or https:\/\/|at most 2048/);
      }
    });
    expect(await rowCounts(f.project.id)).toEqual(before);
  });

  it("refuses malformed ids and unknown delivery statuses", async () => {
    const f = await projectWithWebhook();
    await expectTRPCError(f.api.webhook.delete({ projectKey: f.key, id: "not-a-uuid" }), "BAD_REQUEST");
    await expectTRPCError(
      f.api.webhook.deliveries({ projectKey: f.key, webhookId: f.webhook.id, status: "LOST" as never }),
      "BAD_REQUEST",
    );
    await expectTRPCError(f.api.webhook.redeliver({ projectKey: f.key, deliveryId: randomUUID() }), "NOT_FOUND");
  });
});
