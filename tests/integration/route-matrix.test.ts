/**
 * The permission matrix of the route handlers outside tRPC: every
 * `route.ts` under app/api has a row here (a new one without a row fails the
 * first test), and the ones that act on project data are called with real
 * requests carrying each actor's session cookie, on a live and an archived
 * project. Access is decided by the same `authorizeOrThrow` as every
 * procedure, so the archived rule and the role checks are the procedures'.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";
import { sessionCookieFor } from "../helpers/session";

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "specline-route-matrix-"));

const { callerFor, createProjectWithCast } = await import("../helpers/factories");
const download = await import("@/app/api/attachments/[id]/route");
const upload = await import("@/app/api/issues/[key]/attachments/route");
const health = await import("@/app/api/health/route");
const ready = await import("@/app/api/ready/route");
const metricsRoute = await import("@/app/api/metrics/route");
const openApi = await import("@/app/api/openapi.json/route");
const docs = await import("@/app/api/docs/route");
const exportRoute = await import("@/app/api/projects/[key]/export/route");
const importRoute = await import("@/app/api/projects/[key]/import/route");

/** Uploads a one-row CSV as a dry run (it writes nothing) into the project of `issueKey`; the status. */
async function importAs(userId: string | null, issueKey: string): Promise<number> {
  const key = issueKey.slice(0, issueKey.indexOf("-"));
  const form = new FormData();
  form.set("dryRun", "true");
  form.set("file", new File(["Title\nChecked, not written\n"], "requirements.csv", { type: "text/csv" }));
  const req = new Request(`http://localhost/api/projects/${key}/import`, {
    method: "POST",
    body: form,
    headers: await cookieFor(userId),
  });
  const res = await importRoute.POST(req, { params: Promise.resolve({ key }) });
  await res.arrayBuffer();
  return res.status;
}

/** Exports the project of `issueKey` as the user; the status. */
async function exportAs(userId: string | null, issueKey: string): Promise<number> {
  const key = issueKey.slice(0, issueKey.indexOf("-"));
  const req = new Request(`http://localhost/api/projects/${key}/export?format=reqif`, {
    headers: await cookieFor(userId),
  });
  const res = await exportRoute.GET(req, { params: Promise.resolve({ key }) });
  await res.arrayBuffer();
  return res.status;
}

type ActorName = "anonymous" | "nonMember" | "reporter" | "maintainer" | "projectAdmin" | "instanceAdmin";
const ACTORS: ActorName[] = ["anonymous", "nonMember", "reporter", "maintainer", "projectAdmin", "instanceAdmin"];

type Fixture = {
  /** A live project: an issue reported by the admin (hidden from the reporter) and one by the reporter. */
  live: { adminIssue: string; reporterIssue: string; attachmentOfAdminIssue: string };
  /** The same, then archived. */
  archived: { adminIssue: string; reporterIssue: string; attachmentOfAdminIssue: string };
  actorIds: Record<ActorName, string | null>;
};

interface RouteRow {
  /** What guards the route, when it is not the project check exercised below. */
  guard: string;
  /** Calls the handler as the actor; returns the HTTP status. */
  call?: (f: Fixture, actor: ActorName) => Promise<number>;
  expect?: Record<ActorName, number>;
}

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
  0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d,
  0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
]);

async function cookieFor(userId: string | null): Promise<Record<string, string>> {
  if (!userId) return {};
  return { cookie: await sessionCookieFor(userId) };
}

async function uploadAs(userId: string | null, issueKey: string): Promise<Response> {
  const form = new FormData();
  form.set("file", new File([Buffer.from(PNG)], "pixel.png", { type: "image/png" }));
  const req = new Request(`http://localhost/api/issues/${issueKey}/attachments`, {
    method: "POST",
    body: form,
    headers: await cookieFor(userId),
  });
  return upload.POST(req, { params: Promise.resolve({ key: issueKey }) });
}

async function downloadAs(userId: string | null, id: string): Promise<Response> {
  const req = new Request(`http://localhost/api/attachments/${id}`, { headers: await cookieFor(userId) });
  return download.GET(req, { params: Promise.resolve({ id }) });
}

