/**
 * Attachments in an S3-compatible bucket, against a real S3-protocol server
 * (s3rver) started by this file: the same service and route code paths as
 * the local-disk tests, plus what only a remote store can do (be down,
 * refuse our key, lose an object).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { AwsClient } from "aws4fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { createProjectWithCast as CreateProjectWithCast } from "../helpers/factories";
import { sessionTokenFor } from "../helpers/session";

/** The signed-in user's session cookie, sent with every request below (route handlers read it from the request). */
const session = { token: undefined as string | undefined };
const cookieHeader = (): Record<string, string> =>
  session.token ? { cookie: `next-auth.session-token=${session.token}` } : {};

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<unknown>;
}
interface S3Account {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}
const require = createRequire(import.meta.url);
const S3rver = require("s3rver") as new (options: Record<string, unknown>) => S3rverInstance;
const AWSAccount = require("s3rver/lib/models/account") as new (id: number, name: string) => S3Account;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const BUCKET = "specline-attachments";
const PREFIX = "tenant-a/files";
const ACCESS_KEY = "SPECLINETEST";
const SECRET_KEY = "specline-test-secret";
const port = await freePort();
const endpoint = `http://127.0.0.1:${port}`;
const s3Directory = mkdtempSync(path.join(os.tmpdir(), "specline-s3-"));

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "specline-uploads-"));
process.env.ATTACHMENT_MAX_BYTES = String(64 * 1024);
process.env.S3_BUCKET = BUCKET;
process.env.S3_ENDPOINT = endpoint;
process.env.S3_REGION = "eu-central-1";
process.env.S3_ACCESS_KEY_ID = ACCESS_KEY;
process.env.S3_SECRET_ACCESS_KEY = SECRET_KEY;
process.env.S3_FORCE_PATH_STYLE = "true";
process.env.S3_PREFIX = `/${PREFIX}/`;

// Everything that may read the environment is imported after it is set: getEnv() parses it once.
const { parseEnv } = await import("@/lib/env.mjs");
const { db } = await import("@/server/db");
const { addMembership, callerFor, createProjectWithCast, createUser, projectScopeFor } = await import(
  "../helpers/factories"
);
const { projectScope } = await import("@/server/auth/project-scope");
const { addAttachment, readAttachment } = await import("@/server/services/attachments/attachments");
const { s3Storage } = await import("@/server/services/attachments/s3-storage");
const download = await import("@/app/api/attachments/[id]/route");
const upload = await import("@/app/api/issues/[key]/attachments/route");

const account = new AWSAccount(210987654321, "Specline test");
let server: S3rverInstance | undefined;

