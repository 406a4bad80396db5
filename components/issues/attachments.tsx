"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function uploadFile(issueKey: string, file: File, onProgress: (pct: number) => void): Promise<void> {
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
      if (xhr.status === 201 || xhr.status === 200) return resolve();
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

interface Upload {
  id: number;
  name: string;
  progress: number;
  error?: string;
}

export function AttachmentsSection({ issueKey, canUpload }: { issueKey: string; canUpload: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.issue.attachments.list.queryOptions({ key: issueKey }, { retry: false }));
  const inputRef = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const lastUploadId = useRef(0);

  async function onFiles(files: FileList | null) {
    if (!files?.length) return;
    const chosen = [...files].map((file) => ({ file, id: ++lastUploadId.current }));
    setUploads(chosen.map(({ file, id }) => ({ id, name: file.name, progress: 0 })));
    const update = (id: number, patch: Partial<Upload>) =>
      setUploads((u) => u.map((x) => (x.id === id ? { ...x, ...patch } : x)));
    await Promise.all(
      chosen.map(async ({ file, id }) => {
        try {
          await uploadFile(issueKey, file, (progress) => update(id, { progress }));
          update(id, { progress: 100 });
        } catch (err) {
          update(id, { error: (err as Error).message });
        }
      }),
    );
    if (inputRef.current) inputRef.current.value = "";
    // A first load still in flight started before the upload: drop it, or the refetch would reuse its answer.
    const queryKey = trpc.issue.attachments.list.queryKey({ key: issueKey });
    await queryClient.cancelQueries({ queryKey });
    await queryClient.invalidateQueries({ queryKey });
    setUploads((u) => u.filter((x) => x.error));
  }

  const items = list.data?.items ?? [];

  return (
    <section aria-labelledby="attachments-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="attachments-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          Attachments {items.length ? <span className="font-normal text-zinc-500">({items.length})</span> : null}
        </h2>
        {canUpload ? (
          <>
            <input
              ref={inputRef}
              id={`attach-${issueKey}`}
              type="file"
              multiple
              className="hidden"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => onFiles(e.target.files)}
            />
            <Button size="sm" onClick={() => inputRef.current?.click()}>
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-3.5"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.6"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="m13.5 7.5-5.3 5.3a3.3 3.3 0 0 1-4.7-4.7l5.6-5.6a2.2 2.2 0 0 1 3.1 3.1L6.6 11.2a1.1 1.1 0 0 1-1.6-1.6l5-5" />
              </svg>
              Attach file
            </Button>
          </>
        ) : null}
      </div>
      {list.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Loading attachments…
        </p>
      ) : list.isError ? (
        <Alert>{errorMessage(list.error, "Could not load attachments.")}</Alert>
      ) : null}
      {uploads.length ? (
        <ul className="space-y-2">
          {uploads.map((u) => (
            <li key={u.id} className="rounded-md border border-zinc-200 px-3 py-2 text-[13px] dark:border-zinc-800">
              <div className="flex items-center justify-between gap-2">
                <span className="truncate">{u.name}</span>
                <span className="shrink-0 text-xs text-zinc-500">{u.error ? "Failed" : `${u.progress}%`}</span>
              </div>
              {u.error ? (
                <p role="alert" className="mt-1 text-red-600 dark:text-red-400">
                  {u.error}
                </p>
              ) : (
                <div
                  role="progressbar"
                  aria-label={`Uploading ${u.name}`}
                  aria-valuenow={u.progress}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  className="mt-1.5 h-1 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
                >
                  <div className="h-full bg-indigo-500 transition-[width]" style={{ width: `${u.progress}%` }} />
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {items.length ? (
        <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {items.map((a) => (
            <li key={a.id} className="flex items-center gap-3 px-3 py-2 text-[13px]">
              <a
                href={`/api/attachments/${a.id}`}
                className={cn(
                  "min-w-0 flex-1 truncate rounded-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300",
                  focusRing,
                )}
                download={a.filename}
              >
                {a.filename}
              </a>
              <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
                {formatBytes(a.size)}
                {a.uploader ? ` · ${a.uploader.name}` : ""} · <LocalTime date={a.createdAt} mode="relative" />
              </span>
            </li>
          ))}
        </ul>
      ) : !list.isPending && !list.isError ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">No attachments.</p>
      ) : null}
    </section>
  );
}
