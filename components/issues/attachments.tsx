"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { TrashIcon } from "@/components/icons";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

import { attachmentUrl, isPreviewable, uploadFile } from "./upload";

type Attachment = RouterOutputs["issue"]["attachments"]["list"]["items"][number];

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

interface Upload {
  id: number;
  name: string;
  progress: number;
  error?: string;
}

/**
 * An issue's files: image thumbnails with a preview, downloads for the rest,
 * upload by button or by dropping files on the section, and removal by the
 * uploader or a maintainer (`canTriage`).
 */
export function AttachmentsSection({
  issueKey,
  canUpload,
  canTriage = false,
  currentUserId,
}: {
  issueKey: string;
  canUpload: boolean;
  canTriage?: boolean;
  currentUserId?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.issue.attachments.list.queryOptions({ key: issueKey }, { retry: false }));
  const inputRef = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const lastUploadId = useRef(0);

  const [dragging, setDragging] = useState(false);
  const [preview, setPreview] = useState<Attachment | null>(null);
  const [removing, setRemoving] = useState<Attachment | null>(null);
  const remove = useMutation(
    trpc.issue.attachments.delete.mutationOptions({
      onSuccess: async () => {
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.issue.attachments.list.queryKey({ key: issueKey }) });
      },
    }),
  );

  async function onFiles(files: FileList | File[] | null) {
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

  const dropHandlers = canUpload
    ? {
        onDragOver: (e: React.DragEvent) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setDragging(true);
        },
        onDragLeave: (e: React.DragEvent) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        },
        onDrop: (e: React.DragEvent) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          setDragging(false);
          void onFiles([...e.dataTransfer.files]);
        },
      }
    : {};

  return (
    <section
      aria-labelledby="attachments-heading"
      className={cn(
        "relative space-y-3 rounded-lg",
        dragging && "outline-2 outline-offset-4 outline-indigo-500 outline-dashed",
      )}
      {...dropHandlers}
    >
      {dragging ? (
        <p className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center rounded-lg bg-indigo-50/90 text-sm font-medium text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-200">
          Drop to attach
        </p>
      ) : null}
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
          {items.map((a) => {
            const mayRemove = canUpload && (canTriage || a.uploader?.id === currentUserId);
            return (
              <li key={a.id} className="flex items-center gap-3 px-3 py-2 text-[13px]">
                {isPreviewable(a.contentType) ? (
                  <button
                    type="button"
                    onClick={() => setPreview(a)}
                    className={cn(
                      "size-10 shrink-0 overflow-hidden rounded border border-zinc-200 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-800",
                      focusRing,
                    )}
                    aria-label={`Preview ${a.filename}`}
                  >
                    {/* biome-ignore lint/performance/noImgElement: a private, per-user download, not an optimisable public asset */}
                    <img src={attachmentUrl(a.id, true)} alt="" loading="lazy" className="size-full object-cover" />
                  </button>
                ) : (
                  <span
                    aria-hidden="true"
                    className="flex size-10 shrink-0 items-center justify-center rounded border border-zinc-200 bg-zinc-50 font-mono text-[10px] text-zinc-500 uppercase dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-400"
                  >
                    {a.filename.includes(".") ? a.filename.split(".").pop()?.slice(0, 4) : "file"}
                  </span>
                )}
                <div className="min-w-0 flex-1">
                  <a
                    href={attachmentUrl(a.id)}
                    className={cn(
                      "block truncate rounded-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300",
                      focusRing,
                    )}
                    download={a.filename}
                  >
                    {a.filename}
                  </a>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">
                    {formatBytes(a.size)}
                    {a.uploader ? ` · ${a.uploader.name}` : ""} · <LocalTime date={a.createdAt} mode="relative" />
                  </span>
                </div>
                {mayRemove ? (
                  <button
                    type="button"
                    onClick={() => setRemoving(a)}
                    aria-label={`Remove ${a.filename}`}
                    className={cn(
                      "flex size-7 shrink-0 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-red-600 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-red-400",
                      focusRing,
                    )}
                  >
                    <TrashIcon className="size-4" />
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : !list.isPending && !list.isError ? (
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          No attachments.{canUpload ? " Drop files here, or paste a screenshot into a comment." : ""}
        </p>
      ) : null}
      {preview ? (
        <Dialog
          open
          onClose={() => setPreview(null)}
          title={preview.filename}
          description={`${formatBytes(preview.size)}${preview.uploader ? ` · ${preview.uploader.name}` : ""}`}
          className="max-w-3xl"
          footer={
            <a
              href={attachmentUrl(preview.id)}
              download={preview.filename}
              className={cn("text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}
            >
              Download
            </a>
          }
        >
          {/* biome-ignore lint/performance/noImgElement: a private, per-user download, not an optimisable public asset */}
          <img
            src={attachmentUrl(preview.id, true)}
            alt={preview.filename}
            className="mx-auto max-h-[70vh] w-auto rounded border border-zinc-200 dark:border-zinc-800"
          />
        </Dialog>
      ) : null}
      {removing ? (
        <Dialog
          open
          onClose={() => setRemoving(null)}
          title={`Remove ${removing.filename}?`}
          description="The file is deleted for everyone. The issue's history keeps a note that it was removed, and by whom."
          footer={
            <>
              <Button onClick={() => setRemoving(null)}>Cancel</Button>
              <Button
                variant="danger"
                loading={remove.isPending}
                onClick={() => remove.mutate({ key: issueKey, attachmentId: removing.id })}
              >
                Remove file
              </Button>
            </>
          }
        >
          {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
        </Dialog>
      ) : null}
    </section>
  );
}