const everyone = (status: number): Record<ActorName, number> =>
  Object.fromEntries(ACTORS.map((a) => [a, status])) as Record<ActorName, number>;

/** Keyed by the route file's folder under app/api. */
const ROUTES: Record<string, RouteRow> = {
  health: {
    guard: "public liveness",
    call: async () => (await health.GET(new Request("http://localhost/api/health"))).status,
    expect: everyone(200),
  },
  ready: {
    guard: "public readiness",
    call: async () => (await ready.GET(new Request("http://localhost/api/ready"))).status,
    expect: everyone(200),
  },
  "auth/[...nextauth]": {
    guard: "next-auth's own sign-in endpoints (throttled; tests/e2e/http-api.spec.ts signs in over HTTP)",
  },
  inngest: {
    guard: "Inngest request signatures; 503 without Inngest configured (tests/integration/inngest-serve.test.ts)",
  },
  metrics: {
    guard:
      "METRICS_TOKEN, else loopback as stamped by the server entry — never a session (tests/integration/metrics.test.ts)",
    call: async (f, actor) =>
      (
        await metricsRoute.GET(
          new Request("http://localhost/api/metrics", { headers: await cookieFor(f.actorIds[actor]) }),
        )
      ).status,
    expect: everyone(403),
  },
  "trpc/[trpc]": { guard: "every procedure's own check (tests/integration/permission-matrix.test.ts)" },
  "v1/[...path]": {
    guard: "the procedure's own check, called through createCaller (tests/integration/rest-api.test.ts)",
  },
  "openapi.json": {
    guard: "public: describes the API, holds no data",
    call: async () => (await openApi.GET(new Request("http://localhost/api/openapi.json"))).status,
    expect: everyone(200),
  },
  docs: {
    guard: "public: a redirect to the reference page",
    call: async () => (await docs.GET(new Request("http://localhost/api/docs"))).status,
    expect: everyone(308),
  },
  "issues/[key]/attachments (live project, reporter's issue)": {
    guard: "authorizeOrThrow(comment:create) + issue visibility",
    call: async (f, actor) => (await uploadAs(f.actorIds[actor], f.live.reporterIssue)).status,
    expect: {
      anonymous: 401,
      nonMember: 404,
      reporter: 201,
      maintainer: 201,
      projectAdmin: 201,
      instanceAdmin: 201,
    },
  },
  "issues/[key]/attachments (live project, admin's issue)": {
    guard: "authorizeOrThrow(comment:create) + issue visibility",
    call: async (f, actor) => (await uploadAs(f.actorIds[actor], f.live.adminIssue)).status,
    expect: {
      anonymous: 401,
      nonMember: 404,
      reporter: 404,
      maintainer: 201,
      projectAdmin: 201,
      instanceAdmin: 201,
    },
  },
  "issues/[key]/attachments (archived project)": {
    guard: "authorizeOrThrow(comment:create): a write, refused on an archived project",
    call: async (f, actor) => (await uploadAs(f.actorIds[actor], f.archived.reporterIssue)).status,
    expect: {
      anonymous: 401,
      nonMember: 404,
      reporter: 403,
      maintainer: 403,
      projectAdmin: 403,
      instanceAdmin: 403,
    },
  },
  "projects/[key]/export (live project)": {
    guard: "authorizeOrThrow(baseline:read)",
    call: async (f, actor) => exportAs(f.actorIds[actor], f.live.adminIssue),
    expect: { anonymous: 401, nonMember: 404, reporter: 200, maintainer: 200, projectAdmin: 200, instanceAdmin: 200 },
  },
  "projects/[key]/export (archived project)": {
    guard: "authorizeOrThrow(baseline:read): a read, allowed on an archived project",
    call: async (f, actor) => exportAs(f.actorIds[actor], f.archived.adminIssue),
    expect: { anonymous: 401, nonMember: 404, reporter: 200, maintainer: 200, projectAdmin: 200, instanceAdmin: 200 },
  },
  "projects/[key]/import (live project)": {
    guard: "authorizeOrThrow(issue:triage), then the kind's permission (requirement:edit)",
    call: async (f, actor) => importAs(f.actorIds[actor], f.live.adminIssue),
    expect: { anonymous: 401, nonMember: 404, reporter: 403, maintainer: 202, projectAdmin: 202, instanceAdmin: 202 },
  },
  "projects/[key]/import (archived project)": {
    guard: "authorizeOrThrow(issue:triage): a write, refused on an archived project",
    call: async (f, actor) => importAs(f.actorIds[actor], f.archived.adminIssue),
    expect: { anonymous: 401, nonMember: 404, reporter: 403, maintainer: 403, projectAdmin: 403, instanceAdmin: 403 },
  },
  "attachments/[id] (live project)": {
    guard: "authorizeOrThrow(issue:readOwn) + issue visibility",
    call: async (f, actor) => (await downloadAs(f.actorIds[actor], f.live.attachmentOfAdminIssue)).status,
    expect: {
      anonymous: 401,
      nonMember: 404,
      reporter: 404,
      maintainer: 200,
      projectAdmin: 200,
      instanceAdmin: 200,
    },
  },
  "attachments/[id] (archived project)": {
    guard: "authorizeOrThrow(issue:readOwn): a read, allowed on an archived project",
    call: async (f, actor) => (await downloadAs(f.actorIds[actor], f.archived.attachmentOfAdminIssue)).status,
    expect: {
      anonymous: 401,
      nonMember: 404,
      reporter: 404,
      maintainer: 200,
      projectAdmin: 200,
      instanceAdmin: 200,
    },
  },
};

