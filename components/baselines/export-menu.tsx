"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ChevronDownIcon } from "@/components/icons";
import { errorMessage } from "@/components/trpc-errors";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { usePopover } from "@/components/ui/use-popover";
import { useTRPC } from "@/lib/trpc/react";

export type ExportFormat = "json" | "csv" | "markdown";

export const EXPORT_FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  { value: "json", label: "JSON", hint: "Every field, for tools" },
  { value: "csv", label: "CSV", hint: "One row per requirement" },
  { value: "markdown", label: "Markdown", hint: "A readable specification" },
];

/** Asks the server for an export and saves it as a file with the name and type it returns. */
export function useExport(projectKey: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function download(id: string, format: ExportFormat) {
    setPending(format);
    setError(null);
    try {
      const file = await queryClient.fetchQuery(
        trpc.baseline.export.queryOptions({ projectKey, id, format }, { staleTime: 0 }),
      );
      const url = URL.createObjectURL(new Blob([file.content], { type: file.contentType }));
      const a = document.createElement("a");
      a.href = url;
      a.download = file.filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorMessage(err, "The export failed. Please try again."));
    } finally {
      setPending(null);
    }
  }
  return { download, pending, error };
}

/** "Export ▾" with JSON, CSV and Markdown. */
export function ExportMenu({
  projectKey,
  id,
  label = "Export",
  align = "right",
}: {
  projectKey: string;
  id: string;
  label?: string;
  align?: "left" | "right";
}) {
  const { download, pending, error } = useExport(projectKey);
  const { open, setOpen, rootRef, buttonRef, panelId, handlers: menuHandlers } = usePopover({ items: "[data-format]" });

  return (
    <div ref={rootRef} className="relative">
      <Button
        ref={buttonRef}
        size="sm"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        {...menuHandlers}
      >
        {pending ? (
          <Spinner className="size-3.5" label="Preparing export" />
        ) : (
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            className="size-3.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
            strokeLinejoin="round"
          >
            <path d="M8 2.25v8M4.75 7 8 10.25 11.25 7M2.75 11.75v1a1 1 0 0 0 1 1h8.5a1 1 0 0 0 1-1v-1" />
          </svg>
        )}
        {label}
        <ChevronDownIcon className="size-3.5 text-zinc-400" />
      </Button>
      <div
        id={panelId}
        hidden={!open}
        className={cn(
          "absolute top-full z-20 mt-1 w-56 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg shadow-zinc-950/10 dark:border-zinc-700 dark:bg-zinc-900 dark:shadow-black/40",
          align === "right" ? "right-0" : "left-0",
        )}
      >
        {EXPORT_FORMATS.map((f) => (
          <button
            key={f.value}
            type="button"
            data-format={f.value}
            {...menuHandlers}
            onClick={async () => {
              await download(id, f.value);
              setOpen(false);
            }}
            className={cn(
              "flex w-full flex-col items-start rounded-md px-2 py-1.5 text-left hover:bg-zinc-100 focus-visible:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800",
              "outline-none",
            )}
          >
            <span className="text-[13px] font-medium text-zinc-900 dark:text-zinc-100">{f.label}</span>
            <span className="text-xs text-zinc-500 dark:text-zinc-400">{f.hint}</span>
          </button>
        ))}
      </div>
      {error ? (
        <p
          role="alert"
          className="absolute top-full right-0 z-10 mt-1 w-56 rounded-md border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200"
        >
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The three formats as a row of buttons, for a baseline's own page. */
export function ExportButtons({ projectKey, id }: { projectKey: string; id: string }) {
  const { download, pending, error } = useExport(projectKey);
  return (
    <div className="flex flex-col items-start gap-1.5 sm:items-end">
      <fieldset aria-label="Export" className="flex items-center gap-1.5">
        <span className="mr-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">Export</span>
        {EXPORT_FORMATS.map((f) => (
          <Button
            key={f.value}
            size="sm"
            loading={pending === f.value}
            disabled={pending !== null}
            onClick={() => download(id, f.value)}
            title={f.hint}
          >
            {f.label}
          </Button>
        ))}
      </fieldset>
      {error ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
