/**
 * API tokens over the real tRPC endpoint and file routes: another program
 * calls as a user with `Authorization: Bearer spl_…` — with that user's
 * permissions, read-only for a READ token, never for account procedures;
 * tokens expire, are revoked (their live streams end) and die with their
 * user; they have budgets of their own, the audit log names them, and
 * a bearer call needs no same-origin check while a cookie call keeps it.
 */
import { createHash } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import * as uploadRoute from "@/app/api/issues/[key]/attachments/route";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import { resetEnvCache } from "@/lib/env.mjs";
import { resolveApiToken } from "@/server/auth/api-tokens";
import { db } from "@/server/db";
import { type LiveMessage, openLiveStream } from "@/server/live/stream";

import { callerFor, createProjectWithCast, createUser, expectTRPCError } from "../helpers/factories";
import { sessionCookieFor, until } from "../helpers/session";

afterEach(() => {
  delete process.env.RATE_LIMIT_API_PER_MINUTE;
  delete process.env.CORS_ORIGINS;
  process.env.RATE_LIMIT_API_PER_MINUTE ??= "1000000";
  resetEnvCache();
});

async function call(
  auth: { token?: string; cookie?: string; origin?: string },
  procedure: string,
  input?: unknown,
  method: "GET" | "POST" = "GET",
) {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const url = new URL(`http://localhost/api/trpc/${procedure}`);
  let res: Response;
  if (method === "GET") {
    if (input !== undefined) url.searchParams.set("input", JSON.stringify({ json: input }));
    res = await trpcRoute.GET(new Request(url, { headers }));
  } else {
    res = await trpcRoute.POST(
      new Request(url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(input === undefined ? {} : { json: input }),
      }),
    );
  }
  const body = (await res.json()) as {
    result?: { data: { json: unknown } };
    error?: { json: { data: { code: string; details?: Record<string, unknown> | null } } };
  };
  return { status: res.status, body, headers: res.headers };
}

async function tokenFor(userId: string, scope: "read" | "write", expiresInDays?: number) {
  const cookie = await sessionCookieFor(userId);
  const made = await call({ cookie }, "apiToken.create", { name: `Build ${scope}`, scope, expiresInDays }, "POST");
  expect(made.status).toBe(200);
  return made.body.result?.data.json as { id: string; token: string; prefix: string; scope: string };
}

