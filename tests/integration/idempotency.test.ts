/**
 * Idempotent creates: a create sent again with the same Idempotency-Key gets
 * the first answer back and creates nothing more — retried one after the
 * other, five at once, after the first answer was lost on the way back, over
 * HTTP and through the browser client's links; the key is the caller's own,
 * another input or procedure under it is a CONFLICT, a malformed one a
 * BAD_REQUEST, an expired one starts afresh and the housekeeping prunes it.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { InngestTestEngine } from "@inngest/test";
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sessionCookieFor } from "../helpers/session";

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "specline-idempotency-"));

const { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_MUTATIONS } = await import("@/lib/idempotency");
const { apiLinks, MUTATION_ATTEMPTS } = await import("@/lib/trpc/links");
const { appRouter } = await import("@/server/api/root");
const { db } = await import("@/server/db");
const { startDispatcher, stopDispatcher } = await import("@/server/jobs/dispatcher");
const { aggregateDailyStatsFunction } = await import("@/server/jobs/functions/aggregate-daily-stats");
const { attachmentStorage } = await import("@/server/services/attachments/storage");
const { applyChange } = await import("@/server/services/change");
const { pruneExpiredIdempotencyKeys } = await import("@/server/services/idempotency");
const trpcRoute = await import("@/app/api/trpc/[trpc]/route");
const uploadRoute = await import("@/app/api/issues/[key]/attachments/route");
const { callerFor, createProjectWithCast, createUser, expectTRPCError, uniqueProjectKey, uniqueSuffix } = await import(
  "../helpers/factories"
);

type Cast = Awaited<ReturnType<typeof createProjectWithCast>>;
type Caller = ReturnType<typeof callerFor>;

let cast: Cast;
let issueKey: string;
let requirementKey: string;

beforeEach(async () => {
  cast = await createProjectWithCast();
  const maint = callerFor(cast.maintainer.id);
  issueKey = (await maint.issue.create({ projectKey: cast.key, title: "Crash on save" })).key;
  requirementKey = (await maint.requirement.create({ projectKey: cast.key, title: "Saving works" })).key;
});

const newKey = () => `key-${uniqueSuffix()}-${uniqueSuffix()}`;
const as = (userId: string, idempotencyKey: string | null) => callerFor(userId, { idempotencyKey });

interface Case {
  /** Calls the create; `variant` changes the input (0 and 1 differ). */
  call: (caller: Caller, variant: number) => Promise<{ id: string }>;
  /** How many of the created things exist. */
  count: () => Promise<number>;
  /** Who calls it: the maintainer, or a user of their own (project.create). */
  caller?: () => Promise<string>;
}

/** One row per procedure that opts in; the last test checks the table covers them all. */
const CASES: Record<string, Case> = {
  "project.create": {
    caller: async () => (await createUser()).id,
    call: (c, v) => c.project.create({ key: projectKeys[v] as string, name: `Keyed ${v}`, description: "" }),
    count: () => db.project.count({ where: { key: { in: projectKeys } } }),
  },
  "requirement.create": {
    call: (c, v) => c.requirement.create({ projectKey: cast.key, title: `Keyed ${v}`, tags: ["a", "b"] }),
    count: () => db.requirement.count({ where: { projectId: cast.project.id } }),
  },
  "baseline.create": {
    call: (c, v) => c.baseline.create({ projectKey: cast.key, name: `Release ${v}` }),
    count: () => db.baseline.count({ where: { projectId: cast.project.id } }),
  },
  "traceLink.create": {
    call: (c, v) =>
      c.traceLink.create({
        projectKey: cast.key,
        from: issueKey,
        to: requirementKey,
        type: v ? "VERIFIES" : "IMPLEMENTS",
      }),
    count: () => db.traceLink.count({ where: { projectId: cast.project.id } }),
  },
  "issue.create": {
    call: (c, v) => c.issue.create({ projectKey: cast.key, title: `Keyed ${v}`, severity: "HIGH" }),
    count: () => db.issue.count({ where: { projectId: cast.project.id } }),
  },
  "issue.comments.add": {
    call: (c, v) => c.issue.comments.add({ key: issueKey, body: `Seen it too (${v})` }),
    count: () => db.comment.count({ where: { issue: { key: issueKey } } }),
  },
  "requirement.comments.add": {
    call: (c, v) => c.requirement.comments.add({ key: requirementKey, body: `Reads well (${v})` }),
    count: () => db.comment.count({ where: { requirement: { key: requirementKey } } }),
  },
};

