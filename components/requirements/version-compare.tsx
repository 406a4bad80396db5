"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";

import type { AttributeType } from "./attributes";
import { DiffLegend, type DiffMode, DiffModeToggle, FieldChangeList } from "./diff-view";
import { CHANGE_KIND_LABELS } from "./labels";
import type { HistoryEntry } from "./types";

export function versionOptionLabel(v: number, entry: HistoryEntry | undefined, current: number): string {
  const parts = [`v${v}`];
  if (entry) parts.push(CHANGE_KIND_LABELS[entry.changeKind] ?? entry.changeKind);
  if (v === current) parts.push("current");
  return parts.join(" · ");
}

/** Two version pickers, a layout toggle and the field-by-field diff between the chosen versions. */
export function VersionCompare({
  reqKey,
  version,
  from,
  to,
  mode,
  onChange,
  entries,
  attributeLabels,
  attributeTypes,
}: {
  attributeLabels?: Record<string, string>;
  attributeTypes?: Record<string, AttributeType>;
  reqKey: string;
  version: number;
  from: number;
  to: number;
  mode: DiffMode;
  onChange: (patch: { from?: number; to?: number; mode?: DiffMode }) => void;
  entries: Map<number, HistoryEntry>;
}) {
  const trpc = useTRPC();
  const enabled = version > 1 && from !== to && from >= 1 && to >= 1 && from <= version && to <= version;
  const diff = useQuery(
    trpc.requirement.diff.queryOptions(
      { key: reqKey, from, to },
      { enabled, placeholderData: keepPreviousData, staleTime: Infinity },
    ),
  );
  const versions = Array.from({ length: version }, (_, i) => version - i);

  return (
    <Card role="region" aria-labelledby="compare-heading">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
        <h3 id="compare-heading" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">
          Compare versions
        </h3>
        {version > 1 ? <DiffModeToggle mode={mode} onChange={(m) => onChange({ mode: m })} /> : null}
      </div>
      {version <= 1 ? (
        <p className="px-4 py-4 text-sm text-zinc-500 sm:px-5 dark:text-zinc-400">
          There is only one version so far. Edits, status changes and moves each add a version you can compare here.
        </p>
      ) : (
        <div className="px-4 py-4 sm:px-5">
          <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
            {/* On a phone From and To are stacked, so each label reads whole. */}
            <div className="flex w-full flex-col gap-1 sm:w-auto sm:flex-row sm:items-end sm:gap-2">
              <div className="min-w-0 flex-1">
                <label htmlFor="diff-from" className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
                  From
                </label>
                <Select
                  id="diff-from"
                  compact
                  className="sm:w-56"
                  value={String(from)}
                  onChange={(e) => onChange({ from: Number(e.target.value) })}
                >
                  {versions.map((v) => (
                    <option key={v} value={v}>
                      {versionOptionLabel(v, entries.get(v), version)}
                    </option>
                  ))}
                </Select>
              </div>
              <button
                type="button"
                onClick={() => onChange({ from: to, to: from })}
                aria-label="Swap versions"
                title="Swap versions"
                className={cn(
                  "flex size-7 shrink-0 items-center justify-center self-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 sm:mb-0.5 sm:self-auto dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                  focusRing,
                )}
              >
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  className="size-4 rotate-90 sm:rotate-0"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.5"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                >
                  <path d="M2.75 5.25h10.5M10.5 2.5l2.75 2.75L10.5 8M13.25 10.75H2.75M5.5 8l-2.75 2.75L5.5 13.5" />
                </svg>
              </button>
              <div className="min-w-0 flex-1">
                <label htmlFor="diff-to" className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
                  To
                </label>
                <Select
                  id="diff-to"
                  compact
                  className="sm:w-56"
                  value={String(to)}
                  onChange={(e) => onChange({ to: Number(e.target.value) })}
                >
                  {versions.map((v) => (
                    <option key={v} value={v}>
                      {versionOptionLabel(v, entries.get(v), version)}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            <DiffLegend className="mb-1.5 sm:ml-auto" />
          </div>

          <div className="mt-4" aria-live="polite" aria-busy={diff.isFetching}>
            {from === to ? (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">
                Pick two different versions to see what changed.
              </p>
            ) : diff.error ? (
              <Alert>{errorMessage(diff.error)}</Alert>
            ) : !diff.data ? (
              <div className="flex justify-center py-6">
                <Spinner className="size-4 text-zinc-400" label="Loading diff" />
              </div>
            ) : (
              <div
                className={cn("transition-opacity", diff.isPlaceholderData && "opacity-60")}
                data-testid="version-diff"
              >
                <p className="mb-3 text-xs text-zinc-500 dark:text-zinc-400">
                  <VersionMeta v={diff.data.from} /> <span aria-hidden="true">→</span> <VersionMeta v={diff.data.to} />
                </p>
                <FieldChangeList
                  changes={diff.data.changes}
                  mode={mode}
                  attributeLabels={attributeLabels}
                  attributeTypes={attributeTypes}
                  beforeLabel={`Version ${diff.data.from.version}`}
                  afterLabel={`Version ${diff.data.to.version}`}
                />
              </div>
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

function VersionMeta({
  v,
}: {
  v: { version: number; createdAt: Date; author: { name: string } | null; changeKind: string };
}) {
  return (
    <span>
      <span className="font-medium text-zinc-700 dark:text-zinc-300">v{v.version}</span> ·{" "}
      {(CHANGE_KIND_LABELS[v.changeKind] ?? v.changeKind).toLowerCase()} by {v.author?.name ?? "someone"},{" "}
      <LocalTime date={v.createdAt} mode="relative" />
    </span>
  );
}
