"use client";
import { useId, useRef, useState } from "react";

import { Markdown } from "@/components/markdown";
import { cn, focusRing } from "@/components/ui/cn";
import { Textarea } from "@/components/ui/input";

import { attachmentMarkdown, namedPaste, type UploadedAttachment } from "./upload";

/** A Markdown textarea with a Write / Preview switch. The preview uses the one safe renderer. */
export function MarkdownEditor({
  id,
  value,
  onChange,
  rows = 6,
  placeholder,
  invalid,
  label,
  textareaRef,
  onKeyDown,
  onUploadFile,
  "aria-describedby": describedBy,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  rows?: number;
  placeholder?: string;
  invalid?: boolean;
  label?: string;
  textareaRef?: React.Ref<HTMLTextAreaElement>;
  onKeyDown?: React.KeyboardEventHandler<HTMLTextAreaElement>;
  /**
   * Uploads a file pasted or dropped into the text; the editor writes it in
   * as `![name](…)` (an image) or a link, where the cursor was.
   */
  onUploadFile?: (file: File) => Promise<UploadedAttachment>;
  "aria-describedby"?: string;
}) {
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(0);
  const valueRef = useRef(value);
  valueRef.current = value;

  /** Puts a placeholder at the cursor, uploads, then swaps the placeholder for the file's Markdown. */
  async function insertFiles(files: File[], at: number) {
    if (!onUploadFile || files.length === 0) return;
    setUploadError(null);
    for (const original of files) {
      const file = namedPaste(original);
      const placeholder = `![Uploading ${file.name}…]()`;
      const current = valueRef.current;
      const pos = Math.min(at, current.length);
      const sep = pos > 0 && !current.slice(0, pos).endsWith("\n") ? "\n" : "";
      const inserted = `${sep}${placeholder}\n`;
      onChange(current.slice(0, pos) + inserted + current.slice(pos));
      valueRef.current = current.slice(0, pos) + inserted + current.slice(pos);
      at = pos + inserted.length;
      setUploading((n) => n + 1);
      try {
        const uploaded = await onUploadFile(file);
        const next = valueRef.current.replace(placeholder, attachmentMarkdown(uploaded));
        valueRef.current = next;
        onChange(next);
      } catch (err) {
        const next = valueRef.current.replace(`${placeholder}\n`, "").replace(placeholder, "");
        valueRef.current = next;
        onChange(next);
        setUploadError(err instanceof Error ? err.message : String(err));
      } finally {
        setUploading((n) => n - 1);
      }
    }
  }

  const fileHandlers = onUploadFile
    ? {
        onPaste: (e: React.ClipboardEvent<HTMLTextAreaElement>) => {
          const files = [...e.clipboardData.files];
          if (files.length === 0) return;
          e.preventDefault();
          void insertFiles(files, e.currentTarget.selectionStart);
        },
        onDrop: (e: React.DragEvent<HTMLTextAreaElement>) => {
          const files = [...e.dataTransfer.files];
          if (files.length === 0) return;
          e.preventDefault();
          e.stopPropagation();
          void insertFiles(files, e.currentTarget.selectionStart);
        },
      }
    : {};
  const tabsId = useId();
  const tabBtn = (t: "write" | "preview", text: string) => (
    <button
      type="button"
      role="tab"
      id={`${tabsId}-${t}`}
      aria-selected={tab === t}
      aria-controls={`${tabsId}-${t}-panel`}
      onClick={() => setTab(t)}
      className={cn(
        "rounded px-2 py-0.5 text-xs font-medium transition-colors",
        focusRing,
        "focus-visible:ring-offset-0",
        tab === t
          ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-50 dark:ring-zinc-700"
          : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
      )}
    >
      {text}
    </button>
  );
  return (
    <div>
      <div
        role="tablist"
        aria-label={label ? `${label} editor` : "Editor"}
        className="mb-1.5 inline-flex gap-0.5 rounded-md bg-zinc-100 p-0.5 dark:bg-zinc-800/60"
      >
        {tabBtn("write", "Write")}
        {tabBtn("preview", "Preview")}
      </div>
      <div role="tabpanel" id={`${tabsId}-write-panel`} aria-labelledby={`${tabsId}-write`} hidden={tab !== "write"}>
        <Textarea
          id={id}
          ref={textareaRef}
          rows={rows}
          value={value}
          invalid={invalid}
          placeholder={placeholder}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          className="font-mono text-[13px]"
          {...fileHandlers}
        />
      </div>
      {tab === "preview" ? (
        <div
          role="tabpanel"
          id={`${tabsId}-preview-panel`}
          aria-labelledby={`${tabsId}-preview`}
          className="min-h-20 rounded-md border border-zinc-200 bg-zinc-50/50 px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-950/40"
        >
          {value.trim() ? (
            <Markdown>{value}</Markdown>
          ) : (
            <p className="text-zinc-500 italic dark:text-zinc-400">Nothing to preview.</p>
          )}
        </div>
      ) : null}
      {uploadError ? (
        <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {uploadError}
        </p>
      ) : null}
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
        {uploading > 0
          ? "Uploading…"
          : onUploadFile
            ? "Markdown supported. Paste or drop images and files to attach them."
            : "Markdown supported."}
      </p>
    </div>
  );
}