let projectKeys: string[] = [];
beforeEach(() => {
  projectKeys = [uniqueProjectKey(), uniqueProjectKey()];
});

const callerIdOf = (c: Case) => (c.caller ? c.caller() : Promise.resolve(cast.maintainer.id));
const keyRow = (userId: string, key: string) =>
  db.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
const eventsFor = (entityId: string) =>
  db.outboxEvent.count({ where: { payload: { path: ["entityId"], equals: entityId } } });

describe.each(Object.entries(CASES))("%s with an Idempotency-Key", (procedure, c) => {
  it("a retry returns the first answer and creates nothing more", async () => {
    const userId = await callerIdOf(c);
    const key = newKey();
    const before = await c.count();
    const first = await c.call(as(userId, key), 0);
    const again = await c.call(as(userId, key), 0);
    expect(again).toEqual(first);
    if ("createdAt" in first) expect((again as unknown as { createdAt: unknown }).createdAt).toBeInstanceOf(Date);
    expect(await c.count()).toBe(before + 1);
    expect(await eventsFor(first.id)).toBe(1);
    expect(await keyRow(userId, key)).toMatchObject({
      scope: procedure,
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("the same key with another input is a CONFLICT, and writes nothing", async () => {
    const userId = await callerIdOf(c);
    const key = newKey();
    await c.call(as(userId, key), 0);
    const before = await c.count();
    const err = await expectTRPCError(c.call(as(userId, key), 1), "CONFLICT");
    expect(err.message).toContain(IDEMPOTENCY_KEY_HEADER);
    expect(await c.count()).toBe(before);
  });

  it("another caller's identical key is theirs: it creates their own", async () => {
    const key = newKey();
    const firstUser = await callerIdOf(c);
    const secondUser = c.caller ? await c.caller() : cast.admin.id;
    const before = await c.count();
    const mine = await c.call(as(firstUser, key), 0);
    const theirs = await c.call(as(secondUser, key), 1);
    expect(theirs.id).not.toBe(mine.id);
    expect(await c.count()).toBe(before + 2);
  });

  it("five concurrent calls with one key create one and all answer the same", async () => {
    const userId = await callerIdOf(c);
    const key = newKey();
    const before = await c.count();
    const results = await Promise.all(Array.from({ length: 5 }, () => c.call(as(userId, key), 0)));
    expect(await c.count()).toBe(before + 1);
    for (const r of results) expect(r).toEqual(results[0]);
  });
});

describe("Idempotency-Key rules", () => {
  const create = (caller: Caller, title = "Keyed") => caller.requirement.create({ projectKey: cast.key, title });

  it("the key is the same path for every opted-in procedure: the table above covers exactly those", () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string; meta?: { idempotent?: boolean } } }
    >;
    const optedIn = Object.entries(procedures)
      .filter(([, p]) => p._def.meta?.idempotent)
      .map(([path, p]) => [path, p._def.type]);
    expect(optedIn.map(([path]) => path).sort()).toEqual([...IDEMPOTENT_MUTATIONS].sort());
    expect(Object.keys(CASES).sort()).toEqual([...IDEMPOTENT_MUTATIONS].sort());
    for (const [, type] of optedIn) expect(type).toBe("mutation");
  });

  it("without a key every call creates, and no key is stored", async () => {
    const maint = as(cast.maintainer.id, null);
    const a = await create(maint);
    const b = await create(maint);
    expect(b.key).not.toBe(a.key);
    expect(await db.idempotencyKey.count({ where: { userId: cast.maintainer.id } })).toBe(0);
  });

  it("the same key on another procedure is a CONFLICT", async () => {
    const key = newKey();
    await create(as(cast.maintainer.id, key));
    await expectTRPCError(
      as(cast.maintainer.id, key).issue.create({ projectKey: cast.key, title: "Keyed" }),
      "CONFLICT",
    );
  });

  it.each([
    ["empty", ""],
    ["over 200 characters", "k".repeat(201)],
    ["with a control character", "abc\u0007def"],
    ["with a non-ASCII character", "clé"],
  ])("refuses a key that is %s with BAD_REQUEST, creating nothing", async (_label, key) => {
    const before = await db.requirement.count({ where: { projectId: cast.project.id } });
    const err = await expectTRPCError(create(as(cast.maintainer.id, key)), "BAD_REQUEST");
    expect(err.message).toContain(IDEMPOTENCY_KEY_HEADER);
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(before);
  });

  it("takes keys of 200 printable characters", async () => {
    const key = ` !~${"x".repeat(197)}`;
    const first = await create(as(cast.maintainer.id, key));
    expect(await create(as(cast.maintainer.id, key))).toEqual(first);
  });

  it("a key older than 24 hours starts afresh", async () => {
    const key = newKey();
    const first = await create(as(cast.maintainer.id, key));
    await db.$executeRaw`UPDATE "IdempotencyKey" SET "createdAt" = "createdAt" - interval '25 hours' WHERE "key" = ${key}`;
    const second = await create(as(cast.maintainer.id, key));
    expect(second.key).not.toBe(first.key);
    // The row now holds the second answer, fresh again.
    expect(await create(as(cast.maintainer.id, key))).toEqual(second);
    const row = await keyRow(cast.maintainer.id, key);
    expect(Date.now() - (row?.createdAt.getTime() ?? 0)).toBeLessThan(60_000);
  });

  it("a create that fails keeps no key: the corrected call under the same key creates", async () => {
    const key = newKey();
    const maint = as(cast.maintainer.id, key);
    await expectTRPCError(
      maint.requirement.create({ projectKey: cast.key, title: "Child", parentKey: `${cast.key}-999` }),
      "NOT_FOUND",
    );
    expect(await keyRow(cast.maintainer.id, key)).toBeNull();
    const created = await as(cast.maintainer.id, key).requirement.create({ projectKey: cast.key, title: "Child" });
    expect(created.key).toMatch(new RegExp(`^${cast.key}-\\d+$`));
  });

  it("a replay is still authorized like any call: a member removed since gets NOT_FOUND", async () => {
    const key = newKey();
    await create(as(cast.reporter.id, key));
    await db.membership.deleteMany({ where: { projectId: cast.project.id, userId: cast.reporter.id } });
    await expectTRPCError(create(as(cast.reporter.id, key)), "NOT_FOUND");
  });

  it("mutations that do not opt in ignore the header", async () => {
    const r = await create(as(cast.maintainer.id, null));
    const key = newKey();
    const updated = await as(cast.maintainer.id, key).requirement.update({
      key: r.key,
      expectedVersion: 1,
      title: "Renamed",
    });
    expect(updated.version).toBe(2);
    await expectTRPCError(
      as(cast.maintainer.id, key).requirement.update({ key: r.key, expectedVersion: 1, title: "Renamed" }),
      "CONFLICT",
    );
    expect(await keyRow(cast.maintainer.id, key)).toBeNull();
  });

  it("key order and undefined properties do not change the request: the same input is the same request", async () => {
    const key = newKey();
    const first = await as(cast.maintainer.id, key).requirement.create({
      projectKey: cast.key,
      title: "Same",
      tags: ["x"],
    });
    const again = await as(cast.maintainer.id, key).requirement.create({
      tags: ["x"],
      title: "Same",
      parentKey: undefined,
      projectKey: cast.key,
    });
    expect(again).toEqual(first);
  });

  it("a change that claims one key twice is a bug, and fails loudly", async () => {
    const actor = {
      userId: cast.maintainer.id,
      requestId: "twice",
      idempotency: { key: newKey(), scope: "test.twice", requestHash: "0".repeat(64) },
    };
    await applyChange(actor, async () => "first");
    await expect(applyChange(actor, async () => "second")).rejects.toThrow(/claimed its idempotency key twice/);
  });
});

/* ------------------------------------------------------------------ HTTP */

async function post(userId: string, pathAndQuery: string, body: unknown, headers: Record<string, string> = {}) {
  const req = new Request(`http://localhost/api/trpc/${pathAndQuery}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: await sessionCookieFor(userId), ...headers },
    body: JSON.stringify(body),
  });
  return trpcRoute.POST(req);
}

describe("over HTTP (/api/trpc)", () => {
  it("a retried create answers with the same body, byte for byte, and creates one", async () => {
    const key = newKey();
    const before = await db.requirement.count({ where: { projectId: cast.project.id } });
    const input = { json: { projectKey: cast.key, title: "Over HTTP", statement: "Works." } };
    const first = await post(cast.maintainer.id, "requirement.create", input, { [IDEMPOTENCY_KEY_HEADER]: key });
    const again = await post(cast.maintainer.id, "requirement.create", input, { [IDEMPOTENCY_KEY_HEADER]: key });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const [firstText, againText] = [await first.text(), await again.text()];
    expect(againText).toBe(firstText);
    const data = JSON.parse(firstText) as { result: { data: { json: { key: string; version: number } } } };
    expect(data.result.data.json).toMatchObject({ key: expect.stringMatching(/-\d+$/), version: 1 });
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(before + 1);
  });

  it("a malformed key is 400 BAD_REQUEST", async () => {
    const res = await post(
      cast.maintainer.id,
      "requirement.create",
      { json: { projectKey: cast.key, title: "X" } },
      { [IDEMPOTENCY_KEY_HEADER]: "k".repeat(201) },
    );
    expect(res.status).toBe(400);
  });

  it("refuses one key on a batch of several calls (BAD_REQUEST for each), and creates nothing", async () => {
    const before = await db.requirement.count({ where: { projectId: cast.project.id } });
    const body = {
      0: { json: { projectKey: cast.key, title: "A" } },
      1: { json: { projectKey: cast.key, title: "B" } },
    };
    const res = await post(cast.maintainer.id, "requirement.create,requirement.create?batch=1", body, {
      [IDEMPOTENCY_KEY_HEADER]: newKey(),
    });
    const answers = (await res.json()) as { error?: { json: { data: { code: string }; message: string } } }[];
    expect(answers).toHaveLength(2);
    for (const a of answers) {
      expect(a.error?.json.data.code).toBe("BAD_REQUEST");
      expect(a.error?.json.message).toContain("names one call");
    }
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(before);
  });

  it("takes a key on a batch of one call", async () => {
    const key = newKey();
    const body = { 0: { json: { projectKey: cast.key, title: "Alone" } } };
    const first = await post(cast.maintainer.id, "requirement.create?batch=1", body, { [IDEMPOTENCY_KEY_HEADER]: key });
    const again = await post(cast.maintainer.id, "requirement.create?batch=1", body, { [IDEMPOTENCY_KEY_HEADER]: key });
    expect(await again.text()).toBe(await first.text());
    expect(first.status).toBe(200);
  });
});

/* ------------------------------------------------------- browser client */

describe("the browser client's links", () => {
  /** The real handler behind `fetch`, as the maintainer; `intercept` may replace or spoil an attempt. */
  function clientWith(
    intercept: (attempt: number, req: Request, handle: () => Promise<Response>) => Promise<Response>,
  ) {
    const seen: Request[] = [];
    const fetchThroughHandler = async (url: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set("cookie", await sessionCookieFor(cast.maintainer.id));
      const req = new Request(url, { ...init, headers });
      seen.push(req.clone());
      const handle = () => (req.method === "GET" ? trpcRoute.GET(req) : trpcRoute.POST(req));
      return intercept(seen.length, req, handle);
    };
    const client = createTRPCClient<typeof appRouter>({
      links: apiLinks({ url: "http://localhost/api/trpc", fetch: fetchThroughHandler as typeof fetch }),
    });
    return { client, seen };
  }

  it("retries a create whose answer was lost after it committed, with the same key, and gets the one create back", async () => {
    const before = await db.requirement.count({ where: { projectId: cast.project.id } });
    const { client, seen } = clientWith(async (attempt, _req, handle) => {
      const res = await handle();
      if (attempt === 1) throw new TypeError("fetch failed: the connection was reset");
      return res;
    });
    const created = await client.requirement.create.mutate({ projectKey: cast.key, title: "Lost answer" });
    expect(created).toMatchObject({ title: "Lost answer", version: 1 });
    expect(seen).toHaveLength(2);
    const keys = seen.map((r) => r.headers.get(IDEMPOTENCY_KEY_HEADER));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(seen[0]?.url).not.toContain("batch=1");
    expect(await db.requirement.count({ where: { projectId: cast.project.id } })).toBe(before + 1);
  });

  it("retries a 503 and gives up after a bounded number of attempts", async () => {
    const unavailable = () =>
      Response.json(
        { error: { json: { message: "busy", code: -32603, data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 } } } },
        { status: 503 },
      );
    const once = clientWith(async (attempt, _req, handle) => (attempt === 1 ? unavailable() : handle()));
    await expect(
      once.client.issue.create.mutate({ projectKey: cast.key, title: "After a 503" }),
    ).resolves.toMatchObject({
      title: "After a 503",
    });
    expect(once.seen).toHaveLength(2);

    const always = clientWith(async () => unavailable());
    await expect(always.client.issue.create.mutate({ projectKey: cast.key, title: "Never" })).rejects.toBeInstanceOf(
      TRPCClientError,
    );
    expect(always.seen).toHaveLength(MUTATION_ATTEMPTS);
  });

  it("does not retry an answered error, nor a mutation without a key; queries stay batched and keyless", async () => {
    const refused = clientWith((_attempt, _req, handle) => handle());
    await expect(refused.client.requirement.create.mutate({ projectKey: cast.key, title: "" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
    expect(refused.seen).toHaveLength(1);

    const r = await callerFor(cast.maintainer.id).requirement.create({ projectKey: cast.key, title: "Plain" });
    const lost = clientWith(async (_attempt, _req, handle) => {
      await handle();
      throw new TypeError("fetch failed");
    });
    await expect(
      lost.client.requirement.update.mutate({ key: r.key, expectedVersion: 1, title: "Once" }),
    ).rejects.toThrow("fetch failed");
    expect(lost.seen).toHaveLength(1);
    expect(lost.seen[0]?.headers.get(IDEMPOTENCY_KEY_HEADER)).toBeNull();

    const reads = clientWith((_attempt, _req, handle) => handle());
    await Promise.all([
      reads.client.requirement.byKey.query({ key: r.key }),
      reads.client.issue.byKey.query({ key: issueKey }),
    ]);
    expect(reads.seen).toHaveLength(1);
    expect(reads.seen[0]?.url).toContain("batch=1");
    expect(reads.seen[0]?.headers.get(IDEMPOTENCY_KEY_HEADER)).toBeNull();
  });
});

/* ------------------------------------------------------------- uploads */

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
  0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d,
  0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
]);

describe("attachment upload with an Idempotency-Key", () => {
  async function upload(key: string | null, bytes: Uint8Array = PNG, name = "pixel.png") {
    const form = new FormData();
    form.set("file", new File([Buffer.from(bytes)], name, { type: "image/png" }));
    const headers: Record<string, string> = { cookie: await sessionCookieFor(cast.maintainer.id) };
    if (key !== null) headers[IDEMPOTENCY_KEY_HEADER] = key;
    const req = new Request(`http://localhost/api/issues/${issueKey}/attachments`, {
      method: "POST",
      body: form,
      headers,
    });
    return uploadRoute.POST(req, { params: Promise.resolve({ key: issueKey }) });
  }
  const attachments = () => db.attachment.count({ where: { issue: { key: issueKey } } });
  const storedFiles = () => {
    const dir = path.join(
      process.env.DATA_DIR as string,
      "uploads",
      cast.project.id.toLowerCase().replace(/[^a-z0-9]/g, ""),
    );
    try {
      return readdirSync(dir).length;
    } catch {
      return 0;
    }
  };

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("a retry answers with the first attachment and stores the file once, without writing it again", async () => {
    const put = vi.spyOn(attachmentStorage(), "put");
    const key = newKey();
    const first = await upload(key);
    expect(first.status).toBe(201);
    const again = await upload(key);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(await first.text());
    expect(put).toHaveBeenCalledTimes(1);
    expect(await attachments()).toBe(1);
    expect(storedFiles()).toBe(1);
  });

  it("the same key with another file, or on another route, is 409 CONFLICT", async () => {
    const key = newKey();
    expect((await upload(key)).status).toBe(201);
    const otherBytes = Uint8Array.from([...PNG.slice(0, -1), 0x83]);
    expect((await upload(key, otherBytes)).status).toBe(409);
    expect((await upload(key, PNG, "renamed.png")).status).toBe(409);
    await expectTRPCError(as(cast.maintainer.id, key).issue.create({ projectKey: cast.key, title: "X" }), "CONFLICT");
    expect(await attachments()).toBe(1);
    expect(storedFiles()).toBe(1);
  });

  it("concurrent uploads with one key record one attachment and keep one file", async () => {
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 3 }, () => upload(key)));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ id: string }>));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(await attachments()).toBe(1);
    expect(storedFiles()).toBe(1);
  });

  it("without a key each upload is its own; a malformed key is 400", async () => {
    expect((await upload(null)).status).toBe(201);
    expect((await upload(null)).status).toBe(201);
    expect((await upload("bad\u0001key")).status).toBe(400);
    expect(await attachments()).toBe(2);
  });
});

