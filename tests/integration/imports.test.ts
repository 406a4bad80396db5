/**
 * Imports through POST /api/projects/<KEY>/import and the importJob procedures, against a real database:
 * CSV with hierarchy and attributes, re-imports that update rather than duplicate, a dry run that writes
 * nothing, per-row errors with their line numbers, all-or-nothing, one summary event instead of one per row,
 * undo (and its refusal once something changed), the tool-convention ReqIF fixtures, the ReqIF round trip,
 * 10,000 rows, and hostile uploads refused with a clear status.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { strToU8, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";

import * as exportRoute from "@/app/api/projects/[key]/export/route";
import * as importRoute from "@/app/api/projects/[key]/import/route";
import { type ImportJobOut, importForm } from "@/lib/schemas/import";
import { db } from "@/server/db";
import { toCsv } from "@/server/services/csv";
import { createImportJob, resumeImportJobs } from "@/server/services/imports/import-jobs";
import { readReqif } from "@/server/services/imports/reqif";

import {
  callerFor,
  createProjectWithCast,
  createUser,
  expectTRPCError,
  projectScopeFor,
  uniqueProjectKey,
} from "../helpers/factories";
import { sessionCookieFor } from "../helpers/session";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/reqif");

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;

interface UploadOptions {
  kind?: string;
  format?: string;
  dryRun?: boolean;
  atomic?: boolean;
  mapping?: string;
  filename?: string;
  headers?: Record<string, string>;
}

async function upload(userId: string, key: string, content: string | Uint8Array, opts: UploadOptions = {}) {
  const form = new FormData();
  if (opts.kind) form.set("kind", opts.kind);
  if (opts.format) form.set("format", opts.format);
  if (opts.dryRun) form.set("dryRun", "true");
  if (opts.atomic) form.set("atomic", "true");
  form.set(
    "file",
    new Blob([typeof content === "string" ? content : Buffer.from(content)]),
    opts.filename ?? "requirements.csv",
  );
  // A field after the file is read too.
  if (opts.mapping) form.set("mapping", opts.mapping);
  const res = await importRoute.POST(
    new Request(`http://localhost/api/projects/${key}/import`, {
      method: "POST",
      body: form,
      headers: { cookie: await sessionCookieFor(userId), ...opts.headers },
    }),
    { params: Promise.resolve({ key }) },
  );
  return {
    status: res.status,
    body: (await res.json()) as { jobId?: string; error?: { message: string; code: string } },
  };
}

async function finished(userId: string, key: string, id: string): Promise<ImportJobOut> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await callerFor(userId).importJob.byId({ projectKey: key, id });
    if (job.status !== "QUEUED" && job.status !== "RUNNING") return job;
    if (Date.now() > deadline) throw new Error(`import ${id} did not finish: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function importFile(userId: string, key: string, content: string | Uint8Array, opts: UploadOptions = {}) {
  const res = await upload(userId, key, content, opts);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return finished(userId, key, res.body.jobId as string);
}

async function newProject(owner: string) {
  const key = uniqueProjectKey();
  const project = await callerFor(owner).project.create({ key, name: `Imports ${key}`, description: "" });
  return { key, project };
}

async function download(userId: string, key: string, query: string) {
  const res = await exportRoute.GET(
    new Request(`http://localhost/api/projects/${key}/export?${query}`, {
      headers: { cookie: await sessionCookieFor(userId) },
    }),
    { params: Promise.resolve({ key }) },
  );
  expect(res.status).toBe(200);
  return res.text();
}

async function* bytesOf(text: string) {
  yield strToU8(text);
}

const HEADER = ["ID", "Parent", "Title", "Statement", "Priority", "Status", "Tags", "Safety Level", "Verified On"];

function sampleCsv(rows: string[][] = []): string {
  return toCsv([
    HEADER,
    [
      "SYS-1",
      "",
      "Braking",
      "The system **shall** brake.",
      "MUST",
      "APPROVED",
      "safety, brakes",
      "SIL 3",
      "2026-01-15",
    ],
    [
      "SYS-2",
      "SYS-1",
      "Brake within 40 m",
      "Stop from 100 km/h\nwithin 40 m.",
      "SHOULD",
      "Draft",
      "brakes",
      "SIL 2",
      "",
    ],
    ["SYS-3", "SYS-2", "=Formula-looking title", "-5 dB noise", "COULD", "", "", "", ""],
    ...rows,
  ]);
}

beforeAll(async () => {
  cast = await createProjectWithCast();
}, 120_000);

describe("importing requirements from CSV", () => {
  it("creates the rows with their hierarchy and new attributes, one version and audit row each, and one event", async () => {
    const { key, project } = await newProject(cast.admin.id);
    const job = await importFile(cast.admin.id, key, sampleCsv());
    expect(job).toMatchObject({ status: "SUCCEEDED", total: 3, processed: 3, created: 3, updated: 0, failed: 0 });
    expect(job.errors).toEqual([]);
    expect(job.undoable).toBe(true);

    const keys = await db.requirement.findMany({ where: { projectId: project.id }, select: { key: true } });
    const items = await Promise.all(keys.map((k) => callerFor(cast.admin.id).requirement.byKey({ key: k.key })));
    const byTitle = new Map(items.map((r) => [r.title, r]));
    const root = byTitle.get("Braking");
    const child = byTitle.get("Brake within 40 m");
    const grandchild = byTitle.get("=Formula-looking title");
    expect(root?.parentKey).toBeNull();
    expect(child?.parentKey).toBe(root?.key);
    expect(grandchild?.parentKey).toBe(child?.key);
    expect(grandchild?.statement).toBe("-5 dB noise");
    expect(child?.statement).toBe("Stop from 100 km/h\nwithin 40 m.");
    expect(root).toMatchObject({ priority: "MUST", status: "APPROVED", tags: ["safety", "brakes"] });
    expect(child?.status).toBe("DRAFT");

    const settings = await db.project.findUniqueOrThrow({ where: { id: project.id }, select: { settings: true } });
    const defs = (settings.settings as { requirementAttributes: { key: string; label: string; type: string }[] })
      .requirementAttributes;
    expect(defs.map((d) => d.label)).toEqual(["Safety Level", "Verified On"]);
    const safety = defs.find((d) => d.label === "Safety Level");
    expect(root?.attributes[safety?.key as string]).toBe("SIL 3");

    const ids = items.map((r) => r.id);
    expect(await db.requirementVersion.count({ where: { requirementId: { in: ids } } })).toBe(3);
    // Stamped with the time of the import, in UTC like every other row.
    for (const r of items) expect(Math.abs(r.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    const version = await db.requirementVersion.findFirstOrThrow({ where: { requirementId: root?.id } });
    expect(version).toMatchObject({
      version: 1,
      changeKind: "created",
      createdAt: root?.createdAt,
      tags: ["safety", "brakes"],
    });
    expect(version.changeNote).toBe("Imported from requirements.csv");
    const audits = await db.auditEvent.count({ where: { entityId: { in: ids }, action: "requirement.created" } });
    expect(audits).toBe(3);
    const events = await db.outboxEvent.findMany({ where: { projectId: project.id }, select: { type: true } });
    expect(events.filter((e) => e.type === "requirement.created")).toHaveLength(0);
    expect(events.filter((e) => e.type === "requirement.imported")).toHaveLength(1);
  });

  it("updates on re-import instead of duplicating, and a dry run reports without writing", async () => {
    const { key, project } = await newProject(cast.admin.id);
    await importFile(cast.admin.id, key, sampleCsv());
    const again = await importFile(cast.admin.id, key, sampleCsv());
    expect(again).toMatchObject({ status: "SUCCEEDED", created: 0, updated: 0, unchanged: 3 });
    expect(again.undoable).toBe(false);

    const changed = sampleCsv().replace("Brake within 40 m", "Brake within 35 m");
    const before = await db.requirement.findMany({ where: { projectId: project.id }, orderBy: { number: "asc" } });
    const dry = await importFile(cast.admin.id, key, `${changed}SYS-4,SYS-1,New one,,,,,,\n`, { dryRun: true });
    expect(dry).toMatchObject({ status: "SUCCEEDED", dryRun: true, created: 1, updated: 1, unchanged: 2 });
    const after = await db.requirement.findMany({ where: { projectId: project.id }, orderBy: { number: "asc" } });
    expect(after).toEqual(before);

    const real = await importFile(cast.admin.id, key, changed);
    expect(real).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const edited = await db.requirement.findFirstOrThrow({ where: { projectId: project.id, sourceRef: "SYS-2" } });
    expect(edited).toMatchObject({ title: "Brake within 35 m", version: 2 });
    expect(await db.requirement.count({ where: { projectId: project.id } })).toBe(3);
  });

  it("reports a malformed row with its line and imports the rest; atomic imports nothing", async () => {
    const { key } = await newProject(cast.admin.id);
    // Line 1 header, lines 2-3 the first row (a two-line statement), line 4 the bad row.
    const csv = `Title,Statement,Priority\nGood one,"two\nlines",MUST\nBad one,text,URGENT\nAnother good,,COULD\n`;
    const atomic = await importFile(cast.admin.id, key, csv, { atomic: true });
    expect(atomic.status).toBe("FAILED");
    expect(atomic.message).toMatch(/nothing was imported/);
    expect(atomic.errors).toEqual([{ row: 4, message: expect.stringContaining("URGENT") }]);
    expect(await db.requirement.count({ where: { project: { key } } })).toBe(0);

    const partial = await importFile(cast.admin.id, key, csv);
    expect(partial).toMatchObject({ status: "SUCCEEDED", created: 2, failed: 1 });
    expect(partial.errors).toEqual([{ row: 4, message: expect.stringContaining("URGENT") }]);
  });

  it("refuses a parent that is nowhere and rows whose parents form a cycle", async () => {
    const { key } = await newProject(cast.admin.id);
    const csv = toCsv([
      ["ID", "Parent", "Title"],
      ["A", "B", "A under B"],
      ["B", "A", "B under A"],
      ["C", "NOWHERE", "Orphan"],
      ["D", "C", "Under the orphan"],
      ["E", "", "Fine"],
    ]);
    const job = await importFile(cast.admin.id, key, csv);
    expect(job, JSON.stringify(job)).toMatchObject({ created: 1, failed: 4 });
    expect(job.errors.map((e) => e.row)).toEqual([2, 3, 4, 5]);
    expect(job.errors[0]?.message).toMatch(/cycle/);
    expect(job.errors[2]?.message).toMatch(/NOWHERE/);
    expect(job.errors[3]?.message).toMatch(/parent row was refused/);
  });

  it("leaves requirements where they are when the file has no parent column", async () => {
    const { key, project } = await newProject(cast.admin.id);
    await importFile(cast.admin.id, key, sampleCsv());
    const child = await db.requirement.findFirstOrThrow({ where: { projectId: project.id, sourceRef: "SYS-2" } });
    const job = await importFile(
      cast.admin.id,
      key,
      toCsv([
        ["Key", "Title"],
        [child.key, "Renamed, still nested"],
      ]),
    );
    expect(job).toMatchObject({ updated: 1, created: 0 });
    const after = await db.requirement.findUniqueOrThrow({ where: { id: child.id } });
    expect(after).toMatchObject({ title: "Renamed, still nested", parentId: child.parentId, position: child.position });
    expect(after.statement).toBe("");
  });

  it("keeps the attributes a file does not carry, required ones included", async () => {
    const { key, project } = await newProject(cast.admin.id);
    await callerFor(cast.admin.id).project.update({
      projectKey: key,
      expectedVersion: project.version,
      settings: {
        requirementAttributes: [
          { key: "asil", label: "ASIL", type: "enum", options: ["A", "B", "C", "D"], required: true },
          { key: "owner", label: "Owner", type: "text", required: false },
        ],
      },
    });
    const r = await callerFor(cast.admin.id).requirement.create({
      projectKey: key,
      title: "Rated",
      attributes: { asil: "C", owner: "Ana" },
    });
    const job = await importFile(
      cast.admin.id,
      key,
      toCsv([
        ["Key", "Title", "Owner"],
        [r.key, "Rated again", "Bo"],
      ]),
    );
    expect(job, JSON.stringify(job.errors)).toMatchObject({ updated: 1, failed: 0 });
    const after = await callerFor(cast.admin.id).requirement.byKey({ key: r.key });
    expect(after.attributes).toEqual({ asil: "C", owner: "Bo" });
    const missing = await importFile(cast.admin.id, key, "Title,Owner\nNew without ASIL,Cy\n");
    expect(missing.errors).toEqual([{ row: 2, message: expect.stringContaining("is required") }]);
  });

  it("takes 10,000 rows in batches, with progress and every row once", async () => {
    const { key, project } = await newProject(cast.admin.id);
    const rows = [["ID", "Parent", "Title", "Statement"]];
    for (let i = 1; i <= 10_000; i++) {
      rows.push([`R${i}`, i % 100 === 1 ? "" : `R${i - ((i - 1) % 100)}`, `Requirement ${i}`, `Shall do ${i}.`]);
    }
    const job = await importFile(cast.admin.id, key, toCsv(rows));
    expect(job).toMatchObject({ status: "SUCCEEDED", total: 10_000, processed: 10_000, created: 10_000, failed: 0 });
    expect(await db.requirement.count({ where: { projectId: project.id } })).toBe(10_000);
    expect(await db.requirementVersion.count({ where: { projectId: project.id } })).toBe(10_000);
    const numbers = await db.requirement.findMany({ where: { projectId: project.id }, select: { number: true } });
    expect(new Set(numbers.map((n) => n.number)).size).toBe(10_000);
    const child = await db.requirement.findFirstOrThrow({
      where: { projectId: project.id, sourceRef: "R150" },
      select: { parent: { select: { sourceRef: true } } },
    });
    expect(child.parent?.sourceRef).toBe("R101");
  }, 180_000);
});

describe("importing issues from a Jira CSV export", () => {
  const jira = [
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Assignee,Labels,Labels,Description,Comment,Comment",
    'Login fails,PAY-101,10001,Bug,To Do,Highest,,Maintainer,auth,urgent,"h2. Steps\n*Click* login",a,b',
    "Slow page,PAY-102,10002,Bug,Done,Low,Won't Fix,Somebody Else,perf,,It is slow,,",
    "Broken,PAY-103,10003,Bug,Frozen,Medium,,,,,,,",
  ].join("\n");

  it("maps summary, status, priority, labels, assignee and wiki markup; re-import updates; undo takes it back", async () => {
    const { key, project } = await newProject(cast.admin.id);
    await db.membership.create({ data: { projectId: project.id, userId: cast.maintainer.id, role: "MAINTAINER" } });
    const job = await importFile(cast.admin.id, key, jira, { kind: "issues", filename: "jira.csv" });
    expect(job).toMatchObject({ status: "SUCCEEDED", kind: "issues", created: 2, failed: 1 });
    // The first record spans lines 2 and 3 (its description has two lines).
    expect(job.errors).toEqual([
      { row: 4, message: expect.stringContaining("Somebody Else") },
      { row: 5, message: expect.stringContaining("Frozen") },
    ]);
    const issues = await db.issue.findMany({ where: { projectId: project.id }, orderBy: { number: "asc" } });
    expect(issues.map((i) => [i.sourceRef, i.title, i.status, i.severity, i.labels])).toEqual([
      ["PAY-101", "Login fails", "OPEN", "CRITICAL", ["auth", "urgent"]],
      ["PAY-102", "Slow page", "WONT_FIX", "LOW", ["perf"]],
    ]);
    expect(issues[0]?.assigneeId).toBe(cast.maintainer.id);
    expect(issues[0]?.description).toBe("## Steps\n**Click** login");
    expect(issues[1]?.closedAt).not.toBeNull();
    const events = await db.outboxEvent.findMany({ where: { projectId: project.id }, select: { type: true } });
    expect(events.map((e) => e.type).filter((t) => t.startsWith("issue."))).toEqual(["issue.imported"]);

    const again = await importFile(cast.admin.id, key, jira.replace("Login fails", "Login fails on Safari"), {
      kind: "issues",
    });
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await db.issue.count({ where: { projectId: project.id } })).toBe(2);
    const undone = await callerFor(cast.admin.id).importJob.undo({ projectKey: key, id: again.id });
    expect(undone).toMatchObject({ restored: 1, deleted: 0 });
    const restored = await db.issue.findFirstOrThrow({ where: { projectId: project.id, sourceRef: "PAY-101" } });
    expect(restored).toMatchObject({ title: "Login fails", version: 3, assigneeId: cast.maintainer.id });
  });

  it("is refused to reporters, and from ReqIF", async () => {
    expect((await upload(cast.reporter.id, cast.key, jira, { kind: "issues" })).status).toBe(403);
    const reqif = await upload(cast.admin.id, cast.key, jira, { kind: "issues", format: "reqif" });
    expect(reqif).toMatchObject({ status: 400, body: { error: { message: "Issues are imported from CSV" } } });
  });
});

describe("imports nobody runs", () => {
  it("are taken over: a queued one runs, a partial one whose runner stopped is failed with what it wrote", async () => {
    const { key, project } = await newProject(cast.admin.id);
    const scope = await projectScopeFor(cast.admin.id, key);
    const form = importForm.parse({ projectKey: key });
    const { jobId: queued } = await createImportJob({
      scope,
      form,
      filename: "a.csv",
      bytes: strToU8("Title\nQueued\n"),
    });
    const { jobId: stalled } = await createImportJob({
      scope,
      form,
      filename: "b.csv",
      bytes: strToU8("Title\nStalled\n"),
    });
    const { jobId: atomic } = await createImportJob({
      scope,
      form: { ...form, atomic: true },
      filename: "c.csv",
      bytes: strToU8("Title\nAtomic\n"),
    });
    const past = new Date(Date.now() - 60_000);
    await db.importJob.update({ where: { id: queued }, data: { createdAt: past } });
    for (const id of [stalled, atomic]) {
      await db.importJob.update({
        where: { id },
        data: { status: "RUNNING", leaseUntil: past, leasedBy: "gone", attempts: 1, processed: 0 },
      });
    }
    await resumeImportJobs();
    const jobs = await db.importJob.findMany({ where: { projectId: project.id }, orderBy: { filename: "asc" } });
    expect(jobs.map((j) => [j.filename, j.status, j.created])).toEqual([
      ["a.csv", "SUCCEEDED", 1],
      ["b.csv", "FAILED", 0],
      ["c.csv", "SUCCEEDED", 1],
    ]);
    expect(jobs[1]?.message).toMatch(/stopped after 0 rows/);
    expect(jobs.every((j) => j.upload === null)).toBe(true);
  });
});

describe("undoing an import", () => {
  it("deletes what it created and restores what it updated, as one change", async () => {
    const { key, project } = await newProject(cast.admin.id);
    const existing = await callerFor(cast.admin.id).requirement.create({
      projectKey: key,
      title: "Kept",
      statement: "Original text",
    });
    const csv = toCsv([
      ["Key", "Title", "Statement"],
      [existing.key, "Kept", "Imported text"],
      ["", "Brand new", "New"],
    ]);
    const job = await importFile(cast.admin.id, key, csv);
    expect(job).toMatchObject({ created: 1, updated: 1 });
    const undone = await callerFor(cast.admin.id).importJob.undo({ projectKey: key, id: job.id });
    expect(undone).toMatchObject({ deleted: 1, restored: 1, job: { status: "UNDONE", undoable: false } });
    const left = await db.requirement.findMany({ where: { projectId: project.id } });
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ statement: "Original text", version: 3 });
    await expectTRPCError(callerFor(cast.admin.id).importJob.undo({ projectKey: key, id: job.id }), "CONFLICT");
  });

  it("is refused once something the import wrote has changed since", async () => {
    const { key } = await newProject(cast.admin.id);
    const job = await importFile(cast.admin.id, key, sampleCsv());
    const r = await db.requirement.findFirstOrThrow({ where: { project: { key }, sourceRef: "SYS-3" } });
    await callerFor(cast.admin.id).requirement.update({ key: r.key, expectedVersion: 1, title: "Edited since" });
    const err = await expectTRPCError(
      callerFor(cast.admin.id).importJob.undo({ projectKey: key, id: job.id }),
      "CONFLICT",
    );
    expect(err.message).toContain(r.key);
    expect(await db.requirement.count({ where: { project: { key } } })).toBe(3);
  });

  it("is refused once someone commented on a requirement it created: the comments stay", async () => {
    const { key } = await newProject(cast.admin.id);
    const job = await importFile(cast.admin.id, key, sampleCsv());
    const r = await db.requirement.findFirstOrThrow({ where: { project: { key }, sourceRef: "SYS-3" } });
    await callerFor(cast.admin.id).requirement.comments.add({ key: r.key, body: "Needs a rationale" });
    const err = await expectTRPCError(
      callerFor(cast.admin.id).importJob.undo({ projectKey: key, id: job.id }),
      "CONFLICT",
    );
    expect(err.message).toContain("comments");
    expect(await db.comment.count({ where: { requirementId: r.id } })).toBe(1);
    expect(await db.requirement.count({ where: { project: { key } } })).toBe(3);
  });
});

describe("who may import, and hostile uploads", () => {
  it("answers reporters FORBIDDEN, outsiders NOT_FOUND, and reporters cannot read or undo imports", async () => {
    expect((await upload(cast.reporter.id, cast.key, sampleCsv())).status).toBe(403);
    expect((await upload(cast.nonMember.id, cast.key, sampleCsv())).status).toBe(404);
    const job = await importFile(cast.maintainer.id, cast.key, "Title\nBy a maintainer\n");
    await expectTRPCError(
      callerFor(cast.reporter.id).importJob.byId({ projectKey: cast.key, id: job.id }),
      "FORBIDDEN",
    );
    await expectTRPCError(
      callerFor(cast.reporter.id).importJob.undo({ projectKey: cast.key, id: job.id }),
      "FORBIDDEN",
    );
    await expectTRPCError(callerFor(cast.nonMember.id).importJob.list({ projectKey: cast.key }), "NOT_FOUND");
    const other = await newProject(cast.admin.id);
    await expectTRPCError(callerFor(cast.admin.id).importJob.byId({ projectKey: other.key, id: job.id }), "NOT_FOUND");
  });

  it("leaves values of attributes a maintainer may not define out, and says so", async () => {
    const { key, project } = await newProject(cast.admin.id);
    const maintainer = await createUser({ name: "Importing maintainer" });
    await db.membership.create({ data: { projectId: project.id, userId: maintainer.id, role: "MAINTAINER" } });
    const job = await importFile(maintainer.id, key, "Title,Colour\nPainted,Red\n");
    expect(job).toMatchObject({ status: "SUCCEEDED", created: 1 });
    expect(job.errors).toEqual([{ row: 0, message: expect.stringContaining("Colour") }]);
  });

  it("refuses bad forms with typed answers", async () => {
    const bad = await upload(cast.admin.id, cast.key, sampleCsv(), { mapping: "{not json" });
    expect(bad).toMatchObject({ status: 400, body: { error: { message: "The mapping is not valid JSON" } } });
    const target = await upload(cast.admin.id, cast.key, sampleCsv(), {
      mapping: JSON.stringify({ columns: { Title: "drop table" } }),
    });
    expect(target.status).toBe(400);
    expect((await upload(cast.admin.id, cast.key, sampleCsv(), { format: "xlsx" })).status).toBe(400);
    expect((await upload(cast.admin.id, cast.key, sampleCsv(), { kind: "issues", format: "reqif" })).status).toBe(400);
    expect((await upload(cast.admin.id, cast.key, "")).status).toBe(400);
    const crossOrigin = await upload(cast.admin.id, cast.key, sampleCsv(), {
      headers: { origin: "https://evil.example", host: "localhost" },
    });
    expect(crossOrigin.status).toBe(403);
    const res = await importRoute.POST(
      new Request(`http://localhost/api/projects/${cast.key}/import`, {
        method: "POST",
        body: "Title\nx\n",
        headers: { cookie: await sessionCookieFor(cast.admin.id), "content-type": "text/csv" },
      }),
      { params: Promise.resolve({ key: cast.key }) },
    );
    expect(res.status).toBe(415);
  });

  it("refuses a 100 MB upload, declared or streamed without a length, before storing anything", async () => {
    const before = await db.importJob.count();
    const declared = await importRoute.POST(
      new Request(`http://localhost/api/projects/${cast.key}/import`, {
        method: "POST",
        body: "x",
        headers: {
          cookie: await sessionCookieFor(cast.admin.id),
          "content-type": "multipart/form-data; boundary=x",
          "content-length": String(100 * 1024 * 1024),
        },
      }),
      { params: Promise.resolve({ key: cast.key }) },
    );
    expect(declared.status).toBe(413);
    const boundary = "----specline";
    const head = strToU8(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nTitle\n`,
    );
    const block = new Uint8Array(1024 * 1024).fill(0x61);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent >= 100) {
          controller.enqueue(strToU8(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent++;
        controller.enqueue(block);
      },
    });
    const streamed = await importRoute.POST(
      new Request(`http://localhost/api/projects/${cast.key}/import`, {
        method: "POST",
        body,
        duplex: "half",
        headers: {
          cookie: await sessionCookieFor(cast.admin.id),
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
      } as RequestInit),
      { params: Promise.resolve({ key: cast.key }) },
    );
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(60);
    expect(await db.importJob.count()).toBe(before);
  });

  it("fails hostile ReqIF with a clear message and writes nothing", async () => {
    const { key } = await newProject(cast.admin.id);
    const NS = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd";
    const cases: [string, Uint8Array | string, RegExp][] = [
      [
        "entities.reqif",
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><REQ-IF xmlns="${NS}">&b;</REQ-IF>`,
        /DOCTYPE/,
      ],
      [
        "external.reqif",
        `<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><REQ-IF xmlns="${NS}"/>`,
        /DOCTYPE/,
      ],
      ["namespace.reqif", `<?xml version="1.0"?><REQ-IF xmlns="http://example.com/not-reqif"/>`, /ReqIF/],
      [
        "bomb.reqifz",
        zipSync({ "spec.reqif": new Uint8Array(210 * 1024 * 1024).fill(0x20) }, { level: 1 }),
        /uncompressed, more than/,
      ],
    ];
    for (const [filename, content, message] of cases) {
      const job = await importFile(cast.admin.id, key, content, { filename });
      expect(job.status, filename).toBe("FAILED");
      expect(job.message, filename).toMatch(message);
    }
    expect(await db.requirement.count({ where: { project: { key } } })).toBe(0);
  }, 120_000);
});

describe("ReqIF as tools write it", () => {
  it.each(["doors", "polarion", "reqif-studio", "enterprise-architect", "capella"])(
    "imports the %s fixture with its hierarchy, text and attributes",
    async (tool) => {
      const { key, project } = await newProject(cast.admin.id);
      const file = await readFile(path.join(FIXTURES, `${tool}.reqif`));
      const source = await readReqif(bytesOf(file.toString("utf8")));
      const job = await importFile(cast.admin.id, key, new Uint8Array(file), { filename: `${tool}.reqif` });
      expect(job, JSON.stringify(job.errors)).toMatchObject({ status: "SUCCEEDED", created: source.rows.length });
      const written = await db.requirement.findMany({
        where: { projectId: project.id },
        select: { sourceRef: true, title: true, statement: true, parent: { select: { sourceRef: true } } },
      });
      const byRef = new Map(written.map((r) => [r.sourceRef, r]));
      for (const row of source.rows) {
        const r = byRef.get(row.sourceRef);
        expect(r?.title).toBe(row.title);
        expect(r?.statement).toBe(row.statement);
        expect(r?.parent?.sourceRef ?? null).toBe(row.parentRef);
      }
      const again = await importFile(cast.admin.id, key, new Uint8Array(file), { filename: `${tool}.reqif` });
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: source.rows.length });
    },
    60_000,
  );

  it("round-trips: export as ReqIF, import into an empty project, export again, the same document", async () => {
    const { key: from } = await newProject(cast.admin.id);
    await importFile(cast.admin.id, from, await readFile(path.join(FIXTURES, "polarion.reqif")), {
      filename: "polarion.reqif",
    });
    await importFile(cast.admin.id, from, sampleCsv(), { filename: "more.csv" });
    const first = await download(cast.admin.id, from, "format=reqif");
    const { key: to } = await newProject(cast.admin.id);
    const job = await importFile(cast.admin.id, to, first, { filename: "export.reqif" });
    expect(job, JSON.stringify(job.errors)).toMatchObject({ status: "SUCCEEDED", failed: 0 });
    const second = await download(cast.admin.id, to, "format=reqif");
    const [a, b] = await Promise.all([readReqif(bytesOf(first)), readReqif(bytesOf(second))]);
    expect(equivalent(b)).toEqual(equivalent(a));
    expect(a.rows.length).toBeGreaterThan(5);
  });
});

/** A read document without what differs between two projects by design: identifiers and keys. */
function equivalent(source: Awaited<ReturnType<typeof readReqif>>) {
  const index = new Map(source.rows.map((r, i) => [r.sourceRef, i]));
  return {
    attributes: source.attributes.map(({ key: _key, ...a }) => a).filter((a) => a.label !== "Foreign ID"),
    rows: source.rows.map((r) => ({
      title: r.title,
      statement: r.statement,
      rationale: r.rationale,
      type: r.type,
      priority: r.priority,
      status: r.status,
      tags: r.tags,
      attributes: r.attributes,
      parent: r.parentRef === null ? null : index.get(r.parentRef),
    })),
  };
}
