"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useMemo, useState } from "react";

import { ArrowLeftIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import { ClassificationCells, CompactClassification, RequirementKey, TagChip } from "@/components/requirements/badges";
import { type BaselineDetailPage, FIRST_PAGE_PARAMS } from "@/components/requirements/types";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { useTRPC } from "@/lib/trpc/react";

import { ExportButtons } from "./export-menu";

export const BASELINE_PAGE_SIZE = 50;

/** A baseline's frozen requirement versions, a page at a time, each expandable to its text. */
export function BaselineDetail({ projectKey, initial }: { projectKey: string; initial: BaselineDetailPage }) {
  const trpc = useTRPC();
  const b = initial.baseline;
  const items = useInfiniteQuery(
    trpc.baseline.byId.infiniteQueryOptions(
      { projectKey, id: b.id, limit: BASELINE_PAGE_SIZE },
      {
        getNextPageParam: (p) => p.nextCursor ?? undefined,
        initialData: { pages: [initial], pageParams: FIRST_PAGE_PARAMS },
        staleTime: Infinity,
      },
    ),
  );
  const rows = useMemo(() => items.data?.pages.flatMap((p) => p.items) ?? [], [items.data]);
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const toggle = (key: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <div>
      <Link
        href={`/projects/${projectKey}/baselines`}
        className={cn(
          "inline-flex items-center gap-1.5 rounded-sm text-[13px] font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          focusRing,
        )}
      >
        <ArrowLeftIcon className="size-3.5" />
        Baselines
      </Link>
      <div className="mt-3 flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0">
          <p className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Baseline</p>
          <h2 className="mt-1 text-xl font-semibold tracking-tight break-words text-zinc-900 sm:text-2xl dark:text-zinc-50">
            {b.name}
          </h2>
          <p className="mt-1 text-[13px] text-zinc-500 dark:text-zinc-400">
            {b.requirementCount} {b.requirementCount === 1 ? "requirement" : "requirements"} · frozen by{" "}
            {b.author?.name ?? "a former member"} on <LocalTime date={b.createdAt} mode="datetime" />
          </p>
          {b.note ? (
            <p className="mt-2 max-w-2xl text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{b.note}</p>
          ) : null}
        </div>
        <div className="flex flex-col items-start gap-2 sm:items-end">
          <ExportButtons projectKey={projectKey} id={b.id} />
          <Link
            href={`/projects/${projectKey}/baselines?from=${b.id}&to=HEAD`}
            className={buttonStyles({ size: "sm", variant: "ghost" })}
          >
            Compare with current →
          </Link>
        </div>
      </div>

      <Card className="mt-6">
        {items.error ? (
          <div className="p-4">
            <Alert>{errorMessage(items.error)}</Alert>
          </div>
        ) : rows.length === 0 ? (
          <EmptyState
            title="This baseline is empty"
            description="There were no requirements (other than deprecated ones) when it was taken."
          />
        ) : (
          <div className="w-full overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm" aria-label={`Requirements in ${b.name}`}>
              <thead className="border-b border-zinc-200 bg-zinc-50/70 dark:border-zinc-800 dark:bg-zinc-900/80">
                <tr className="text-xs text-zinc-600 dark:text-zinc-400">
                  <th scope="col" className="h-9 w-28 pr-2 pl-4 font-medium">
                    Key
                  </th>
                  <th scope="col" className="h-9 px-3 font-medium">
                    Title
                  </th>
                  <th scope="col" className="hidden h-9 w-32 px-3 font-medium sm:table-cell">
                    Status
                  </th>
                  <th scope="col" className="hidden h-9 w-24 px-3 font-medium md:table-cell">
                    Priority
                  </th>
                  <th scope="col" className="hidden h-9 w-32 px-3 font-medium lg:table-cell">
                    Type
                  </th>
                  <th scope="col" className="h-9 w-20 pr-4 pl-3 text-right font-medium">
                    Version
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((r) => {
                  const expanded = open.has(r.key);
                  return (
                    <Fragment key={r.key}>
                      <tr className="hover:bg-zinc-50/60 dark:hover:bg-zinc-800/30">
                        <td className="py-2 pr-2 pl-2.5">
                          <button
                            type="button"
                            aria-expanded={expanded}
                            aria-controls={`frozen-${r.key}`}
                            aria-label={`${expanded ? "Hide" : "Show"} the text of ${r.key}`}
                            onClick={() => toggle(r.key)}
                            className={cn(
                              "inline-flex items-center gap-1 rounded px-1 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800",
                              focusRing,
                            )}
                          >
                            <svg
                              aria-hidden="true"
                              viewBox="0 0 16 16"
                              className={cn("size-3 text-zinc-400 transition-transform", expanded && "rotate-90")}
                              fill="none"
                              stroke="currentColor"
                              strokeWidth="1.75"
                              strokeLinecap="round"
                              strokeLinejoin="round"
                            >
                              <path d="m6 4 4 4-4 4" />
                            </svg>
                            <RequirementKey value={r.key} />
                          </button>
                        </td>
                        <td className="max-w-0 px-3 py-2">
                          <Link
                            href={`/projects/${projectKey}/requirements/${r.key}`}
                            className={cn(
                              "block truncate rounded-sm font-medium text-zinc-900 hover:text-indigo-700 dark:text-zinc-100 dark:hover:text-indigo-300",
                              focusRing,
                            )}
                          >
                            {r.title}
                          </Link>
                          <CompactClassification
                            status={r.status}
                            priority={r.priority}
                            className="mt-1 flex items-center gap-1.5 sm:hidden"
                          />
                        </td>
                        <ClassificationCells status={r.status} priority={r.priority} type={r.type} />
                        <td className="py-2 pr-4 pl-3 text-right font-mono text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
                          v{r.version}
                        </td>
                      </tr>
                      {expanded ? (
                        <tr id={`frozen-${r.key}`} className="bg-zinc-50/50 dark:bg-zinc-900/40">
                          <td colSpan={6} className="px-4 py-3 sm:pl-12">
                            <div className="max-w-3xl space-y-3">
                              {r.statement.trim() ? (
                                <Markdown>{r.statement}</Markdown>
                              ) : (
                                <p className="text-sm text-zinc-400 italic">No statement.</p>
                              )}
                              {r.rationale.trim() ? (
                                <div>
                                  <p className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                                    Rationale
                                  </p>
                                  <Markdown className="mt-1">{r.rationale}</Markdown>
                                </div>
                              ) : null}
                              {r.tags.length ? (
                                <div className="flex flex-wrap gap-1">
                                  {r.tags.map((t) => (
                                    <TagChip key={t} tag={t} />
                                  ))}
                                </div>
                              ) : null}
                              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                                Version {r.version} saved <LocalTime date={r.createdAt} mode="datetime" />
                              </p>
                            </div>
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <div className="flex items-center justify-between border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <span>
            Showing {rows.length} of {b.requirementCount}
          </span>
          {items.hasNextPage ? (
            <Button size="sm" loading={items.isFetchingNextPage} onClick={() => items.fetchNextPage()}>
              Load more
            </Button>
          ) : null}
        </div>
      </Card>
    </div>
  );
}