describe("API tokens", () => {
  it("are shown once, kept as a hash with a visible prefix, and listed without the token", async () => {
    const user = await createUser();
    const made = await tokenFor(user.id, "write");
    expect(made.token).toMatch(/^spl_[A-Za-z0-9_-]{32}$/);
    expect(made.token.startsWith(made.prefix)).toBe(true);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(made.token).digest("hex"));
    const listed = await call({ cookie: await sessionCookieFor(user.id) }, "apiToken.list");
    expect(JSON.stringify(listed.body)).not.toContain(made.token);
    expect(JSON.stringify(listed.body)).toContain(made.prefix);
  });

  it("call as their user: a WRITE token reads and writes, a READ token only reads", async () => {
    const cast = await createProjectWithCast();
    const write = await tokenFor(cast.maintainer.id, "write");
    const read = await tokenFor(cast.maintainer.id, "read");
    expect((await call({ token: read.token }, "user.me")).body.result?.data.json).toMatchObject({
      id: cast.maintainer.id,
    });
    const created = await call(
      { token: write.token },
      "issue.create",
      { projectKey: cast.key, title: "From CI" },
      "POST",
    );
    expect(created.status).toBe(200);
    expect((await call({ token: read.token }, "issue.list", { projectKey: cast.key })).status).toBe(200);
    const refused = await call({ token: read.token }, "issue.create", { projectKey: cast.key, title: "No" }, "POST");
    expect(refused.status).toBe(403);
    expect(refused.body.error?.json.data.details).toEqual({ reason: "read_only_token" });
    // The same permissions as the user: not a member, not found.
    const outsider = await tokenFor(cast.nonMember.id, "write");
    expect((await call({ token: outsider.token }, "issue.list", { projectKey: cast.key })).status).toBe(404);
    // The audit log names the token.
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "issue.created", actorId: cast.maintainer.id },
    });
    expect(audit.apiTokenId).toBe(write.id);
  });

  it("cannot manage accounts: tokens, password, sessions and two-factor want a browser session", async () => {
    const user = await createUser();
    const write = await tokenFor(user.id, "write");
    for (const [procedure, input, method] of [
      ["apiToken.list", undefined, "GET"],
      ["apiToken.create", { name: "Sneaky", scope: "write" }, "POST"],
      ["user.sessions.list", undefined, "GET"],
      ["user.changePassword", { currentPassword: "x".repeat(12), newPassword: "another-long-pass-1" }, "POST"],
      ["user.twoFactor.start", undefined, "POST"],
    ] as const) {
      const res = await call({ token: write.token }, procedure, input, method);
      expect(res.status, procedure).toBe(403);
      expect(res.body.error?.json.data.details, procedure).toEqual({ reason: "session_only" });
    }
  });

  it("stop working when revoked, expired, or their user is deactivated", async () => {
    const user = await createUser();
    const admin = await createUser({ role: "ADMIN" });
    const [a, b, c] = [
      await tokenFor(user.id, "read"),
      await tokenFor(user.id, "read"),
      await tokenFor(user.id, "read", 1),
    ];
    const cookie = await sessionCookieFor(user.id);
    expect((await call({ cookie }, "apiToken.revoke", { id: a.id }, "POST")).status).toBe(200);
    expect((await call({ token: a.token }, "user.me")).status).toBe(401);
    await db.apiToken.update({ where: { id: c.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call({ token: c.token }, "user.me")).status).toBe(401);
    expect((await call({ token: b.token }, "user.me")).status).toBe(200);
    await callerFor(admin.id).user.setActive({ userId: user.id, active: false });
    expect((await call({ token: b.token }, "user.me")).status).toBe(401);
    // Another user's token cannot be revoked by id.
    const other = await createUser();
    const theirs = await tokenFor(other.id, "read");
    expect(
      (await call({ cookie: await sessionCookieFor(admin.id) }, "apiToken.revoke", { id: theirs.id }, "POST")).status,
    ).toBe(404);
  });

  it("a bearer call needs no same origin, a cookie call from another origin is refused; CORS_ORIGINS answers preflights", async () => {
    const user = await createUser();
    const write = await tokenFor(user.id, "write");
    const key = `T${Date.now()
      .toString(36)
      .toUpperCase()
      .replace(/[^A-Z]/g, "")
      .slice(0, 6)
      .padEnd(4, "Q")}`;
    const bearer = await call(
      { token: write.token, origin: "https://tools.example" },
      "project.create",
      { key, name: "By token" },
      "POST",
    );
    expect(bearer.status).toBe(200);
    const cookie = await sessionCookieFor(user.id);
    const withCookie = await call(
      { cookie, origin: "https://tools.example" },
      "project.create",
      { key: "NOPE", name: "x" },
      "POST",
    );
    expect(withCookie.status).toBe(403);
    // A token with a cookie beside it is still a cookie request: refused from another origin.
    const both = await call(
      { token: write.token, cookie, origin: "https://tools.example" },
      "project.create",
      { key: "NOPE", name: "x" },
      "POST",
    );
    expect(both.status).toBe(403);

    process.env.CORS_ORIGINS = "https://tools.example";
    resetEnvCache();
    const allowed = await trpcRoute.OPTIONS(
      new Request("http://localhost/api/trpc/project.list", {
        method: "OPTIONS",
        headers: { origin: "https://tools.example" },
      }),
    );
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://tools.example");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    const other = await trpcRoute.OPTIONS(
      new Request("http://localhost/api/trpc/project.list", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example" },
      }),
    );
    expect(other.status).toBe(403);
    const answered = await call({ token: write.token, origin: "https://tools.example" }, "user.me");
    expect(answered.headers.get("access-control-allow-origin")).toBe("https://tools.example");
  });

  it("have budgets of their own", async () => {
    process.env.RATE_LIMIT_API_PER_MINUTE = "3";
    resetEnvCache();
    const user = await createUser();
    const [one, two] = [await tokenFor(user.id, "read"), await tokenFor(user.id, "read")];
    for (let i = 0; i < 3; i++) expect((await call({ token: one.token }, "user.me")).status).toBe(200);
    expect((await call({ token: one.token }, "user.me")).status).toBe(429);
    expect((await call({ token: two.token }, "user.me")).status).toBe(200);
  });

  it("upload files with a WRITE token, not with a READ one", async () => {
    const cast = await createProjectWithCast();
    const issue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Screenshot" });
    const upload = (token: string) => {
      const form = new FormData();
      form.set("file", new File([new TextEncoder().encode("plain text")], "notes.txt", { type: "text/plain" }));
      return uploadRoute.POST(
        new Request(`http://localhost/api/issues/${issue.key}/attachments`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
          body: form,
        }),
        { params: Promise.resolve({ key: issue.key }) },
      );
    };
    expect((await upload((await tokenFor(cast.reporter.id, "read")).token)).status).toBe(403);
    expect((await upload((await tokenFor(cast.reporter.id, "write")).token)).status).toBe(201);
  });

  it("revoking a token ends the live streams opened with it", async () => {
    const cast = await createProjectWithCast();
    const made = await tokenFor(cast.maintainer.id, "read");
    const resolved = await resolveApiToken(made.token);
    const stream = await openLiveStream({
      userId: cast.maintainer.id,
      apiToken: { id: resolved!.id, scope: resolved!.scope },
      projectKey: cast.key,
      requestId: "token-stream",
    });
    const sent: LiveMessage[] = [];
    let failure: unknown = null;
    const detach = stream.attach({
      send: (m) => {
        sent.push(m);
        return true;
      },
      onDrain: () => {},
      fail: (e) => {
        failure = e;
      },
    });
    try {
      await until(() => sent.length > 0);
      await callerFor(cast.maintainer.id).apiToken.revoke({ id: made.id });
      await until(() => failure !== null);
      expect(failure).toMatchObject({ code: "UNAUTHORIZED" });
    } finally {
      detach();
    }
    await expectTRPCError(callerFor(cast.nonMember.id).apiToken.revoke({ id: made.id }), "NOT_FOUND");
  });
});
