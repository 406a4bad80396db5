/**
 * The HTTP surface of the production build: health and readiness, security
 * headers, how the tRPC endpoint refuses bad requests (never a 500), body
 * limits on chunked uploads, and which client address the throttling sees.
 */
import http from "node:http";

import { type APIRequestContext, expect, test } from "@playwright/test";

const strongPassword = "violet-otter-harbor-42";
const port = Number(process.env.E2E_PORT ?? 3100);
const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

async function trpcPost(request: APIRequestContext, path: string, json: unknown, headers: Record<string, string> = {}) {
  return request.post(`/api/trpc/${path}`, {
    data: JSON.stringify({ json }),
    headers: { "content-type": "application/json", ...headers },
  });
}

async function signIn(request: APIRequestContext, email: string, password: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  return request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    maxRedirects: 0,
  });
}

test("health and readiness answer JSON", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok" });
  const ready = await request.get("/api/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", database: "up", pendingMigrations: [] });
});

test("the favicon, home-screen icons, web manifest and robots.txt are served", async ({ request }) => {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  // An ICO directory: reserved 0, type 1.
  expect([...(await favicon.body()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  const manifest = await request.get("/manifest.webmanifest");
  expect(manifest.status()).toBe(200);
  const body = (await manifest.json()) as { name: string; icons: { src: string; purpose?: string }[] };
  expect(body.name).toBe("Specline");
  expect(body.icons.some((i) => i.purpose === "maskable")).toBe(true);
  for (const icon of body.icons) {
    const res = await request.get(icon.src);
    expect(res.status(), icon.src).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");
  }
  const robots = await request.get("/robots.txt");
  expect(await robots.text()).toContain("Disallow: /");
  const html = await (await request.get("/sign-in")).text();
  expect(html).toContain('rel="manifest" href="/manifest.webmanifest"');
  expect(html).toContain('rel="apple-touch-icon" href="/apple-touch-icon.png"');
});

test("pages carry the security headers", async ({ request }) => {
  const res = await request.get("/sign-in");
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"]).toContain("object-src 'none'");
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
  expect(h["cross-origin-opener-policy"]).toBe("same-origin");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["strict-transport-security"]).toContain("max-age=");
  expect(h["x-powered-by"]).toBeUndefined();
});

test("the tRPC endpoint refuses bad requests with typed errors", async ({ request }) => {
  const anonymous = await request.get("/api/trpc/user.me");
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.json.data.code).toBe("UNAUTHORIZED");

  const form = await request.post("/api/trpc/project.create", {
    form: { key: "EVIL", name: "Evil" },
  });
  expect(form.status()).toBe(415);

  const malformed = await request.post("/api/trpc/auth.register", {
    data: "{not json",
    headers: { "content-type": "application/json" },
  });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.json.data.code).toBe("BAD_REQUEST");

  const crossSite = await trpcPost(
    request,
    "auth.register",
    { email: `x-${uniq()}@example.test` },
    { origin: "https://evil.example" },
  );
  expect(crossSite.status()).toBe(403);

  const invalid = await trpcPost(request, "auth.register", { email: "nope", name: "", password: "short" });
  expect(invalid.status()).toBe(400);
  const body = await invalid.json();
  expect(body.error.json.data.zodError.fieldErrors).toHaveProperty("email");
  expect(body.error.json.data.zodError.fieldErrors).toHaveProperty("password");

  const unknown = await request.get("/api/trpc/project.nothing");
  expect(unknown.status()).toBe(404);
});

