/**
 * Issue attachments. The type is decided by the file's bytes (magic numbers),
 * not by its name or the browser's claim, and must be on the allow-list; a
 * renamed executable is refused. Readers need the same visibility as for the
 * issue itself.
 */
import { createHash, randomUUID } from "node:crypto";

import { fileTypeFromBuffer } from "file-type";

import { getEnv } from "@/lib/env.mjs";
import { authorizeOrThrow, type ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { applyChange } from "@/server/services/change";
import { findVisibleIssueOrThrow } from "@/server/services/issues/issue-access";

import { attachmentStorage } from "./storage";

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

function isPlainText(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    // Tabs, newlines and carriage returns are fine; other control characters mean binary.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
  } catch {
    return false;
  }
}

export async function detectType(filename: string, bytes: Uint8Array): Promise<string> {
  const sniffed = await fileTypeFromBuffer(bytes);
  if (sniffed) {
    if (BINARY_TYPES.has(sniffed.mime)) return sniffed.mime;
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Files of type ${sniffed.mime} cannot be attached`, {
      detected: sniffed.mime,
    });
  }
  const ext = filename.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? "";
  const textType = TEXT_TYPES[ext];
  if (textType && isPlainText(bytes)) return textType;
  throw new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    "This kind of file cannot be attached (allowed: images, PDF, Office documents, archives and plain text)",
  );
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
  uploader: { select: { id: true, name: true } },
} as const;

export async function addAttachment({
  scope,
  input,
}: {
  scope: ProjectScope;
  input: { key: string; filename: string; bytes: Uint8Array };
}) {
  const max = getEnv().ATTACHMENT_MAX_BYTES;
  if (input.bytes.byteLength === 0) throw new AppError("BAD_REQUEST", "The file is empty");
  if (input.bytes.byteLength > max) {
    throw new AppError("PAYLOAD_TOO_LARGE", `Attachments can be at most ${Math.floor(max / 1024 / 1024)} MB`);
  }
  const issue = await findVisibleIssueOrThrow(scope, input.key);
  const filename = cleanFilename(input.filename);
  const contentType = await detectType(filename, input.bytes);
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const storageKey = `${scope.projectId.toLowerCase().replace(/[^a-z0-9]/g, "")}/${randomUUID()}`;
  const storage = attachmentStorage();
  await storage.put(storageKey, input.bytes);
  try {
    return await applyChange(scope.actor, async (tx, record) => {
      const attachment = await tx.attachment.create({
        data: {
          issueId: issue.id,
          projectId: scope.projectId,
          filename,
          contentType,
          size: input.bytes.byteLength,
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
export async function openAttachment(opts: { userId: string; id: string; requestId: string }) {
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
