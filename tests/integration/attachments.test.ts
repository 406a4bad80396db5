import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { beforeAll, beforeEach, describe, expect, it } from "vitest";

import { db } from "@/server/db";

import { addMembership, callerFor, createProjectWithCast, createUser, projectScopeFor } from "../helpers/factories";

process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "specline-uploads-"));
process.env.ATTACHMENT_MAX_BYTES = String(64 * 1024);

const { addAttachment, detectType, readAttachment } = await import("@/server/services/attachments/attachments");

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
  0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
const ELF = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(56).fill(0)]);
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, ...new Array(50).fill(0)]);

let cast: Awaited<ReturnType<typeof createProjectWithCast>>;
let issueKey: string;

beforeAll(() => expect(process.env.DATA_DIR).toContain("specline-uploads-"));

beforeEach(async () => {
  cast = await createProjectWithCast();
  issueKey = (await callerFor(cast.reporter.id).issue.create({ projectKey: cast.key, title: "Screenshot attached" }))
    .key;
});

/** Uploads as the reporter (or `userId`) through the service, with the scope the procedures would build. */
const upload = async (filename: string, bytes: Uint8Array, userId = cast.reporter.id) =>
  addAttachment({ scope: await projectScopeFor(userId, cast.key), input: { key: issueKey, filename, content: bytes } });

describe("attachment type detection", () => {
  it("trusts the bytes, not the name", async () => {
    expect(await detectType("shot.png", PNG)).toBe("image/png");
    expect(await detectType("renamed.txt", PNG)).toBe("image/png");
    expect(await detectType("spec.pdf", PDF)).toBe("application/pdf");
    expect(await detectType("notes.md", new TextEncoder().encode("# Notes\n\nAll good.\n"))).toBe("text/markdown");
  });

  it.each([
    ["an ELF binary renamed to .txt", "run.txt", ELF],
    ["a Windows executable renamed to .png", "photo.png", EXE],
    ["binary bytes in a .csv", "data.csv", Uint8Array.from([0, 1, 2, 3, 0xff, 0xfe])],
    ["an unknown extension", "script.sh", new TextEncoder().encode("#!/bin/sh\nrm -rf /\n")],
  ])("refuses %s", async (_label, name, bytes) => {
    await expect(detectType(name, bytes)).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
  });
});

describe("attachments", () => {
  it("stores the file, lists it, and serves it to people who can see the issue", async () => {
    const saved = await upload("../../etc/passwd shot.png", PNG);
    expect(saved).toMatchObject({ filename: "passwd shot.png", contentType: "image/png", size: PNG.byteLength });
    const listed = await callerFor(cast.maintainer.id).issue.attachments.list({ key: issueKey });
    expect(listed.items.map((a) => a.id)).toEqual([saved.id]);

    const file = await readAttachment({ userId: cast.maintainer.id, id: saved.id, requestId: "test" });
    expect(Buffer.from(file.bytes).equals(Buffer.from(PNG))).toBe(true);
    expect(await db.auditEvent.count({ where: { entityId: saved.id, action: "issue.attachment_added" } })).toBe(1);
  });

  it("refuses another reporter and non-members with NOT_FOUND", async () => {
    const saved = await upload("spec.pdf", PDF);
    const other = await createUser();
    await addMembership(cast.project.id, other.id, "REPORTER");
    for (const userId of [other.id, cast.nonMember.id]) {
      await expect(readAttachment({ userId: userId, id: saved.id, requestId: "test" })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
    await expect(readAttachment({ userId: cast.maintainer.id, id: "nope", requestId: "test" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(upload("x.png", PNG, other.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses oversized, empty and disallowed files, writing nothing", async () => {
    const before = await db.attachment.count();
    await expect(upload("big.txt", new Uint8Array(64 * 1024 + 1).fill(65))).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    await expect(upload("empty.txt", new Uint8Array())).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(upload("totally-a-photo.png", EXE)).rejects.toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(await db.attachment.count()).toBe(before);
  });
});

describe("removing an attachment", () => {
  const storedFiles = async () => {
    const { readdir } = await import("node:fs/promises");
    const root = path.join(process.env.DATA_DIR ?? "", "uploads");
    const dirs = await readdir(root).catch(() => [] as string[]);
    const files = await Promise.all(dirs.map((d) => readdir(path.join(root, d)).catch(() => [] as string[])));
    return files.flat().length;
  };

  it("lets the uploader and a maintainer remove it, audited, bytes gone; nobody else", async () => {
    const mine = await upload("mine.png", PNG);
    const theirs = await upload("theirs.png", PNG);
    const filesBefore = await storedFiles();

    // Another member who may see the issue but did not attach the file, and is no maintainer.
    const otherReporter = await createUser();
    await addMembership(cast.project.id, otherReporter.id, "REPORTER");
    await expect(
      callerFor(otherReporter.id).issue.attachments.delete({ key: issueKey, attachmentId: mine.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      callerFor(cast.nonMember.id).issue.attachments.delete({ key: issueKey, attachmentId: mine.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The wrong issue, a forged id.
    const otherIssue = await callerFor(cast.maintainer.id).issue.create({ projectKey: cast.key, title: "Elsewhere" });
    await expect(
      callerFor(cast.maintainer.id).issue.attachments.delete({ key: otherIssue.key, attachmentId: mine.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      callerFor(cast.reporter.id).issue.attachments.delete({ key: issueKey, attachmentId: "../../etc" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db.attachment.count({ where: { id: { in: [mine.id, theirs.id] } } })).toBe(2);

    // The uploader.
    await expect(
      callerFor(cast.reporter.id).issue.attachments.delete({ key: issueKey, attachmentId: mine.id }),
    ).resolves.toEqual({ ok: true });
    // A maintainer, for someone else's file.
    await expect(
      callerFor(cast.maintainer.id).issue.attachments.delete({ key: issueKey, attachmentId: theirs.id }),
    ).resolves.toEqual({ ok: true });
    expect(await db.attachment.count({ where: { id: { in: [mine.id, theirs.id] } } })).toBe(0);
    expect(await storedFiles()).toBe(filesBefore - 2);
    const audit = await db.auditEvent.findMany({
      where: { action: "issue.attachment_deleted", entityId: { in: [mine.id, theirs.id] } },
      select: { actorId: true, before: true },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.actorId)).toEqual([cast.reporter.id, cast.maintainer.id]);
    expect(audit[0]?.before).toMatchObject({ filename: "mine.png", contentType: "image/png" });
    // Gone is gone: a second removal finds nothing.
    await expect(
      callerFor(cast.maintainer.id).issue.attachments.delete({ key: issueKey, attachmentId: mine.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a reporter removing a file someone else attached to an issue they can see", async () => {
    const byMaintainer = await upload("maintainer.png", PNG, cast.maintainer.id);
    await expect(
      callerFor(cast.reporter.id).issue.attachments.delete({ key: issueKey, attachmentId: byMaintainer.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.attachment.count({ where: { id: byMaintainer.id } })).toBe(1);
  });
});