test("sign-in issues an HttpOnly SameSite session cookie, and a project round-trips over HTTP", async ({ request }) => {
  const email = `http-${uniq()}@example.test`;
  const registered = await trpcPost(request, "auth.register", { email, name: "Http User", password: strongPassword });
  expect(registered.status()).toBe(200);
  const res = await signIn(request, email, strongPassword);
  expect(res.status()).toBeLessThan(400);
  const setCookie = res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value);
  const session = setCookie.find((c) => c.includes("session-token="));
  expect(session).toBeDefined();
  expect(session).toMatch(/HttpOnly/i);
  expect(session).toMatch(/SameSite=Lax/i);

  const me = await request.get("/api/trpc/user.me");
  expect(me.status()).toBe(200);
  expect((await me.json()).result.data.json).toMatchObject({ email });

  const key = `H${uniq()
    .replace(/[^a-z]/g, "")
    .toUpperCase()
    .slice(0, 8)
    .padEnd(5, "Q")}`;
  const created = await trpcPost(request, "project.create", { key, name: "Over HTTP" });
  expect(created.status()).toBe(200);
  const duplicate = await trpcPost(request, "project.create", { key, name: "Again" });
  expect(duplicate.status()).toBe(409);
  const stale = await trpcPost(request, "project.update", { projectKey: key, expectedVersion: 7, name: "Stale" });
  expect(stale.status()).toBe(409);
  expect((await stale.json()).error.json.data.details).toMatchObject({ currentVersion: 1 });
});

test("repeated sign-ins on one account are slowed down, right or wrong, and the owner still gets in", async ({
  request,
}) => {
  const email = `throttle-${uniq()}@example.test`;
  await trpcPost(request, "auth.register", { email, name: "Throttled", password: strongPassword });
  const attempt = async (password: string) => {
    const started = Date.now();
    const res = await signIn(request, email, password);
    const url = ((await res.json()) as { url?: string }).url ?? "";
    return { error: new URL(url, "http://x").searchParams.get("error") ?? "none", ms: Date.now() - started };
  };
  // The server under test runs with LOGIN_MAX_ATTEMPTS=5, LOGIN_DELAY_BASE_MS=200, LOGIN_DELAY_MAX_MS=1000.
  for (let i = 0; i < 5; i++) expect((await attempt("wrong-password-xyz")).error).toBe("CredentialsSignin");
  const sixth = await attempt("wrong-password-xyz");
  expect(sixth.error).toBe("CredentialsSignin");
  expect(sixth.ms).toBeGreaterThanOrEqual(200);
  // The right password waits as long as a wrong one would (400 ms for the seventh), then signs in.
  const right = await attempt(strongPassword);
  expect(right.error).toBe("none");
  expect(right.ms).toBeGreaterThanOrEqual(400);
});

test("attachments: upload checks size and type by content, download is private and never inline", async ({
  playwright,
  baseURL,
}) => {
  const newUser = async () => {
    const ctx = await playwright.request.newContext({ baseURL });
    const email = `att-${uniq()}@example.test`;
    expect((await trpcPost(ctx, "auth.register", { email, name: "Attacher", password: strongPassword })).status()).toBe(
      200,
    );
    await signIn(ctx, email, strongPassword);
    return { ctx, email };
  };
  const owner = await newUser();
  const key = `A${uniq()
    .replace(/[^a-z]/g, "")
    .toUpperCase()
    .slice(0, 8)
    .padEnd(5, "Z")}`;
  expect((await trpcPost(owner.ctx, "project.create", { key, name: "Attachments" })).status()).toBe(200);
  const created = await trpcPost(owner.ctx, "issue.create", { projectKey: key, title: "Broken layout" });
  const issueKey = (await created.json()).result.data.json.key as string;

  const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
  const upload = (name: string, buffer: Buffer, ctx = owner.ctx) =>
    ctx.post(`/api/issues/${issueKey}/attachments`, { multipart: { file: { name, mimeType: "image/png", buffer } } });

  const ok = await upload("screen shot.png", png);
  expect(ok.status()).toBe(201);
  const attachment = await ok.json();
  expect(attachment).toMatchObject({ filename: "screen shot.png", contentType: "image/png" });

  const download = await owner.ctx.get(`/api/attachments/${attachment.id}`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(download.headers()["x-content-type-options"]).toBe("nosniff");
  // The download's own sandboxing policy, not the one for other API responses.
  expect(download.headers()["content-security-policy"]).toBe("default-src 'none'; sandbox");
  expect(Buffer.compare(await download.body(), png)).toBe(0);

  const exe = Buffer.concat([Buffer.from("4d5a9000", "hex"), Buffer.alloc(60)]);
  expect((await upload("innocent.png", exe)).status()).toBe(415);
  expect((await upload("huge.txt", Buffer.alloc(10 * 1024 * 1024 + 1, 65))).status()).toBe(413);
  const notMultipart = await owner.ctx.post(`/api/issues/${issueKey}/attachments`, { data: { file: "x" } });
  expect(notMultipart.status()).toBe(415);

  const stranger = await newUser();
  expect((await stranger.ctx.get(`/api/attachments/${attachment.id}`)).status()).toBe(404);
  expect((await upload("x.png", png, stranger.ctx)).status()).toBe(404);
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get(`/api/attachments/${attachment.id}`)).status()).toBe(401);
});