/* ----------------------------------------------------------- pruning */

describe("pruning expired keys", () => {
  async function keysAged(hours: number, count: number) {
    const keys = Array.from({ length: count }, () => newKey());
    for (const key of keys) {
      await as(cast.maintainer.id, key).requirement.create({ projectKey: cast.key, title: `Aged ${key}` });
    }
    await db.$executeRaw`
      UPDATE "IdempotencyKey" SET "createdAt" = "createdAt" - make_interval(hours => ${hours}::int)
      WHERE "key" = ANY(${keys}::text[])`;
    return keys;
  }
  const remaining = (keys: string[]) => db.idempotencyKey.count({ where: { key: { in: keys } } });

  it("deletes keys older than 24 hours in bounded batches and keeps fresh ones", async () => {
    await db.idempotencyKey.deleteMany({});
    const old = await keysAged(25, 5);
    const fresh = await keysAged(23, 2);
    expect(await pruneExpiredIdempotencyKeys({ batchSize: 2, maxBatches: 2 })).toEqual({ deleted: 4 });
    expect(await remaining(old)).toBe(1);
    expect(await pruneExpiredIdempotencyKeys({ batchSize: 2 })).toEqual({ deleted: 1 });
    expect(await remaining(old)).toBe(0);
    expect(await remaining(fresh)).toBe(2);
  });

  it("the scheduled housekeeping prunes: the Inngest cron run and the embedded dispatcher", async () => {
    const cronOld = await keysAged(25, 2);
    const engine = new InngestTestEngine({ function: aggregateDailyStatsFunction });
    const requested = await engine.execute({
      events: [{ name: "specline/stats.aggregate.requested", data: { projectId: cast.project.id } }] as never,
    });
    expect(requested.ctx.step.run).not.toHaveBeenCalledWith("retention", expect.any(Function));
    expect(await remaining(cronOld)).toBe(2);
    const cron = await engine.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "*/30 * * * *" } }] as never,
    });
    expect(cron.error).toBeUndefined();
    expect(cron.ctx.step.run).toHaveBeenCalledWith("retention", expect.any(Function));
    expect(await remaining(cronOld)).toBe(0);

    const embeddedOld = await keysAged(25, 2);
    startDispatcher({ mode: "embedded", pollMs: 60_000, handle: async () => undefined });
    try {
      await vi.waitFor(async () => expect(await remaining(embeddedOld)).toBe(0), { timeout: 20_000, interval: 100 });
    } finally {
      await stopDispatcher();
    }
  });
});
