/**
 * The REST API (/api/v1) and its OpenAPI document, through the real route handlers: the document is valid
 * OpenAPI 3.1 and describes each public group; a program with a token creates and lists over plain JSON
 * (dates as ISO strings); permissions, read-only tokens, stale versions, bad input, unknown paths, wrong
 * methods, oversized and non-JSON bodies and cross-origin cookies get their typed answers; query strings are
 * converted per field without changing the schemas the tRPC endpoint uses.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterEach, describe, expect, it } from "vitest";

import * as openApiRoute from "@/app/api/openapi.json/route";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import { DELETE, GET, PATCH, POST, PUT } from "@/app/api/v1/[...path]/route";
import { resetEnvCache } from "@/lib/env.mjs";

import { createProjectWithCast, createUser, uniqueProjectKey } from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

afterEach(() => {
  delete process.env.REQUEST_BODY_MAX_BYTES;
  resetEnvCache();
});

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON answers of many shapes; each assertion says what it expects.
type Json = Record<string, any>;

async function rest(
  method: Method,
  path: string,
  opts: {
    token?: string;
    cookie?: string;
    origin?: string;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const handler = { GET, POST, PATCH, PUT, DELETE }[method];
  const res = await handler(new Request(`http://localhost/api/v1${path}`, { method, headers, body }));
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Json) : null };
}

async function tokenFor(userId: string, scope: "read" | "write"): Promise<string> {
  const res = await trpcRoute.POST(
    new Request("http://localhost/api/trpc/apiToken.create", {
      method: "POST",
      headers: { cookie: await sessionCookieFor(userId), "content-type": "application/json" },
      body: JSON.stringify({ json: { name: `REST ${scope}`, scope } }),
    }),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: { token: string } } } }).result.data.json.token;
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 and describes every public group with declared answers and ISO dates", async () => {
    const res = await openApiRoute.GET(
      new Request("http://0.0.0.0:3000/api/openapi.json", { headers: { host: "specline.test" } }),
    );
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "http://specline.test/api/v1" }]);
    await SwaggerParser.validate(structuredClone(doc) as never);

    const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    const tags = new Set(operations.flatMap((o) => o.op.tags));
    for (const tag of [
      "Projects",
      "Requirements",
      "Versions",
      "Baselines",
      "Issues",
      "Comments",
      "Trace links",
      "Search",
    ]) {
      expect(tags, tag).toContain(tag);
    }
    for (const { path, method, op } of operations) {
      expect(op.responses["200"].content["application/json"].schema, `${method} ${path}`).toBeTruthy();
      expect(op.security, `${method} ${path}`).toEqual([{ Authorization: [] }]);
    }
    const issue = doc.components.schemas.Issue;
    expect(issue.properties.createdAt).toEqual({ type: "string", format: "date-time" });
    expect(issue.properties.severity.enum).toEqual(["LOW", "MEDIUM", "HIGH", "CRITICAL"]);
    expect(doc.paths["/projects/{projectKey}/issues"].post.responses).toHaveProperty("409");
    // Account procedures are not part of the REST API.
    expect(JSON.stringify(doc.paths)).not.toMatch(/apiToken|password|twoFactor/i);
  });
});

describe("REST with an API token", () => {
  it("creates and lists projects, issues and requirements over plain JSON, dates as ISO strings", async () => {
    const user = await createUser({ name: "Rita Rest" });
    const token = await tokenFor(user.id, "write");
    const key = uniqueProjectKey();

    const project = await rest("POST", "/projects", { token, body: { key, name: "Over REST", description: "" } });
    expect(project.status).toBe(200);
    expect(project.json).toMatchObject({ key, name: "Over REST" });

    const created = await rest("POST", `/projects/${key}/issues`, {
      token,
      body: { title: "Refund fails", description: "Partial captures.", severity: "HIGH", labels: ["payments"] },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ key: `${key}-I-1`, status: "OPEN", severity: "HIGH", version: 1 });
    expect(created.json?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(created.json?.reporter).toMatchObject({ id: user.id, name: "Rita Rest" });
    expect(created.headers.get("x-request-id")).toBeTruthy();

    const list = await rest("GET", `/projects/${key}/issues?limit=10&status=OPEN&status=TRIAGED&severity=HIGH`, {
      token,
    });
    expect(list.status).toBe(200);
    expect(list.json?.items.map((i: { key: string }) => i.key)).toEqual([`${key}-I-1`]);
    expect(list.json?.nextCursor).toBeNull();

    const stale = await rest("PATCH", `/issues/${key}-I-1`, {
      token,
      body: { expectedVersion: 1, title: "Refunds fail" },
    });
    expect(stale.status).toBe(200);
    const again = await rest("PATCH", `/issues/${key}-I-1`, {
      token,
      body: { expectedVersion: 1, title: "Lost update" },
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: "CONFLICT" });
    expect((await rest("GET", `/issues/${key}-I-1`, { token })).json?.title).toBe("Refunds fail");

    const comment = await rest("POST", `/issues/${key}-I-1/comments`, {
      token,
      body: { body: "Seen on **staging**." },
    });
    expect(comment.status).toBe(200);
    const comments = await rest("GET", `/issues/${key}-I-1/comments`, { token });
    expect(comments.json?.items.map((c: { body: string }) => c.body)).toEqual(["Seen on **staging**."]);

    // A requirement, a second version, its history and the diff between the two.
    const req = await rest("POST", `/projects/${key}/requirements`, {
      token,
      body: { title: "Refund partial captures", statement: "The system shall refund partial captures." },
    });
    expect(req.status).toBe(200);
    const reqKey = req.json?.key as string;
    const v2 = await rest("PATCH", `/requirements/${reqKey}`, {
      token,
      body: { expectedVersion: 1, statement: "The system shall refund partial captures within a day." },
    });
    expect(v2.json?.version).toBe(2);
    const versions = await rest("GET", `/requirements/${reqKey}/versions`, { token });
    expect(versions.json?.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const diff = await rest("GET", `/requirements/${reqKey}/diff?from=1&to=2`, { token });
    expect(diff.status).toBe(200);
    expect(JSON.stringify(diff.json)).toContain("within a day");

    // The issue implements the requirement; both ends list the link; search finds the requirement.
    const link = await rest("POST", `/projects/${key}/trace-links`, {
      token,
      body: { from: `${key}-I-1`, to: reqKey, type: "IMPLEMENTS" },
    });
    expect(link.status).toBe(200);
    const links = await rest("GET", `/trace-links/${reqKey}`, { token });
    expect(JSON.stringify(links.json)).toContain(`${key}-I-1`);
    const found = await rest("GET", `/search?q=partial&projectKey=${key}`, { token });
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.json)).toContain(reqKey);

    const baseline = await rest("POST", `/projects/${key}/baselines`, { token, body: { name: "Release 1" } });
    expect(baseline.status).toBe(200);
    const compare = await rest("GET", `/projects/${key}/baselines/compare?from=${baseline.json?.id}&to=HEAD`, {
      token,
    });
    expect(compare.status).toBe(200);
  });

  it("repeats a create sent again with the same Idempotency-Key instead of doing it twice", async () => {
    const cast = await createProjectWithCast();
    const token = await tokenFor(cast.maintainer.id, "write");
    const send = () =>
      rest("POST", `/projects/${cast.key}/issues`, {
        token,
        headers: { "idempotency-key": "rest-retry-1" },
        body: { title: "Sent twice" },
      });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
    const list = await rest("GET", `/projects/${cast.key}/issues`, { token });
    expect(list.json?.items).toHaveLength(1);
  });

  it("answers with typed errors: no token, a read token writing, an outsider, bad input, unknown paths and methods", async () => {
    const cast = await createProjectWithCast();
    const read = await tokenFor(cast.maintainer.id, "read");
    const outsider = await tokenFor(cast.nonMember.id, "write");

    expect((await rest("GET", `/projects/${cast.key}/issues`)).status).toBe(401);
    expect((await rest("GET", `/projects/${cast.key}/issues`, { token: "spl_not-a-real-token" })).status).toBe(401);

    expect((await rest("GET", `/projects/${cast.key}/issues`, { token: read })).status).toBe(200);
    const write = await rest("POST", `/projects/${cast.key}/issues`, { token: read, body: { title: "Nope" } });
    expect(write.status).toBe(403);
    expect(write.json).toMatchObject({ code: "FORBIDDEN" });

    const hidden = await rest("GET", `/projects/${cast.key}`, { token: outsider });
    expect(hidden.status).toBe(404);
    expect(hidden.json).toMatchObject({ code: "NOT_FOUND" });

    const token = await tokenFor(cast.admin.id, "write");
    const bad = await rest("POST", `/projects/${cast.key}/issues`, { token, body: { title: "", severity: "URGENT" } });
    expect(bad.status).toBe(400);
    expect(bad.json?.code).toBe("BAD_REQUEST");
    expect(bad.json?.issues.map((i: { message: string }) => i.message).join(" ")).toMatch(
      /title.*severity|severity.*title/s,
    );

    expect((await rest("GET", `/projects/${cast.key}/issues?limit=abc`, { token })).status).toBe(400);
    expect((await rest("GET", `/projects/${cast.key}/issues?limit=1000000`, { token })).status).toBe(400);
    expect((await rest("GET", `/projects/${cast.key}/issues?cursor=forged`, { token })).status).toBe(400);
    expect((await rest("GET", `/projects/${cast.key}/issues?__proto__=x`, { token })).status).toBe(200);

    const unknown = await rest("GET", "/no/such/endpoint", { token });
    expect(unknown.status).toBe(404);
    expect(unknown.json?.code).toBe("NOT_FOUND");
    const wrongMethod = await rest("PUT", `/projects/${cast.key}/issues`, { token, body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
  });

  it("refuses non-JSON and oversized bodies, and cookie writes from another origin, before any parsing", async () => {
    const cast = await createProjectWithCast();
    const token = await tokenFor(cast.admin.id, "write");
    const path = `/projects/${cast.key}/issues`;

    const form = await rest("POST", path, {
      token,
      raw: "title=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const broken = await rest("POST", path, {
      token,
      raw: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.json?.code).toBe("PARSE_ERROR");
    const array = await rest("POST", path, { token, body: [1, 2] });
    expect(array.status).toBe(400);

    process.env.REQUEST_BODY_MAX_BYTES = "1024";
    resetEnvCache();
    const big = await rest("POST", path, { token, body: { title: "x", description: "y".repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.json?.code).toBe("PAYLOAD_TOO_LARGE");

    const cookie = await sessionCookieFor(cast.admin.id);
    const forged = await rest("POST", path, { cookie, origin: "https://evil.example", body: { title: "Forged" } });
    expect(forged.status).toBe(403);
    const bearer = await rest("POST", path, { token, origin: "https://tools.example", body: { title: "From a tool" } });
    expect(bearer.status).toBe(200);
    const list = await rest("GET", path, { token });
    expect(list.json?.items.map((i: { title: string }) => i.title)).toEqual(["From a tool"]);
  });

  it("converts query strings per field without turning on coercion in the schemas tRPC uses", async () => {
    const user = await createUser();
    const token = await tokenFor(user.id, "write");
    const key = uniqueProjectKey();
    await rest("POST", "/projects", { token, body: { key, name: "Archived soon", description: "" } });
    await rest("POST", `/projects/${key}/archive`, { token, body: { archived: true } });

    const without = await rest("GET", "/projects?includeArchived=false", { token });
    expect(without.json?.items.map((p: { key: string }) => p.key)).not.toContain(key);
    const withArchived = await rest("GET", "/projects?includeArchived=true", { token });
    expect(withArchived.json?.items.map((p: { key: string }) => p.key)).toContain(key);
    expect((await rest("GET", "/projects?includeArchived=yes", { token })).status).toBe(400);

    // Over tRPC the same input still takes booleans only: the text "false" is refused, not read as true.
    const url = new URL("http://localhost/api/trpc/project.list");
    url.searchParams.set("input", JSON.stringify({ json: { includeArchived: "false" } }));
    const res = await trpcRoute.GET(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
    expect(res.status).toBe(400);
  });
});