test("a client that gives up on an expensive read leaves no database backend busy", async ({ playwright, baseURL }) => {
  const databaseUrl = process.env.E2E_DATABASE_URL;
  test.skip(!databaseUrl, "PostgreSQL only: the embedded database runs one statement at a time and cannot cancel");
  const { default: pg } = await import("pg");
  const ctx = await playwright.request.newContext({ baseURL });
  const email = `abort-${uniq()}@example.test`;
  expect((await trpcPost(ctx, "auth.register", { email, name: "Abort", password: strongPassword })).status()).toBe(200);
  await signIn(ctx, email, strongPassword);
  const key = `B${uniq()
    .replace(/[^a-z]/g, "")
    .toUpperCase()
    .slice(0, 8)
    .padEnd(5, "X")}`;
  expect((await trpcPost(ctx, "project.create", { key, name: "Abort" })).status()).toBe(200);
  const created = await trpcPost(ctx, "requirement.create", { projectKey: key, title: "Root", statement: "Root." });
  const requirementKey = (await created.json()).result.data.json.key as string;

  // A lock on the link table makes impact's walk wait on the server, as a slow statement would.
  const locker = new pg.Client({ connectionString: databaseUrl });
  const observer = new pg.Client({ connectionString: databaseUrl });
  await Promise.all([locker.connect(), observer.connect()]);
  const waiting = async () =>
    (
      await observer.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      )
    ).rows[0]?.n ?? 0;
  try {
    await locker.query('BEGIN; LOCK TABLE "TraceLink" IN ACCESS EXCLUSIVE MODE');
    const input = encodeURIComponent(JSON.stringify({ json: { key: requirementKey } }));
    // The client gives up after a second and closes its connection.
    const gaveUp = ctx.get(`/api/trpc/traceLink.impact?input=${input}`, { timeout: 1_000 }).then(
      () => "answered",
      () => "gave up",
    );
    await expect.poll(waiting, { timeout: 5_000 }).toBe(1);
    expect(await gaveUp).toBe("gave up");
    // The server cancels the statement when the request goes away, long before its time budget.
    await expect.poll(waiting, { timeout: 2_000 }).toBe(0);
  } finally {
    await locker.query("ROLLBACK").catch(() => undefined);
    await Promise.all([locker.end(), observer.end()]);
    await ctx.dispose();
  }
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request over its own connection, optionally from a given loopback address (127.0.0.0/8 is all loopback). */
function send(opts: {
  method?: string;
  path: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string;
  localAddress?: string;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: opts.method ?? "GET",
        path: opts.path,
        headers: opts.headers,
        localAddress: opts.localAddress,
        agent: false,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/**
 * A chunked POST (no Content-Length) that keeps sending `first` and then
 * filler up to `total` bytes until the server answers; returns the answer and
 * how much had been sent by then.
 */
function chunkedPost(path: string, headers: http.OutgoingHttpHeaders, first: Buffer, total: number) {
  return new Promise<RawResponse & { sent: number }>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path, headers: { ...headers, "transfer-encoding": "chunked" } },
      (res) => {
        answered = true;
        let text = "";
        res.on("data", (d) => {
          text += String(d);
        });
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, sent });
          req.destroy();
        });
      },
    );
    // The server may close the connection once it has answered; that is the point.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const filler = Buffer.alloc(64 * 1024, 0x61);
    const write = () => {
      while (!answered && sent < total) {
        const chunk = sent === 0 ? first : filler;
        sent += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once("drain", write);
          return;
        }
      }
      if (!answered) req.end();
    };
    write();
  });
}

