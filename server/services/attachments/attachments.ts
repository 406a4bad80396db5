/**
 * Issue attachments. The type is decided by the file's bytes (magic numbers),
 * not by its name or the browser's claim, and must be on the allow-list; a
 * renamed executable is refused. Readers need the same visibility as for the
 * issue itself.
 *
 * An upload is streamed: its first 64 KB decide the type, then the bytes go
 * to storage as they arrive, counted (ATTACHMENT_MAX_BYTES), hashed and, for
 * text, checked as they pass. A file that turns out too large or not text
 * part-way is removed from storage again.
 *
 * An upload sent with an Idempotency-Key is identified by the issue, the file
 * name as sent and the bytes' sha256 (`uploadRequestHash`); the key is
 * claimed in the transaction that records the attachment, like any keyed
 * create, and a duplicate that lost the race removes its stored copy.
 */

import { createHash, randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import { getEnv } from "@/lib/env.mjs";
import { ownerOrRoleHas } from "@/server/auth/permissions";
import { authorizeOrThrow, type ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { type Actor, applyChange } from "@/server/services/change";
import { requestHash } from "@/server/services/idempotency";
import { findVisibleIssueOrThrow } from "@/server/services/issues/issue-access";
import { personSelect } from "@/server/services/users/user-select";
import { type AttachmentContent, attachmentStorage } from "./storage";

/** Binary formats recognised by their signature. */
const BINARY_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "application/x-tar",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
]);

/** Text formats have no signature: accepted when the bytes are valid UTF-8 without control characters. */
const TEXT_TYPES: Record<string, string> = {
  ".txt": "text/plain",
  ".log": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".json": "application/json",
  ".xml": "application/xml",
  ".yaml": "text/yaml",
  ".yml": "text/yaml",
};

export const MAX_FILENAME = 200;

/**
 * The start of a file that decides its type. file-type needs about 4 KB for
 * most formats; Office documents are recognised from the zip entries that
 * follow, so a little more is kept.
 */
export const SNIFF_BYTES = 64 * 1024;

// Tabs, newlines and carriage returns are fine; other control characters mean binary.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Checks bytes chunk by chunk for valid UTF-8 without control characters. */
class PlainTextCheck {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private ok = true;

  push(chunk: Uint8Array): boolean {
    return this.check(() => this.decoder.decode(chunk, { stream: true }));
  }

  /** After the last chunk: a sequence cut off at the end is not text either. */
  end(): boolean {
    return this.check(() => this.decoder.decode());
  }

  private check(decode: () => string): boolean {
    if (!this.ok) return false;
    try {
      this.ok = !CONTROL_CHARACTERS.test(decode());
    } catch {
      this.ok = false;
    }
    return this.ok;
  }
}

const notAllowed = () =>
  new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    "This kind of file cannot be attached (allowed: images, PDF, Office documents, archives and plain text)",
  );

