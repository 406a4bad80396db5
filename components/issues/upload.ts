/** Uploading a file to an issue from the browser: progress, typed errors, and how an upload is written in Markdown. */
import { INLINE_IMAGE_TYPES } from "@/lib/attachment-types";

export interface UploadedAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export function isPreviewable(contentType: string): boolean {
  return INLINE_IMAGE_TYPES.has(contentType);
}

export function attachmentUrl(id: string, inline = false): string {
  return `/api/attachments/${encodeURIComponent(id)}${inline ? "?inline=1" : ""}`;
}

/** An image as `![name](…?inline=1)`, any other file as a link to its download. */
export function attachmentMarkdown(a: UploadedAttachment): string {
  const name = a.filename.replace(/[[\]\\]/g, "");
  return isPreviewable(a.contentType)
    ? `![${name}](${attachmentUrl(a.id, true)})`
    : `[${name}](${attachmentUrl(a.id)})`;
}

/** POSTs one file to the issue (multipart, field `file`), reporting progress; rejects with a message people can read. */
export function uploadFile(
  issueKey: string,
  file: File,
  onProgress: (pct: number) => void = () => undefined,
): Promise<UploadedAttachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/issues/${encodeURIComponent(issueKey)}/attachments`);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new Error("Upload failed: could not reach the server."));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201 || xhr.status === 200) return resolve(body as UploadedAttachment);
      const serverMessage = (body as { error?: { message?: string } } | null)?.error?.message;
      if (xhr.status === 413) return reject(new Error(serverMessage ?? `${file.name} is too large.`));
      if (xhr.status === 415) return reject(new Error(serverMessage ?? `${file.name}: this file type is not allowed.`));
      reject(new Error(serverMessage ?? `Upload failed (${xhr.status}).`));
    };
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

/** A pasted screenshot arrives as "image.png": give it a name that says when. */
export function namedPaste(file: File): File {
  if (file.name && file.name !== "image.png") return file;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
  const ext = file.type.split("/")[1] ?? "png";
  return new File([file], `pasted-${stamp}.${ext}`, { type: file.type });
}