/** Route folders under app/api that hold a route.ts. */
function routeFolders(dir = path.resolve(import.meta.dirname, "../../app/api"), prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "route.ts") found.push(prefix.slice(0, -1));
    if (entry.isDirectory()) found.push(...routeFolders(path.join(dir, entry.name), `${prefix}${entry.name}/`));
  }
  return found;
}

let fixture: Fixture;

async function projectWithAttachment(cast: Awaited<ReturnType<typeof createProjectWithCast>>) {
  const adminIssue = await callerFor(cast.admin.id).issue.create({ projectKey: cast.key, title: "Admin's" });
  const reporterIssue = await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Reporter's" });
  const uploaded = await uploadAs(cast.admin.id, adminIssue.key);
  expect(uploaded.status).toBe(201);
  const { id } = (await uploaded.json()) as { id: string };
  return { adminIssue: adminIssue.key, reporterIssue: reporterIssue.key, attachmentOfAdminIssue: id };
}

beforeAll(async () => {
  const live = await createProjectWithCast();
  const archived = await createProjectWithCast();
  // The same people in both projects.
  const { db } = await import("@/server/db");
  for (const [user, role] of [
    [live.reporter, "REPORTER"],
    [live.maintainer, "MAINTAINER"],
    [live.admin, "ADMIN"],
  ] as const) {
    await db.membership.create({ data: { projectId: archived.project.id, userId: user.id, role } });
  }
  const archivedCast = { ...archived, reporter: live.reporter, maintainer: live.maintainer, admin: live.admin };
  fixture = {
    live: await projectWithAttachment(live),
    archived: await projectWithAttachment(archivedCast),
    actorIds: {
      anonymous: null,
      nonMember: live.nonMember.id,
      reporter: live.reporter.id,
      maintainer: live.maintainer.id,
      projectAdmin: live.admin.id,
      instanceAdmin: live.instanceAdmin.id,
    },
  };
  await callerFor(live.admin.id).project.archive({ projectKey: archived.key, archived: true });
});

describe("route handler matrix", () => {
  it("has a row for every route handler under app/api", () => {
    const listed = new Set(Object.keys(ROUTES).map((k) => k.replace(/ \(.*\)$/, "")));
    expect([...listed].sort()).toEqual(routeFolders().sort());
  });

  for (const [route, row] of Object.entries(ROUTES)) {
    if (!row.call || !row.expect) continue;
    for (const actor of ACTORS) {
      const expected = row.expect[actor];
      it(`${route} as ${actor} → ${expected}`, async () => {
        expect(await row.call?.(fixture, actor)).toBe(expected);
      });
    }
  }
});