test("oversized bodies are refused with 413 without the server reading them, chunked or not", async ({
  request,
  playwright,
  baseURL,
}) => {
  const FORTY_MB = 40 * 1024 * 1024;
  // Declared: refused from the header (the server runs with the default 1 MB limit).
  const declared = await trpcPost(request, "auth.register", {
    email: `big-${uniq()}@example.test`,
    name: "x".repeat(2 * 1024 * 1024),
    password: strongPassword,
  });
  expect(declared.status()).toBe(413);
  expect((await declared.json()).error.json.data.code).toBe("PAYLOAD_TOO_LARGE");

  // Chunked: 40 MB offered, answered long before it is all sent.
  const trpc = await chunkedPost(
    "/api/trpc/auth.register",
    { "content-type": "application/json" },
    Buffer.from(`{"json":{"email":"chunked-${uniq()}@example.test","name":"`),
    FORTY_MB,
  );
  expect(trpc.status).toBe(413);
  expect(JSON.parse(trpc.text).error.json.data.code).toBe("PAYLOAD_TOO_LARGE");
  expect(trpc.sent).toBeLessThan(FORTY_MB);

  // An upload: signed in, a 40 MB chunked multipart file.
  const ctx = await playwright.request.newContext({ baseURL });
  const email = `bigfile-${uniq()}@example.test`;
  expect((await trpcPost(ctx, "auth.register", { email, name: "Big File", password: strongPassword })).status()).toBe(
    200,
  );
  await signIn(ctx, email, strongPassword);
  const key = `C${uniq()
    .replace(/[^a-z]/g, "")
    .toUpperCase()
    .slice(0, 8)
    .padEnd(5, "Y")}`;
  expect((await trpcPost(ctx, "project.create", { key, name: "Big files" })).status()).toBe(200);
  const created = await trpcPost(ctx, "issue.create", { projectKey: key, title: "Huge log" });
  const issueKey = (await created.json()).result.data.json.key as string;
  const cookie = (await ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const boundary = "----speclineE2eBoundary";
  const upload = await chunkedPost(
    `/api/issues/${issueKey}/attachments`,
    { "content-type": `multipart/form-data; boundary=${boundary}`, cookie },
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.log"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
    FORTY_MB,
  );
  expect(upload.status).toBe(413);
  expect(JSON.parse(upload.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  expect(upload.sent).toBeLessThan(FORTY_MB);
  const listed = await ctx.get(
    `/api/trpc/issue.attachments.list?input=${encodeURIComponent(JSON.stringify({ json: { key: issueKey } }))}`,
  );
  expect((await listed.json()).result.data.json.items).toEqual([]);
  await ctx.dispose();
});

test("sign-in throttling counts per connection address, whatever X-Forwarded-For claims", async () => {
  test.setTimeout(180_000);
  // A loopback address of its own, so no other test shares its per-address window.
  const octet = () => 2 + Math.floor(Math.random() * 250);
  const address = `127.${octet()}.${octet()}.${octet()}`;
  const csrf = await send({ path: "/api/auth/csrf", localAddress: address });
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");

  const attempt = async (from: string, forged: string) => {
    const res = await send({
      method: "POST",
      path: "/api/auth/callback/credentials",
      localAddress: from,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        "x-forwarded-for": forged,
        "x-real-ip": forged,
      },
      // A different unknown account each time, so only the per-address limit can apply.
      body: new URLSearchParams({
        csrfToken,
        email: `nobody-${uniq()}@example.test`,
        password: "wrong-password-xyz",
        json: "true",
      }).toString(),
    });
    const url = (JSON.parse(res.text) as { url?: string }).url ?? "";
    return new URL(url, "http://x").searchParams.get("error") ?? "none";
  };

  // The server runs with LOGIN_MAX_ATTEMPTS=5: 50 failures per address and window.
  const errors: string[] = [];
  for (let i = 0; i < 50; i++) errors.push(await attempt(address, `198.51.100.${i + 1}, 10.0.0.${i + 1}`));
  expect(errors).toEqual(Array(50).fill("CredentialsSignin"));
  // A fresh forged address does not buy a fresh window …
  expect(await attempt(address, "203.0.113.77")).toBe("TooManyAttempts");
  // … while another connection address still has its own.
  expect(await attempt(`127.${octet()}.${octet()}.1`, "203.0.113.77")).toBe("CredentialsSignin");
});
