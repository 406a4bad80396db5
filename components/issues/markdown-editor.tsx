"use client";
import { useId, useState } from "react";

import { Markdown } from "@/components/markdown";
import { cn, focusRing } from "@/components/ui/cn";
import { Textarea } from "@/components/ui/input";

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
  "aria-describedby"?: string;
}) {
  const [tab, setTab] = useState<"write" | "preview">("write");
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
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">Markdown supported.</p>
    </div>
  );
}
