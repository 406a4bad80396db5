/**
 * Request bodies are read with a ceiling before anything parses them: the
 * tRPC endpoint and next-auth's form endpoints answer 413 PAYLOAD_TOO_LARGE
 * for a body over REQUEST_BODY_MAX_BYTES, whether it declares its length or
 * arrives chunked, and stop reading a chunked body soon after the limit.
 * The route handlers are called directly with streamed Requests.
 */
import { describe, expect, it, vi } from "vitest";

// Route handlers read the session cookie and headers through next/headers, which only works inside Next's request scope.
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, getAll: () => [] }),
  headers: async () => new Headers(),
}));

const LIMIT = 64 * 1024;
process.env.REQUEST_BODY_MAX_BYTES = String(LIMIT);

const trpc = await import("@/app/api/trpc/[trpc]/route");
const nextAuth = await import("@/app/api/auth/[...nextauth]/route");
const { db } = await import("@/server/db");

const CHUNK = 16 * 1024;

/**
 * A body of `total` bytes made lazily, one chunk per pull, that counts what
 * was pulled from it. highWaterMark 0: nothing is made until someone reads.
 */
function lazyBody(total: number, fill = 0x20) {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const size = Math.min(CHUNK, total - counter.pulled);
        if (size <= 0) return controller.close();
        counter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(fill));
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

/** `bytes` as a stream with no length: what a chunked upload looks like to the handler. */
function chunked(bytes: Uint8Array) {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.byteLength; i += CHUNK) controller.enqueue(bytes.slice(i, i + CHUNK));
      controller.close();
    },
  });
}

function trpcPost(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const req = new Request(`http://localhost/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
  return trpc.POST(req);
}

const registerJson = (email: string, padding = "") =>
  new TextEncoder().encode(
    JSON.stringify({ json: { email, name: `Body Limit${padding}`, password: "violet-otter-harbor-42" } }),
  );

async function expectTooLarge(res: Response) {
  expect(res.status).toBe(413);
  const body = (await res.json()) as { error: { json: { data: { code: string; httpStatus: number } } } };
  expect(body.error.json.data).toEqual({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
}

describe("tRPC request bodies", () => {
  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, counter } = lazyBody(40 * 1024 * 1024);
    await expectTooLarge(await trpcPost("auth.register", stream, { "content-length": String(40 * 1024 * 1024) }));
    expect(counter.pulled).toBe(0);
  });

  it("refuses a chunked 40 MB body after reading little more than the limit", async () => {
    const { stream, counter } = lazyBody(40 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    await expectTooLarge(await trpcPost("auth.register", stream));
    expect(counter.pulled).toBeGreaterThan(LIMIT);
    expect(counter.pulled).toBeLessThanOrEqual(LIMIT + CHUNK);
    expect(counter.cancelled).toBe(true);
    // Not a measurement of the limit, a sanity check: nowhere near 40 MB was held.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it("answers a body at the limit, chunked or with its length", async () => {
    const email = `limit-${Date.now()}@example.test`;
    const small = registerJson(email);
    // Padded with spaces (valid JSON whitespace) to exactly the limit.
    const exact = new Uint8Array(LIMIT).fill(0x20);
    exact.set(small);
    const res = await trpcPost("auth.register", chunked(exact));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: { json: { ok: boolean } } } }).result.data.json.ok).toBe(true);
    expect(await db.user.count({ where: { email } })).toBe(1);

    const declared = registerJson(`declared-${Date.now()}@example.test`);
    const ok = await trpcPost("auth.register", declared, { "content-length": String(declared.byteLength) });
    expect(ok.status).toBe(200);
  });

  it("refuses one byte over the limit, chunked", async () => {
    const over = new Uint8Array(LIMIT + 1).fill(0x20);
    over.set(registerJson(`over-${Date.now()}@example.test`));
    await expectTooLarge(await trpcPost("auth.register", chunked(over)));
  });

  it("still refuses non-JSON and cross-origin POSTs before reading the body", async () => {
    const { stream, counter } = lazyBody(LIMIT * 4);
    expect((await trpcPost("auth.register", stream, { "content-type": "text/plain" })).status).toBe(415);
    const cross = lazyBody(LIMIT * 4);
    expect((await trpcPost("auth.register", cross.stream, { origin: "https://evil.example" })).status).toBe(403);
    expect(counter.pulled + cross.counter.pulled).toBe(0);
  });
});

describe("next-auth form bodies", () => {
  const ctx = { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) };
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    nextAuth.POST(
      new Request("http://localhost/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
        duplex: "half",
      } as RequestInit),
      ctx,
    );

  it("refuses an oversized sign-in form, declared or chunked, reading at most the limit", async () => {
    const declared = lazyBody(40 * 1024 * 1024, 0x61);
    const res = await post(declared.stream, { "content-length": String(40 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(declared.counter.pulled).toBe(0);

    const streamed = lazyBody(40 * 1024 * 1024, 0x61);
    expect((await post(streamed.stream)).status).toBe(413);
    expect(streamed.counter.pulled).toBeLessThanOrEqual(LIMIT + CHUNK);
  });
});