/** The type decided by the file's first bytes; `text` types still need every byte checked. */
async function sniffType(filename: string, head: Uint8Array): Promise<{ contentType: string; text: boolean }> {
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) {
    if (BINARY_TYPES.has(sniffed.mime)) return { contentType: sniffed.mime, text: false };
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Files of type ${sniffed.mime} cannot be attached`, {
      detected: sniffed.mime,
    });
  }
  const ext = filename.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? "";
  const textType = TEXT_TYPES[ext];
  if (textType) return { contentType: textType, text: true };
  throw notAllowed();
}

export async function detectType(filename: string, bytes: Uint8Array): Promise<string> {
  const { contentType, text } = await sniffType(filename, bytes.subarray(0, SNIFF_BYTES));
  if (text) {
    const check = new PlainTextCheck();
    if (!check.push(bytes) || !check.end()) throw notAllowed();
  }
  return contentType;
}

const tooLarge = (max: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `Attachments can be at most ${Math.floor(max / 1024 / 1024)} MB`);

/** The upload's chunks, failing with PAYLOAD_TOO_LARGE as soon as their total passes `max`. */
async function* withinLimit(content: AttachmentContent, max: number): AsyncGenerator<Uint8Array> {
  if (content instanceof Uint8Array) {
    if (content.byteLength > max) throw tooLarge(max);
    yield content;
    return;
  }
  let total = 0;
  for await (const chunk of content) {
    total += chunk.byteLength;
    if (total > max) throw tooLarge(max);
    yield chunk;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what file names must not carry
const UNSAFE_FILENAME_CHARACTERS = /[\u0000-\u001F\u007F"<>|*?:]/g;

function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(UNSAFE_FILENAME_CHARACTERS, "_").trim().slice(0, MAX_FILENAME);
  return cleaned || "attachment";
}

export const attachmentSelect = {
  id: true,
  filename: true,
  contentType: true,
  size: true,
  sha256: true,
  createdAt: true,
  uploader: { select: personSelect },
} as const;

/** What an upload's Idempotency-Key is compared on: the issue, the file name as sent, the bytes. */
export function uploadRequestHash(input: { key: string; filename: string; sha256: string }): string {
  return requestHash({ key: input.key, filename: input.filename, sha256: input.sha256 });
}

/**
 * The request hash of an upload whose key was already answered: the bytes
 * are read and hashed to compare them with the first upload's, and stored
 * nowhere. Held to the same size limit as an upload.
 */
export async function hashUpload(input: { key: string; filename: string; content: AttachmentContent }) {
  const hash = createHash("sha256");
  for await (const chunk of withinLimit(input.content, getEnv().ATTACHMENT_MAX_BYTES)) hash.update(chunk);
  return uploadRequestHash({ key: input.key, filename: input.filename, sha256: hash.digest("hex") });
}

/**
 * Stores an upload on an issue the caller can see. `content` is the whole
 * file or its bytes as they arrive (an upload's stream); nothing beyond the
 * first SNIFF_BYTES is held in memory on local disk. With `idempotency` (the
 * request's key and route), the upload is a keyed create: a duplicate of an
 * answered one ends in IdempotentReplay, its stored copy removed.
 */
export async function addAttachment({
  scope,
  input,
  idempotency,
}: {
  scope: ProjectScope;
  input: { key: string; filename: string; content: AttachmentContent };
  idempotency?: { key: string; scope: string };
}) {
  const max = getEnv().ATTACHMENT_MAX_BYTES;
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const filename = cleanFilename(input.filename);

  const chunks = withinLimit(input.content, max);
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < SNIFF_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
  } catch (err) {
    await chunks.return(undefined);
    throw err;
  }
  if (headBytes === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  const { contentType, text } = await sniffType(filename, Buffer.concat(head)).catch(async (err: unknown) => {
    await chunks.return(undefined);
    throw err;
  });

  const hash = createHash("sha256");
  const textCheck = text ? new PlainTextCheck() : null;
  let size = 0;
  async function* checked(): AsyncGenerator<Uint8Array> {
    const rest = ended ? [] : { [Symbol.asyncIterator]: () => chunks };
    for (const part of [head, rest]) {
      for await (const chunk of part) {
        size += chunk.byteLength;
        hash.update(chunk);
        if (textCheck && !textCheck.push(chunk)) throw notAllowed();
        yield chunk;
      }
    }
    if (textCheck && !textCheck.end()) throw notAllowed();
  }

  const storageKey = `${scope.projectId.toLowerCase().replace(/[^a-z0-9]/g, "")}/${randomUUID()}`;
  const storage = attachmentStorage();
  try {
    await storage.put(storageKey, checked());
  } catch (err) {
    // The store removes what it wrote of a failed upload; this covers a store that could not.
    await storage.remove(storageKey).catch(() => {});
    throw err;
  }
  const sha256 = hash.digest("hex");
  const actor: Actor = idempotency
    ? {
        ...scope.actor,
        idempotency: {
          ...idempotency,
          requestHash: uploadRequestHash({ key: input.key, filename: input.filename, sha256 }),
        },
      }
    : scope.actor;
  try {
    return await applyChange(actor, async (tx, record) => {
      const attachment = await tx.attachment.create({
        data: {
          issueId: issue.id,
          projectId: scope.projectId,
          filename,
          contentType,
          size,
          sha256,
          storageKey,
          uploaderId: scope.userId,
        },
        select: attachmentSelect,
      });
      record({
        action: "issue.attachment_added",
        entityType: "Attachment",
        entityId: attachment.id,
        projectId: scope.projectId,
        after: attachment,
        data: { issueKey: issue.key },
      });
      return attachment;
    });
  } catch (err) {
    await storage.remove(storageKey).catch(() => {});
    throw err;
  }
}

/**
 * Removes an attachment: its uploader, or anyone who triages the project's
 * issues. The row goes in one audited change; the stored bytes are removed
 * after it committed (if that fails, the orphaned-upload retention removes
 * them later: nothing points at them any more).
 */
export async function deleteAttachment({ scope, input }: { scope: ProjectScope; input: { key: string; id: string } }) {
  const storageKey = await applyChange(scope.actor, async (tx, record) => {
    const issue = await findVisibleIssueOrThrow(scope, input.key, tx);
    const attachment = await tx.attachment.findFirst({
      where: { id: input.id, issueId: issue.id },
      select: { ...attachmentSelect, storageKey: true, uploaderId: true },
    });
    if (!attachment) throw new AppError("NOT_FOUND", "Attachment not found");
    if (!ownerOrRoleHas(scope, attachment.uploaderId, "issue:triage")) {
      throw new AppError("FORBIDDEN", "Only the person who attached a file or a maintainer can remove it");
    }
    await tx.attachment.delete({ where: { id: attachment.id } });
    const { storageKey: key, uploaderId: _uploader, ...before } = attachment;
    record({
      action: "issue.attachment_deleted",
      entityType: "Attachment",
      entityId: attachment.id,
      projectId: scope.projectId,
      before,
      data: { issueKey: issue.key },
    });
    return key;
  });
  await attachmentStorage()
    .remove(storageKey)
    .catch(() => undefined);
  return { ok: true as const };
}

export async function listAttachments({ scope, input }: { scope: ProjectScope; input: { key: string } }) {
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const items = await db.attachment.findMany({
    where: { issueId: issue.id },
    orderBy: { createdAt: "asc" },
    select: attachmentSelect,
  });
  return { items };
}

/**
 * The attachment's bytes, streamed, for a caller who can see its issue;
 * NOT_FOUND otherwise. The download names an attachment, not a project, so
 * the caller's scope is resolved here from the attachment's project.
 */
export async function openAttachment(opts: {
  userId: string;
  sessionId?: string;
  apiToken?: { id: string; scope: "READ" | "WRITE" };
  id: string;
  requestId: string;
}) {
  const attachment = await db.attachment.findUnique({
    where: { id: opts.id },
    select: {
      ...attachmentSelect,
      storageKey: true,
      issue: { select: { key: true, project: { select: { key: true } } } },
    },
  });
  if (!attachment) throw new AppError("NOT_FOUND", "Attachment not found");
  // Not a member, or the issue is not visible to them: the same answer as for an unknown id.
  const hidden = (err: unknown): never => {
    throw err instanceof AppError && err.code === "NOT_FOUND" ? new AppError("NOT_FOUND", "Attachment not found") : err;
  };
  const projectKey = attachment.issue.project.key;
  const { scope } = await authorizeOrThrow({
    userId: opts.userId,
    sessionId: opts.sessionId,
    apiToken: opts.apiToken,
    projectKey,
    permission: "issue:readOwn",
    requestId: opts.requestId,
  }).catch(hidden);
  await findVisibleIssueOrThrow(scope, attachment.issue.key).catch(hidden);
  const body = await attachmentStorage().open(attachment.storageKey);
  return { filename: attachment.filename, contentType: attachment.contentType, size: attachment.size, body };
}

/** The attachment's bytes in memory (small files, tests); same checks as openAttachment. */
export async function readAttachment(opts: { userId: string; id: string; requestId: string }) {
  const { body, ...file } = await openAttachment(opts);
  return { ...file, bytes: new Uint8Array(await new Response(body).arrayBuffer()) };
}
