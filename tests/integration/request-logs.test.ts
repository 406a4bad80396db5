/**
 * Structured request logs and request ids, through the real handlers: a tRPC call writes one line per
 * procedure (and a batch one for the HTTP request too) whose requestId is the response's `x-request-id` and the audit
 * row's; a route handler returns and logs its id; an incoming id is kept only behind a trusted proxy and
 * only when well-formed; and no password, token, cookie or TOTP secret reaches the log.
 */
import { afterEach, describe, expect, it } from "vitest";

import * as healthRoute from "@/app/api/health/route";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import { resetEnvCache } from "@/lib/env.mjs";
import { buildAuthOptions } from "@/server/auth/options";
import { db } from "@/server/db";
import { log } from "@/server/observability/log";

import { createUser, uniqueEmail, uniqueProjectKey } from "../helpers/factories";
import { captureLogs } from "../helpers/log-capture";
import { sessionCookieFor } from "../helpers/session";

const logs = captureLogs();
const lines = logs.lines;

afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetEnvCache();
});

function trpcPost(path: string, input: unknown, headers: Record<string, string> = {}) {
  return trpcRoute.POST(
    new Request(`http://localhost/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: input }),
    }),
  );
}

describe("tRPC requests", () => {
  it("log one line per procedure with the response's request id, which the audit row carries too", async () => {
    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    const key = uniqueProjectKey();
    const res = await trpcPost("project.create", { key, name: "Logged" }, { cookie });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const procedure = lines().filter((l) => l.msg === "procedure finished");
    expect(procedure).toHaveLength(1);
    expect(procedure[0]).toMatchObject({
      level: "info",
      requestId,
      userId: user.id,
      procedure: "project.create",
      method: "POST",
      status: 200,
      durationMs: expect.any(Number),
    });
    // One call, one line: the HTTP request that carried it writes none of its own.
    expect(lines().filter((l) => l.msg === "request finished")).toEqual([]);
    expect(lines()).toHaveLength(1);

    const project = await db.project.findUniqueOrThrow({ where: { key }, select: { id: true } });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { projectId: project.id, action: { contains: "create" } },
    });
    expect(audit.requestId).toBe(requestId);
  });

  it("log each procedure of a batch, a refusal as a warning and 401 as info", async () => {
    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    const input = encodeURIComponent(JSON.stringify({ 0: { json: null }, 1: { json: { key: "NOPE-1" } } }));
    const res = await trpcRoute.GET(
      new Request(`http://localhost/api/trpc/user.me,requirement.byKey?batch=1&input=${input}`, {
        headers: { cookie },
      }),
    );
    const requestId = res.headers.get("x-request-id");
    const procedures = lines().filter((l) => l.msg === "procedure finished");
    expect(procedures.map((l) => [l.procedure, l.status, l.requestId])).toEqual([
      ["user.me", 200, requestId],
      ["requirement.byKey", 404, requestId],
    ]);
    expect(procedures[1]).toMatchObject({ level: "info", code: "NOT_FOUND" });
    // A batch is also one HTTP request, with a line of its own.
    expect(lines().filter((l) => l.msg === "request finished")).toEqual([
      expect.objectContaining({ requestId, userId: user.id, route: "trpc", method: "GET", status: res.status }),
    ]);

    logs.reset();
    // Refused before any procedure ran: the request's own line says so.
    const refused = await trpcRoute.POST(
      new Request("http://localhost/api/trpc/project.create", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: "key=FORM&name=x",
      }),
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(lines()).toEqual([
      expect.objectContaining({
        msg: "request finished",
        route: "trpc",
        method: "POST",
        status: refused.status,
        requestId: refused.headers.get("x-request-id"),
      }),
    ]);

    logs.reset();
    await trpcPost("project.create", { key: "1", name: "x" }, { cookie });
    expect(lines().find((l) => l.msg === "procedure finished")).toMatchObject({ level: "warn", status: 400 });

    logs.reset();
    await trpcPost("project.create", { key: uniqueProjectKey(), name: "x" });
    expect(lines().find((l) => l.msg === "procedure finished")).toMatchObject({ level: "info", status: 401 });
  });
});

describe("route handlers", () => {
  it("return their request id and log it", async () => {
    const res = await healthRoute.GET(new Request("http://localhost/api/health"));
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines()).toContainEqual(
      expect.objectContaining({ msg: "request finished", requestId, route: "health", method: "GET", status: 200 }),
    );
  });
});

describe("incoming request ids", () => {
  const health = (id: string) =>
    healthRoute.GET(new Request("http://localhost/api/health", { headers: { "x-request-id": id } }));

  it("are replaced without a trusted proxy", async () => {
    const res = await health("from-the-client");
    expect(res.headers.get("x-request-id")).not.toBe("from-the-client");
    expect(logs.text()).not.toContain("from-the-client");
  });

  it("are kept behind a trusted proxy when well-formed, and replaced when not", async () => {
    process.env.TRUSTED_PROXIES = "1";
    resetEnvCache();
    expect((await health("edge-7f3a:01.2_x")).headers.get("x-request-id")).toBe("edge-7f3a:01.2_x");
    const user = await createUser();
    const res = await trpcPost(
      "project.create",
      { key: uniqueProjectKey(), name: "Traced" },
      {
        cookie: await sessionCookieFor(user.id),
        "x-request-id": "edge-trpc-1",
      },
    );
    expect(res.headers.get("x-request-id")).toBe("edge-trpc-1");
    expect(lines().find((l) => l.msg === "procedure finished")).toMatchObject({ requestId: "edge-trpc-1" });

    for (const bad of ["has space", "a/b", "x".repeat(101), "<script>"]) {
      const replaced = (await health(bad)).headers.get("x-request-id");
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("secrets", () => {
  it("never reach the log: passwords, API tokens, session cookies, TOTP secrets", async () => {
    const password = "quartz-lantern-orbit-58";
    const email = uniqueEmail("logs");
    const registered = await trpcPost("auth.register", { email, name: "Log Reader", password });
    expect(registered.status).toBe(200);
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    await db.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() } });

    const credentials = buildAuthOptions().providers[0] as unknown as {
      options: { authorize: (c: unknown, r: unknown) => Promise<unknown> };
    };
    await expect(credentials.options.authorize({ email, password }, { headers: {} })).resolves.toMatchObject({
      id: user.id,
    });
    await credentials.options.authorize({ email, password: `${password}-wrong` }, { headers: {} });

    const cookie = await sessionCookieFor(user.id);
    const cookieValue = cookie.slice(cookie.indexOf("=") + 1);
    const created = await trpcPost("apiToken.create", { name: "logs", scope: "read" }, { cookie });
    const token = ((await created.json()) as { result: { data: { json: { token: string } } } }).result.data.json.token;
    const started = await trpcPost("user.twoFactor.start", null, { cookie });
    const totpSecret = ((await started.json()) as { result: { data: { json: { secret: string } } } }).result.data.json
      .secret;

    const me = await trpcRoute.GET(
      new Request("http://localhost/api/trpc/user.me", { headers: { authorization: `Bearer ${token}`, cookie } }),
    );
    expect(me.status).toBe(200);
    // Even a careless line that passes them by name is redacted.
    log.info(
      { password, user: { totpSecret }, req: { headers: { cookie, authorization: `Bearer ${token}` } } },
      "oops",
    );

    expect(lines().filter((l) => l.msg === "procedure finished").length).toBeGreaterThanOrEqual(4);
    for (const secret of [password, `${password}-wrong`, token, cookieValue, totpSecret]) {
      expect(logs.text()).not.toContain(secret);
    }
  });
});
