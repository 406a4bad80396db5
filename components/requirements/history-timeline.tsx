"use client";
import { Avatar } from "@/components/avatar";
import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { PersonName } from "@/components/ui/person-name";
import { Spinner } from "@/components/ui/spinner";
import { StatusBadge } from "./badges";
import { isStatus, STATUS_LABELS } from "./labels";
import type { HistoryEntry } from "./types";

function describe(entry: HistoryEntry): React.ReactNode {
  switch (entry.changeKind) {
    case "created":
      return "created this requirement";
    case "updated":
      return "edited";
    case "transitioned":
      return (
        <>
          changed the status to{" "}
          <span className="sr-only">{isStatus(entry.status) ? STATUS_LABELS[entry.status] : entry.status}</span>
          <StatusBadge status={entry.status} className="ml-1 align-[1px]" />
        </>
      );
    case "moved":
      return "moved it in the tree";
    case "restored":
      return "restored an earlier version";
    default:
      return entry.changeKind;
  }
}

/** Versions newest first: who did what and when, with compare and restore per entry. */
export function HistoryTimeline({
  entries,
  currentVersion,
  loading,
  error,
  hasMore,
  loadingMore,
  onLoadMore,
  onCompare,
  onRestore,
  canRestore,
}: {
  entries: HistoryEntry[];
  currentVersion: number;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onCompare: (from: number, to: number) => void;
  onRestore: (entry: HistoryEntry) => void;
  canRestore: boolean;
}) {
  return (
    <Card role="region" aria-labelledby="history-heading">
      <div className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
        <h3 id="history-heading" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">
          History
        </h3>
        <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          {currentVersion} {currentVersion === 1 ? "version" : "versions"}
        </span>
      </div>
      {error ? (
        <div className="p-4">
          <Alert>{errorMessage(error)}</Alert>
        </div>
      ) : loading ? (
        <div className="flex justify-center py-8">
          <Spinner className="size-4 text-zinc-400" label="Loading history" />
        </div>
      ) : (
        <ol className="px-4 py-3 sm:px-5" aria-label="Versions, newest first">
          {entries.map((e, i) => {
            const isCurrent = e.version === currentVersion;
            const last = i === entries.length - 1 && !hasMore;
            return (
              <li key={e.version} className="relative flex gap-3 pb-4 last:pb-1" data-version={e.version}>
                {!last ? (
                  <span
                    aria-hidden="true"
                    className="absolute top-7 bottom-0 left-3 w-px bg-zinc-200 dark:bg-zinc-800"
                  />
                ) : null}
                <Avatar
                  size="sm"
                  name={e.author?.name ?? "Unknown"}
                  seed={e.author?.id ?? "unknown"}
                  className="relative mt-0.5 ring-4 ring-white dark:ring-zinc-900"
                />
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <p className="min-w-0 text-[13px] text-zinc-700 dark:text-zinc-300">
                      <PersonName person={e.author} className="font-medium text-zinc-900 dark:text-zinc-100" />{" "}
                      {describe(e)}
                    </p>
                    <span className="inline-flex h-5 items-center rounded bg-zinc-100 px-1.5 font-mono text-[11px] font-medium text-zinc-600 tabular-nums dark:bg-zinc-800 dark:text-zinc-300">
                      v{e.version}
                    </span>
                    {isCurrent ? <Badge tone="indigo">Current</Badge> : null}
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">
                      <LocalTime date={e.createdAt} mode="relative" />
                    </span>
                  </div>
                  {e.changeNote ? (
                    <p className="mt-1 border-l-2 border-zinc-200 pl-2 text-[13px] break-words whitespace-pre-wrap text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
                      {e.changeNote}
                    </p>
                  ) : null}
                  {e.version > 1 || (canRestore && !isCurrent) ? (
                    <div className="mt-1.5 flex flex-wrap gap-1">
                      {e.version > 1 ? (
                        <button
                          type="button"
                          onClick={() => onCompare(e.version - 1, e.version)}
                          className={cn(
                            "rounded px-1.5 py-0.5 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                            focusRing,
                          )}
                        >
                          Compare with v{e.version - 1}
                        </button>
                      ) : null}
                      {!isCurrent ? (
                        <button
                          type="button"
                          onClick={() => onCompare(e.version, currentVersion)}
                          className={cn(
                            "rounded px-1.5 py-0.5 text-xs font-medium text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                            focusRing,
                          )}
                        >
                          Compare with current
                        </button>
                      ) : null}
                      {canRestore && !isCurrent ? (
                        <button
                          type="button"
                          onClick={() => onRestore(e)}
                          aria-label={`Restore version ${e.version}`}
                          className={cn(
                            "rounded px-1.5 py-0.5 text-xs font-medium text-indigo-600 hover:bg-indigo-50 hover:text-indigo-700 dark:text-indigo-400 dark:hover:bg-indigo-500/10 dark:hover:text-indigo-300",
                            focusRing,
                          )}
                        >
                          Restore
                        </button>
                      ) : null}
                    </div>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {hasMore ? (
        <div className="border-t border-zinc-200 px-4 py-2.5 sm:px-5 dark:border-zinc-800">
          <Button size="sm" variant="ghost" loading={loadingMore} onClick={onLoadMore}>
            Show older versions
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
