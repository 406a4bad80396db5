/**
 * The upload route streams: the multipart body is parsed as it arrives and
 * the file written to DATA_DIR/uploads as it comes, counted against
 * ATTACHMENT_MAX_BYTES whether or not the client declared a length. Bodies
 * are generated lazily and count what was pulled from them, so "stopped
 * reading" is measured, not inferred. Whatever fails part-way leaves no file
 * behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { sessionTokenFor } from "../helpers/session";

/** The uploader's session cookie, sent with every request (route handlers read it from the request). */
const session = { token: undefined as string | undefined };

const MAX = 256 * 1024;
const CHUNK = 16 * 1024;
const dataDir = mkdtempSync(path.join(os.tmpdir(), "specline-stream-uploads-"));
process.env.DATA_DIR = dataDir;
process.env.ATTACHMENT_MAX_BYTES = String(MAX);

const { db } = await import("@/server/db");
const { callerFor, createProjectWithCast } = await import("../helpers/factories");
const route = await import("@/app/api/issues/[key]/attachments/route");

const uploads = path.join(dataDir, "uploads");

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every file under DATA_DIR/uploads. */
function storedFiles(): string[] {
  try {
    return readdirSync(uploads, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

const BOUNDARY = "----speclineBoundary7MA4YWxk";
const encoder = new TextEncoder();

function partHeader(filename: string, field = "file") {
  return encoder.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
}
const closing = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);

/**
 * A multipart body with one file part of `size` bytes, made chunk by chunk as
 * it is pulled (highWaterMark 0: nothing is made before someone reads).
 * `byteAt(offset, chunk)` may change a chunk before it goes out; `failAfter`
 * makes the stream error there, as a client that goes away does.
 */
function lazyUpload(opts: {
  filename: string;
  size: number;
  fill?: number;
  head?: Uint8Array;
  tamper?: (offset: number, chunk: Uint8Array) => void;
  failAfter?: number;
}) {
  const counter = { pulled: 0, cancelled: false };
  let offset = 0;
  let stage: "header" | "body" | "closing" | "done" = "header";
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stage === "header") {
          const header = partHeader(opts.filename);
          counter.pulled += header.byteLength;
          controller.enqueue(header);
          stage = "body";
          return;
        }
        if (stage === "body") {
          if (opts.failAfter !== undefined && offset >= opts.failAfter) {
            controller.error(new Error("client went away"));
            return;
          }
          const size = Math.min(CHUNK, opts.size - offset);
          if (size > 0) {
            const chunk = new Uint8Array(size).fill(opts.fill ?? 0x61);
            if (offset === 0 && opts.head) chunk.set(opts.head.subarray(0, size));
            opts.tamper?.(offset, chunk);
            offset += size;
            counter.pulled += size;
            controller.enqueue(chunk);
            return;
          }
          stage = "closing";
        }
        if (stage === "closing") {
          counter.pulled += closing.byteLength;
          controller.enqueue(closing);
          stage = "done";
          return;
        }
        controller.close();
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

function post(key: string, body: BodyInit, headers: Record<string, string> = {}) {
  const req = new Request(`http://localhost/api/issues/${key}/attachments`, {
    method: "POST",
    headers: {
      "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      ...(session.token ? { cookie: `next-auth.session-token=${session.token}` } : {}),
      ...headers,
    },
    body,
    duplex: "half",
  } as RequestInit);
  return route.POST(req, { params: Promise.resolve({ key }) });
}

let issueKey: string;
/** Files stored by earlier tests; each test checks it added none it should not have. */
let filesBefore: string[];
const newFiles = () => storedFiles().filter((f) => !filesBefore.includes(f));

beforeEach(async () => {
  filesBefore = storedFiles();
  const cast = await createProjectWithCast();
  issueKey = (await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Logs attached" })).key;
  session.token = (await sessionTokenFor(cast.reporter.id)).token;
});

async function expectStatus(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ error: { code } });
}

describe("streamed uploads", () => {
  it("stores a chunked upload of exactly the limit, byte for byte", async () => {
    const { stream, counter } = lazyUpload({ filename: "build.log", size: MAX, fill: 0x62 });
    const res = await post(issueKey, stream);
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { id: string; size: number; contentType: string };
    expect(saved).toMatchObject({ size: MAX, contentType: "text/plain" });
    expect(counter.cancelled).toBe(false);
    const row = await db.attachment.findUniqueOrThrow({ where: { id: saved.id }, select: { storageKey: true } });
    const stored = readFileSync(path.join(uploads, row.storageKey));
    expect(stored.byteLength).toBe(MAX);
    expect(stored.every((b) => b === 0x62)).toBe(true);
  });

  it("still decides the type from the first bytes", async () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8,
      6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ]);
    const { stream } = lazyUpload({ filename: "shot.txt", size: 100 * 1024, head: png, fill: 0 });
    const res = await post(issueKey, stream);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ filename: "shot.txt", contentType: "image/png" });

    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);
    const refused = lazyUpload({ filename: "photo.png", size: MAX, head: exe, fill: 0 });
    await expectStatus(await post(issueKey, refused.stream), 415, "UNSUPPORTED_MEDIA_TYPE");
    // Refused from its first 64 KB: the rest was never read.
    expect(refused.counter.pulled).toBeLessThan(96 * 1024);
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, counter } = lazyUpload({ filename: "big.log", size: 40 * 1024 * 1024 });
    const res = await post(issueKey, stream, { "content-length": String(40 * 1024 * 1024) });
    await expectStatus(res, 413, "PAYLOAD_TOO_LARGE");
    expect(counter.pulled).toBe(0);
  });

  it("refuses a chunked 40 MB upload after reading little more than the limit, leaving no file", async () => {
    const before = await db.attachment.count();
    const { stream, counter } = lazyUpload({ filename: "big.log", size: 40 * 1024 * 1024 });
    const res = await post(issueKey, stream);
    await expectStatus(res, 413, "PAYLOAD_TOO_LARGE");
    expect(counter.cancelled).toBe(true);
    // The limit, plus at most what the parser and the file stream hold in flight.
    expect(counter.pulled).toBeGreaterThan(MAX);
    expect(counter.pulled).toBeLessThan(MAX + 256 * 1024);
    expect(newFiles()).toEqual([]);
    expect(await db.attachment.count()).toBe(before);
  });

  it("refuses one byte over the limit", async () => {
    const { stream } = lazyUpload({ filename: "big.log", size: MAX + 1 });
    await expectStatus(await post(issueKey, stream), 413, "PAYLOAD_TOO_LARGE");
    expect(newFiles()).toEqual([]);
  });

  it("removes the part already written when the file turns out not to be text", async () => {
    // A NUL byte well past the first 64 KB: most of the file is on disk when it is found.
    const { stream } = lazyUpload({
      filename: "notes.txt",
      size: 200 * 1024,
      tamper: (offset, chunk) => {
        if (offset === 192 * 1024) chunk[10] = 0;
      },
    });
    await expectStatus(await post(issueKey, stream), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(newFiles()).toEqual([]);
  });

  it("removes the part already written when the client goes away", async () => {
    const before = await db.attachment.count();
    const { stream } = lazyUpload({ filename: "notes.txt", size: 200 * 1024, failAfter: 128 * 1024 });
    const res = await post(issueKey, stream);
    expect(res.status).toBe(400);
    expect(newFiles()).toEqual([]);
    expect(await db.attachment.count()).toBe(before);
  });

  it("answers BAD_REQUEST for a form without the file field, or a malformed one", async () => {
    const other = new Uint8Array([...partHeader("x.txt", "other"), ...encoder.encode("hello"), ...closing]);
    await expectStatus(await post(issueKey, other), 400, "BAD_REQUEST");
    const cutOff = new Uint8Array([...partHeader("x.txt"), ...encoder.encode("hello")]);
    await expectStatus(await post(issueKey, cutOff), 400, "BAD_REQUEST");
    await expectStatus(
      await post(issueKey, encoder.encode("not multipart"), { "content-type": "multipart/form-data" }),
      400,
      "BAD_REQUEST",
    );
    expect(newFiles()).toEqual([]);
  });
});