async function startS3() {
  server = new S3rver({
    port,
    address: "127.0.0.1",
    silent: true,
    directory: s3Directory,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  await server.run();
}

async function stopS3() {
  await server?.close();
  server = undefined;
}

/** Reads the bucket directly, with its own client: what is really stored there. */
const inspector = new AwsClient({
  accessKeyId: ACCESS_KEY,
  secretAccessKey: SECRET_KEY,
  service: "s3",
  region: "eu-central-1",
  retries: 0,
});

async function objectInBucket(storageKey: string): Promise<Uint8Array | null> {
  const res = await inspector.fetch(`${endpoint}/${BUCKET}/${PREFIX}/${storageKey}`);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function keysInBucket(): Promise<string[]> {
  const res = await inspector.fetch(`${endpoint}/${BUCKET}?prefix=${encodeURIComponent(`${PREFIX}/`)}`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

async function signIn(userId: string | null) {
  session.token = userId ? (await sessionTokenFor(userId)).token : undefined;
}

function uploadRequest(key: string, name: string, bytes: Uint8Array, type = "application/octet-stream") {
  const form = new FormData();
  form.set("file", new File([Buffer.from(bytes)], name, { type }));
  const req = new Request(`http://localhost/api/issues/${key}/attachments`, {
    method: "POST",
    body: form,
    headers: cookieHeader(),
  });
  return upload.POST(req, { params: Promise.resolve({ key }) });
}

function downloadRequest(id: string) {
  return download.GET(new Request(`http://localhost/api/attachments/${id}`, { headers: cookieHeader() }), {
    params: Promise.resolve({ id }),
  });
}

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
  0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
/** Big enough to arrive in several chunks. */
const LOG = new TextEncoder().encode(
  Array.from({ length: 1500 }, (_, i) => `line ${i}: all systems nominal\n`).join(""),
);

let cast: Awaited<ReturnType<typeof CreateProjectWithCast>>;
let issueKey: string;

beforeAll(async () => {
  account.createKeyPair(ACCESS_KEY, SECRET_KEY);
  await startS3();
});

afterAll(async () => {
  await stopS3();
  account.revokeAccessKey(ACCESS_KEY);
  rmSync(s3Directory, { recursive: true, force: true });
  rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
});

beforeEach(async () => {
  await signIn(null);
  cast = await createProjectWithCast();
  issueKey = (await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Logs attached" })).key;
});

/** Stores a file as the reporter (or `userId`) through the service, with the scope the procedures would build. */
const store = async (filename: string, bytes: Uint8Array, userId = cast.reporter.id) =>
  addAttachment({ scope: await projectScopeFor(userId, cast.key), input: { key: issueKey, filename, content: bytes } });

describe("attachments in S3-compatible storage", () => {
  it("uploads through the route into the bucket under a random key, nothing on local disk", async () => {
    await signIn(cast.reporter.id);
    const res = await uploadRequest(issueKey, "../../secret plan.png", PNG, "text/plain");
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { id: string; filename: string; contentType: string; size: number };
    expect(saved).toMatchObject({ filename: "secret plan.png", contentType: "image/png", size: PNG.byteLength });

    const row = await db.attachment.findUniqueOrThrow({ where: { id: saved.id }, select: { storageKey: true } });
    expect(row.storageKey).toMatch(/^[a-z0-9]+\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(row.storageKey).not.toMatch(/secret|plan|png/);
    const stored = await objectInBucket(row.storageKey);
    expect(stored && Buffer.from(stored).equals(Buffer.from(PNG))).toBe(true);
    expect(await keysInBucket()).toContain(`${PREFIX}/${row.storageKey}`);
    await expect(
      import("node:fs/promises").then((fs) => fs.readdir(path.join(process.env.DATA_DIR!, "uploads"))),
    ).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("streams the download with the same headers as local disk", async () => {
    const saved = await store("build output.log", LOG);
    await signIn(cast.maintainer.id);
    const res = await downloadRequest(saved.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("content-length")).toBe(String(LOG.byteLength));
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="build output.log"; filename*=UTF-8''build%20output.log`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");

    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(LOG))).toBe(true);

    const file = await readAttachment({ userId: cast.maintainer.id, id: saved.id, requestId: "test" });
    expect(Buffer.from(file.bytes).equals(Buffer.from(LOG))).toBe(true);
  });

  it("keeps the issue's permissions: other reporters and non-members get 404, anonymous 401", async () => {
    const saved = await store("spec.pdf", PDF);
    const other = await createUser();
    await addMembership(cast.project.id, other.id, "REPORTER");
    for (const userId of [other.id, cast.nonMember.id]) {
      await signIn(userId);
      const res = await downloadRequest(saved.id);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
      await expect(readAttachment({ userId: userId, id: saved.id, requestId: "test" })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
    await signIn(null);
    expect((await downloadRequest(saved.id)).status).toBe(401);
    await signIn(cast.reporter.id);
    expect((await downloadRequest(saved.id)).status).toBe(200);
  });

  it("removes the uploaded object when the database write fails", async () => {
    const before = await keysInBucket();
    // An uploader that does not exist: the object is written, then the row's foreign key fails.
    const ghost = projectScope({
      user: { id: "ghost-user-id" },
      project: cast.project,
      role: "MAINTAINER",
      requestId: "t",
    });
    await expect(
      addAttachment({ scope: ghost, input: { key: issueKey, filename: "shot.png", content: PNG } }),
    ).rejects.toThrow();
    expect(await keysInBucket()).toEqual(before);
    expect(await db.attachment.count({ where: { projectId: cast.project.id } })).toBe(0);
  });

  it("answers 404, not 500, when the object has vanished from the bucket", async () => {
    const saved = await store("shot.png", PNG);
    const row = await db.attachment.findUniqueOrThrow({ where: { id: saved.id }, select: { storageKey: true } });
    expect(
      (await inspector.fetch(`${endpoint}/${BUCKET}/${PREFIX}/${row.storageKey}`, { method: "DELETE" })).status,
    ).toBe(204);
    await signIn(cast.reporter.id);
    const res = await downloadRequest(saved.id);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("refused credentials are a BAD_GATEWAY and write no row", async () => {
    // s3rver checks that the access key exists but does not verify SigV4 signatures,
    // so a wrong key id (here: a revoked one) is what it can refuse; a wrong secret it would accept.
    const saved = await store("shot.png", PNG);
    const before = await db.attachment.count();
    account.revokeAccessKey(ACCESS_KEY);
    try {
      await expect(store("again.png", PNG)).rejects.toMatchObject({ code: "BAD_GATEWAY" });
      await signIn(cast.reporter.id);
      const up = await uploadRequest(issueKey, "again.png", PNG);
      expect(up.status).toBe(502);
      expect(await up.json()).toMatchObject({
        error: { code: "BAD_GATEWAY", message: "File storage refused the request" },
      });
      const down = await downloadRequest(saved.id);
      expect(down.status).toBe(502);
    } finally {
      account.createKeyPair(ACCESS_KEY, SECRET_KEY);
    }
    expect(await db.attachment.count()).toBe(before);
  });

  it("storage down is a SERVICE_UNAVAILABLE and writes no row", async () => {
    const saved = await store("shot.png", PNG);
    const before = await db.attachment.count();
    await stopS3();
    try {
      await expect(store("again.png", PNG)).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      await signIn(cast.reporter.id);
      const up = await uploadRequest(issueKey, "again.png", PNG);
      expect(up.status).toBe(503);
      expect(await up.json()).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
      const down = await downloadRequest(saved.id);
      expect(down.status).toBe(503);
    } finally {
      await startS3();
    }
    expect(await db.attachment.count()).toBe(before);
    await signIn(cast.reporter.id);
    expect((await downloadRequest(saved.id)).status).toBe(200);
  });

  it("a store answering 5xx is retried briefly, then SERVICE_UNAVAILABLE", async () => {
    let requests = 0;
    const failing = createServer((_req, res) => {
      requests += 1;
      res.writeHead(503, { "content-type": "application/xml" });
      res.end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
    });
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    const { port: failingPort } = failing.address() as net.AddressInfo;
    try {
      const storage = s3Storage({
        bucket: BUCKET,
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${failingPort}`,
        accessKeyId: "a",
        secretAccessKey: "b",
        forcePathStyle: true,
      });
      await expect(storage.put("project/0000-0000-0000", PNG)).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(requests).toBe(3);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describe("S3 configuration", () => {
  const creds = { S3_ACCESS_KEY_ID: "a", S3_SECRET_ACCESS_KEY: "b" };

  it("is off by default and takes sensible defaults when on", () => {
    expect(parseEnv({}).S3_BUCKET).toBeUndefined();
    const on = parseEnv({ S3_BUCKET: "files", ...creds });
    expect(on).toMatchObject({ S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false });
    expect(on.S3_PREFIX).toBeUndefined();
    expect(parseEnv({ S3_BUCKET: "files", ...creds, S3_FORCE_PATH_STYLE: "1", S3_PREFIX: "/a/b/" })).toMatchObject({
      S3_FORCE_PATH_STYLE: true,
      S3_PREFIX: "a/b",
    });
  });

  it.each([
    [{ S3_BUCKET: "files" }, /S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/],
    [{ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "a" }, /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/],
    [{ S3_ENDPOINT: "http://minio:9000", ...creds }, /S3_BUCKET is required/],
    [{ S3_BUCKET: "files", ...creds, S3_ENDPOINT: "minio:9000" }, /S3_ENDPOINT/],
    [{ S3_BUCKET: "Files_1", ...creds }, /S3_BUCKET: must be a bucket name/],
    [{ S3_BUCKET: "files", ...creds, S3_PREFIX: "a/../b" }, /S3_PREFIX/],
    [{ S3_BUCKET: "files", ...creds, S3_FORCE_PATH_STYLE: "maybe" }, /S3_FORCE_PATH_STYLE/],
  ])("refuses %o", (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
  });
});
