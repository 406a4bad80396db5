"use client";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";

import { Avatar } from "@/components/avatar";
import { PlusIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import type { AttributeType } from "@/components/requirements/attributes";
import { DiffLegend, type DiffMode, DiffModeToggle } from "@/components/requirements/diff-view";
import {
  type BaselineComparison,
  type BaselineListPage,
  type BaselineSummary,
  FIRST_PAGE_PARAMS,
} from "@/components/requirements/types";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";

import { CompareResult, CompareSummary } from "./baseline-compare";
import { compareRefs, HEAD } from "./compare-refs";
import { CreateBaselineDialog } from "./create-baseline-dialog";
import { ExportMenu } from "./export-menu";

export function BaselinesView({
  projectKey,
  canCreate,
  initialList,
  initialCompare,
  attributeLabels,
  attributeTypes,
}: {
  projectKey: string;
  canCreate: boolean;
  initialList: BaselineListPage;
  initialCompare: { from: string; to: string; result: BaselineComparison } | null;
  attributeLabels: Record<string, string>;
  attributeTypes: Record<string, AttributeType>;
}) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const list = useInfiniteQuery(
    trpc.baseline.list.infiniteQueryOptions(
      { projectKey, limit: 50 },
      {
        getNextPageParam: (p) => p.nextCursor ?? undefined,
        initialData: { pages: [initialList], pageParams: FIRST_PAGE_PARAMS },
      },
    ),
  );
  const baselines: BaselineSummary[] = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const refs = compareRefs({ from: searchParams.get("from"), to: searchParams.get("to") }, baselines[0]?.id);
  const mode: DiffMode = searchParams.get("diff") === "inline" ? "inline" : "split";
  function setParams(patch: Record<string, string | null>) {
    const p = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    const qs = p.toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  }

  const compareEnabled = refs !== null && refs.from !== refs.to;
  const compare = useQuery(
    trpc.baseline.compare.queryOptions(
      { projectKey, from: refs?.from ?? HEAD, to: refs?.to ?? HEAD },
      {
        enabled: compareEnabled,
        placeholderData: keepPreviousData,
        initialData:
          initialCompare && refs && initialCompare.from === refs.from && initialCompare.to === refs.to
            ? initialCompare.result
            : undefined,
      },
    ),
  );

  const nameOf = (id: string) =>
    id === HEAD ? "Current state" : (baselines.find((b) => b.id === id)?.name ?? "Baseline");
  const options = [{ id: HEAD, label: "Current state" }, ...baselines.map((b) => ({ id: b.id, label: b.name }))];
  const withRef = (id: string | undefined) =>
    id && !options.some((o) => o.id === id) ? [...options, { id, label: nameOf(id) }] : options;

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Baselines</h2>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Frozen sets of requirement versions — for reviews, releases and contracts.
          </p>
        </div>
        <div className="flex items-center gap-2 self-start sm:self-auto">
          <ExportMenu projectKey={projectKey} id={HEAD} label="Export current" />
          {canCreate ? (
            <Button variant="primary" onClick={() => setCreating(true)}>
              <PlusIcon />
              Create baseline
            </Button>
          ) : null}
        </div>
      </div>

      {notice ? (
        <p
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-[13px] text-emerald-800 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200"
        >
          {notice}
        </p>
      ) : null}

      <Card>
        {list.error ? (
          <div className="p-4">
            <Alert>{errorMessage(list.error)}</Alert>
          </div>
        ) : baselines.length === 0 ? (
          <EmptyState
            icon={
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-5"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="M2.75 4.75 8 2.25l5.25 2.5L8 7.25 2.75 4.75ZM2.75 8 8 10.5 13.25 8M2.75 11.25 8 13.75l5.25-2.5" />
              </svg>
            }
            title="No baselines yet"
            description="A baseline freezes the current version of every requirement, so you can compare and export exactly what was agreed."
            action={
              canCreate ? (
                <Button variant="primary" size="sm" onClick={() => setCreating(true)}>
                  <PlusIcon />
                  Create the first baseline
                </Button>
              ) : null
            }
          />
        ) : (
          <div className="w-full overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm" aria-label="Baselines">
              <thead className="border-b border-zinc-200 bg-zinc-50/70 dark:border-zinc-800 dark:bg-zinc-900/80">
                <tr className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
                  <th scope="col" className="h-9 pr-3 pl-4 font-medium sm:pl-5">
                    Name
                  </th>
                  <th scope="col" className="hidden h-9 w-28 px-3 text-right font-medium sm:table-cell">
                    Requirements
                  </th>
                  <th scope="col" className="hidden h-9 w-56 px-3 font-medium md:table-cell">
                    Created
                  </th>
                  <th scope="col" className="h-9 w-px pr-4 pl-3 sm:pr-5">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {baselines.map((b) => (
                  <tr
                    key={b.id}
                    className="transition-colors hover:bg-zinc-50/60 dark:hover:bg-zinc-800/30"
                    data-baseline={b.name}
                  >
                    <td className="max-w-0 py-2.5 pr-3 pl-4 sm:pl-5">
                      <Link
                        href={`/projects/${projectKey}/baselines/${b.id}`}
                        className={cn(
                          "block truncate rounded-sm font-medium text-zinc-900 hover:text-indigo-700 dark:text-zinc-100 dark:hover:text-indigo-300",
                          focusRing,
                        )}
                      >
                        {b.name}
                      </Link>
                      {b.note ? (
                        <p className="mt-0.5 truncate text-[13px] text-zinc-500 dark:text-zinc-400">{b.note}</p>
                      ) : null}
                      <p className="mt-0.5 text-xs text-zinc-500 sm:hidden dark:text-zinc-400">
                        {b.requirementCount} {b.requirementCount === 1 ? "requirement" : "requirements"} ·{" "}
                        <LocalTime date={b.createdAt} />
                      </p>
                    </td>
                    <td className="hidden px-3 py-2.5 text-right text-zinc-700 tabular-nums sm:table-cell dark:text-zinc-300">
                      {b.requirementCount}
                    </td>
                    <td className="hidden px-3 py-2.5 md:table-cell">
                      <div className="flex items-center gap-2">
                        <Avatar size="sm" name={b.author?.name ?? "Unknown"} seed={b.author?.id ?? "unknown"} />
                        <div className="min-w-0 text-[13px] leading-tight">
                          <p className="truncate text-zinc-800 dark:text-zinc-200">
                            {b.author?.name ?? "Former member"}
                          </p>
                          <p className="text-xs whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                            <LocalTime date={b.createdAt} mode="datetime" />
                          </p>
                        </div>
                      </div>
                    </td>
                    <td className="py-2.5 pr-4 pl-3 sm:pr-5">
                      <div className="flex items-center justify-end gap-1.5">
                        <span className="hidden sm:inline">
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => {
                              setParams({ from: b.id, to: HEAD });
                              document
                                .getElementById("compare-heading")
                                ?.scrollIntoView({ behavior: "smooth", block: "start" });
                            }}
                          >
                            Compare with current
                          </Button>
                        </span>
                        <ExportMenu projectKey={projectKey} id={b.id} />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.hasNextPage ? (
              <div className="border-t border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
                <Button size="sm" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                  Load more
                </Button>
              </div>
            ) : null}
          </div>
        )}
      </Card>

      {baselines.length > 0 ? (
        <Card role="region" aria-labelledby="compare-heading" className="scroll-mt-20">
          <div className="flex flex-wrap items-end gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
            <h3
              id="compare-heading"
              className="w-full scroll-mt-20 text-[15px] font-semibold text-zinc-900 dark:text-zinc-50"
            >
              Compare
            </h3>
            <div className="flex w-full items-end gap-2 sm:w-auto">
              <div className="min-w-0 flex-1">
                <label
                  htmlFor="compare-from"
                  className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400"
                >
                  From
                </label>
                <Select
                  id="compare-from"
                  compact
                  className="sm:w-56"
                  value={refs?.from ?? ""}
                  onChange={(e) => setParams({ from: e.target.value, to: refs?.to ?? HEAD })}
                >
                  {withRef(refs?.from).map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.label}
                    </option>
                  ))}
                </Select>
              </div>
              <button
                type="button"
                aria-label="Swap"
                title="Swap"
                onClick={() => refs && setParams({ from: refs.to, to: refs.from })}
                className={cn(
                  "mb-0.5 flex size-7 shrink-0 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                  focusRing,
                )}
              >
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  className="size-4"
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
                <label htmlFor="compare-to" className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
                  To
                </label>
                <Select
                  id="compare-to"
                  compact
                  className="sm:w-56"
                  value={refs?.to ?? HEAD}
                  onChange={(e) => setParams({ from: refs?.from ?? HEAD, to: e.target.value })}
                >
                  {withRef(refs?.to).map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.label}
                    </option>
                  ))}
                </Select>
              </div>
            </div>
            <div className="flex w-full items-center gap-3 sm:ml-auto sm:w-auto">
              <DiffLegend className="hidden lg:flex" />
              <DiffModeToggle mode={mode} onChange={(m) => setParams({ diff: m === "inline" ? "inline" : null })} />
            </div>
          </div>
          <div aria-live="polite" aria-busy={compare.isFetching}>
            {!compareEnabled ? (
              <p className="px-4 py-6 text-center text-sm text-zinc-500 sm:px-5 dark:text-zinc-400">
                Pick two different baselines to compare.
              </p>
            ) : compare.error ? (
              <div className="p-4">
                <Alert>{errorMessage(compare.error)}</Alert>
              </div>
            ) : !compare.data ? (
              <div className="flex justify-center py-10">
                <Spinner className="size-5 text-zinc-400" label="Comparing" />
              </div>
            ) : (
              <div className={cn("transition-opacity", compare.isPlaceholderData && "opacity-60")}>
                <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 sm:px-5">
                  <CompareSummary summary={compare.data.summary} />
                  <p className="text-xs text-zinc-500 dark:text-zinc-400">
                    {compare.data.from.name} <span aria-hidden="true">→</span>
                    <span className="sr-only">to</span> {compare.data.to.name}
                  </p>
                </div>
                <CompareResult
                  projectKey={projectKey}
                  result={compare.data}
                  mode={mode}
                  attributeLabels={attributeLabels}
                  attributeTypes={attributeTypes}
                />
              </div>
            )}
          </div>
        </Card>
      ) : null}

      {canCreate ? (
        <CreateBaselineDialog
          open={creating}
          onClose={() => setCreating(false)}
          projectKey={projectKey}
          onCreated={(b) => {
            setCreating(false);
            setNotice(
              `Baseline “${b.name}” created with ${b.requirementCount} ${b.requirementCount === 1 ? "requirement" : "requirements"}.`,
            );
            setParams({ from: b.id, to: HEAD });
          }}
        />
      ) : null}
    </div>
  );
}
