"use client";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { ListIcon, PlusIcon, SearchIcon } from "@/components/icons";
import { useFreshKeys } from "@/components/live/live-updates";
import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { TextFilter } from "@/components/ui/text-filter";
import { useDebounced } from "@/components/use-debounced";
import { REQUIREMENT_PRIORITIES, REQUIREMENT_STATUSES, REQUIREMENT_TYPES } from "@/lib/schemas/requirement";
import { useTRPC } from "@/lib/trpc/react";

import type { AttributeDefinition } from "./attributes";
import { ClassificationCells, CompactClassification, RequirementKey, TagChip } from "./badges";
import { FilterMenu } from "./filter-menu";
import { PRIORITY_LABELS, STATUS_DOTS, STATUS_LABELS, TYPE_LABELS } from "./labels";
import { hasFilters, type ListState, listInputOf, parseListState, serializeListState } from "./list-state";
import { NewRequirementDialog } from "./new-requirement-dialog";
import { RequirementTree, useVisibleTree } from "./requirement-tree";
import {
  FIRST_PAGE_PARAMS,
  type RequirementListItem,
  type RequirementListPage,
  type RequirementTreeData,
} from "./types";
import { useListKeyboard } from "./use-list-keyboard";

export interface RequirementsInitial {
  /** The list input the server rendered, as JSON, so the client only reuses it for the same filters. */
  listKey?: string;
  list?: RequirementListPage;
  tree?: RequirementTreeData;
}

export function RequirementsView({
  projectKey,
  canCreate,
  defs,
  initial,
}: {
  projectKey: string;
  canCreate: boolean;
  defs: AttributeDefinition[];
  initial: RequirementsInitial;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const state = useMemo(() => parseListState(searchParams), [searchParams]);

  const update = useCallback(
    (patch: Partial<ListState>) => {
      const next = { ...parseListState(new URLSearchParams(window.location.search)), ...patch };
      const qs = serializeListState(next);
      window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );

  // The search box types freely; the URL (and the query) follow a moment later.
  const [qText, setQText] = useState(state.q);
  const debouncedQ = useDebounced(qText, 250);
  // Only the typed text drives this; a URL change from elsewhere must not write the old text back.
  const syncSearchToUrl = useEffectEvent((text: string) => {
    if (text.trim() !== state.q.trim()) update({ q: text });
  });
  useEffect(() => syncSearchToUrl(debouncedQ), [debouncedQ]);

  const listInput = listInputOf(projectKey, state);
  const listKey = JSON.stringify(listInput);
  const list = useInfiniteQuery(
    trpc.requirement.list.infiniteQueryOptions(listInput, {
      enabled: state.view === "table",
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
      initialData:
        initial.list && initial.listKey === listKey
          ? { pages: [initial.list], pageParams: FIRST_PAGE_PARAMS }
          : undefined,
    }),
  );
  const tree = useQuery(
    trpc.requirement.tree.queryOptions(
      { projectKey },
      { enabled: state.view === "tree", initialData: initial.tree, placeholderData: keepPreviousData },
    ),
  );

  const rows: RequirementListItem[] = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const treeRows = useVisibleTree(tree.data?.nodes ?? [], state, projectKey);

  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState(-1);
  const searchRef = useRef<HTMLInputElement>(null);
  const linkRefs = useRef<(HTMLAnchorElement | null)[]>([]);

  const count = state.view === "table" ? rows.length : treeRows.rows.length;
  const keyAt = (i: number) => (state.view === "table" ? rows[i]?.key : treeRows.rows[i]?.node.key);

  // Keep the selection inside the list as it changes.
  useEffect(() => {
    setSelected((s) => (s >= count ? count - 1 : s));
  }, [count]);

  function select(i: number) {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, i));
    setSelected(next);
    const el = linkRefs.current[next];
    if (el) {
      el.focus({ preventScroll: true });
      el.closest("[data-row]")?.scrollIntoView({ block: "nearest" });
    }
  }

  const open = (i: number) => {
    const key = keyAt(i);
    if (key) router.push(`/projects/${projectKey}/requirements/${key}`);
  };

  useListKeyboard({
    next: () => select(selected < 0 ? 0 : selected + 1),
    prev: () => select(selected < 0 ? 0 : selected - 1),
    open: () => selected >= 0 && open(selected),
    create: canCreate ? () => setCreating(true) : undefined,
    search: () => searchRef.current?.focus(),
    collapse: state.view === "tree" ? () => treeRows.collapseAt(selected, select) : undefined,
    expand: state.view === "tree" ? () => treeRows.expandAt(selected) : undefined,
  });

  const filtered = hasFilters(state);
  const clearFilters = () => {
    setQText("");
    update({ status: [], type: [], priority: [], tag: "", q: "" });
  };
  const loading = state.view === "table" ? list.isPending : tree.isPending;
  const error = state.view === "table" ? list.error : tree.error;
  const fetching = state.view === "table" ? list.isFetching && !list.isFetchingNextPage : tree.isFetching;

  return (
    <div>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h2 className="text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Requirements</h2>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Versioned statements of what the system must do.
            <span className="hidden sm:inline">
              {" "}
              Press <Kbd>c</Kbd> to add one.
            </span>
          </p>
        </div>
        {canCreate ? (
          <Button
            variant="primary"
            onClick={() => setCreating(true)}
            className="self-start sm:self-auto"
            aria-keyshortcuts="c"
          >
            <PlusIcon />
            New requirement
          </Button>
        ) : null}
      </div>

      <Card className="mt-5">
        <div className="flex flex-col gap-2 border-b border-zinc-200 px-3 py-2.5 sm:px-4 lg:flex-row lg:items-center dark:border-zinc-800">
          <div className="relative min-w-0 lg:w-64">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400" />
            <Input
              ref={searchRef}
              compact
              type="search"
              aria-label="Search requirements"
              aria-keyshortcuts="/"
              placeholder="Search key, title or text…"
              value={qText}
              onChange={(e) => setQText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  if (qText) setQText("");
                  else e.currentTarget.blur();
                } else if (e.key === "ArrowDown" || e.key === "Enter") {
                  e.preventDefault();
                  if (e.key === "Enter") update({ q: qText });
                  select(0);
                }
              }}
              className="pl-8"
            />
          </div>
          <div className="flex flex-wrap items-center gap-1.5">
            <FilterMenu
              label="Status"
              options={REQUIREMENT_STATUSES}
              selected={state.status}
              onChange={(status) => update({ status })}
              renderOption={(s) => (
                <span className="inline-flex items-center gap-2">
                  <span aria-hidden="true" className={cn("size-2 rounded-full", STATUS_DOTS[s])} />
                  {STATUS_LABELS[s]}
                </span>
              )}
            />
            <FilterMenu
              label="Type"
              options={REQUIREMENT_TYPES}
              selected={state.type}
              onChange={(type) => update({ type })}
              renderOption={(t) => TYPE_LABELS[t]}
            />
            <FilterMenu
              label="Priority"
              options={REQUIREMENT_PRIORITIES}
              selected={state.priority}
              onChange={(priority) => update({ priority })}
              renderOption={(p) => PRIORITY_LABELS[p]}
            />
            {state.view === "table" ? (
              <TextFilter label="Tag" className="w-28" value={state.tag} onChange={(tag) => update({ tag })} />
            ) : null}
          </div>
          <div className="flex items-center gap-1.5 lg:ml-auto">
            {state.view === "table" ? (
              <Select
                compact
                aria-label="Sort"
                className="w-52"
                value={`${state.sort}:${state.order}`}
                onChange={(e) => {
                  const [sort, order] = e.target.value.split(":") as [ListState["sort"], ListState["order"]];
                  update({ sort, order });
                }}
              >
                <option value="key:asc">Key, ascending</option>
                <option value="key:desc">Key, descending</option>
                <option value="updated:desc">Last changed, newest</option>
                <option value="updated:asc">Last changed, oldest</option>
              </Select>
            ) : null}
            <ViewToggle view={state.view} onChange={(view) => update({ view })} />
          </div>
        </div>

        {filtered ? (
          <ActiveFilters
            state={state}
            onChange={(patch) => {
              if (patch.q !== undefined) setQText(patch.q);
              update(patch);
            }}
            onClear={clearFilters}
          />
        ) : null}

        {error ? (
          <div className="p-4">
            <Alert>{errorMessage(error)}</Alert>
          </div>
        ) : loading ? (
          <div className="flex justify-center py-16">
            <Spinner className="size-5 text-zinc-400" label="Loading requirements" />
          </div>
        ) : count === 0 ? (
          filtered ? (
            <EmptyState
              icon={<SearchIcon className="size-5" />}
              title="No requirements match"
              description={
                state.view === "tree" && state.tag
                  ? "The tree filters by status, type, priority and text; use the table to filter by tag."
                  : "Try fewer filters or a different search."
              }
              action={
                <Button size="sm" onClick={clearFilters}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<ListIcon className="size-5" />}
              title="No requirements yet"
              description="Capture the first thing the system must do. Each requirement gets a key, a version history and a place in the tree."
              action={
                canCreate ? (
                  <Button variant="primary" size="sm" onClick={() => setCreating(true)}>
                    <PlusIcon />
                    New requirement
                  </Button>
                ) : null
              }
            />
          )
        ) : state.view === "table" ? (
          <RequirementTable
            projectKey={projectKey}
            rows={rows}
            state={state}
            selected={selected}
            linkRefs={linkRefs}
            onFocusRow={setSelected}
            onOpen={open}
            onSort={(sort) =>
              update({
                sort,
                order: state.sort === sort ? (state.order === "asc" ? "desc" : "asc") : sort === "key" ? "asc" : "desc",
              })
            }
            onTag={(tag) => update({ tag })}
          />
        ) : (
          <RequirementTree
            projectKey={projectKey}
            visible={treeRows}
            selected={selected}
            linkRefs={linkRefs}
            onFocusRow={setSelected}
            onOpen={open}
          />
        )}

        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <p aria-live="polite" className="flex items-center gap-2">
            {loading ? null : state.view === "table" ? (
              <>
                {rows.length} {rows.length === 1 ? "requirement" : "requirements"}
                {list.hasNextPage ? " shown" : ""}
              </>
            ) : (
              <>
                {treeRows.matchCount} {treeRows.matchCount === 1 ? "requirement" : "requirements"}
                {filtered ? " match" : ""}
              </>
            )}
            {fetching && !loading ? <Spinner className="size-3 text-zinc-400" label="Updating" /> : null}
          </p>
          <div className="flex items-center gap-3">
            <p className="hidden items-center gap-1.5 md:flex">
              <Kbd>j</Kbd>
              <Kbd>k</Kbd> move <span aria-hidden="true">·</span> <Kbd>↵</Kbd> open <span aria-hidden="true">·</span>{" "}
              <Kbd>/</Kbd> search
              {state.view === "tree" ? (
                <>
                  {" "}
                  <span aria-hidden="true">·</span> <Kbd>←</Kbd>
                  <Kbd>→</Kbd> fold
                </>
              ) : null}
            </p>
            {state.view === "table" && list.hasNextPage ? (
              <Button size="sm" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                Load more
              </Button>
            ) : null}
          </div>
        </div>
      </Card>

      {canCreate ? (
        <NewRequirementDialog open={creating} onClose={() => setCreating(false)} projectKey={projectKey} defs={defs} />
      ) : null}
    </div>
  );
}

export function Kbd({ children }: { children: React.ReactNode }) {
  return (
    <kbd className="inline-flex h-[18px] min-w-[18px] items-center justify-center rounded border border-zinc-200 bg-zinc-50 px-1 font-sans text-[11px] font-medium text-zinc-600 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
      {children}
    </kbd>
  );
}

function ViewToggle({ view, onChange }: { view: ListState["view"]; onChange: (v: ListState["view"]) => void }) {
  const options = [
    {
      value: "table" as const,
      label: "Table",
      icon: <path d="M2.75 3.25h10.5v9.5H2.75zM2.75 6.5h10.5M2.75 9.75h10.5M6.25 6.5v6.25" />,
    },
    {
      value: "tree" as const,
      label: "Tree",
      icon: <path d="M3.25 2.75v8.5a1.5 1.5 0 0 0 1.5 1.5h2.5M3.25 6.75h4M9.25 5.5h4v2.5h-4zM9.25 11.5h4V14h-4z" />,
    },
  ];
  return (
    <fieldset aria-label="View" className="inline-flex rounded-md bg-zinc-100 p-0.5 dark:bg-zinc-800/80">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={view === o.value}
          onClick={() => onChange(o.value)}
          className={cn(
            "inline-flex h-7 items-center gap-1.5 rounded-[5px] px-2.5 text-[13px] font-medium transition-colors",
            focusRing,
            "focus-visible:ring-offset-0",
            view === o.value
              ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-50 dark:ring-zinc-700"
              : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          )}
        >
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
            {o.icon}
          </svg>
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}

function ActiveFilters({
  state,
  onChange,
  onClear,
}: {
  state: ListState;
  onChange: (patch: Partial<ListState>) => void;
  onClear: () => void;
}) {
  const chips: { label: string; remove: () => void }[] = [];
  if (state.q.trim()) chips.push({ label: `Text: “${state.q.trim()}”`, remove: () => onChange({ q: "" }) });
  if (state.status.length)
    chips.push({
      label: `Status: ${state.status.map((s) => STATUS_LABELS[s]).join(", ")}`,
      remove: () => onChange({ status: [] }),
    });
  if (state.type.length)
    chips.push({
      label: `Type: ${state.type.map((t) => TYPE_LABELS[t]).join(", ")}`,
      remove: () => onChange({ type: [] }),
    });
  if (state.priority.length)
    chips.push({
      label: `Priority: ${state.priority.map((p) => PRIORITY_LABELS[p]).join(", ")}`,
      remove: () => onChange({ priority: [] }),
    });
  if (state.tag) chips.push({ label: `Tag: ${state.tag}`, remove: () => onChange({ tag: "" }) });
  return (
    <div className="flex flex-wrap items-center gap-1.5 border-b border-zinc-200 bg-zinc-50/60 px-3 py-2 sm:px-4 dark:border-zinc-800 dark:bg-zinc-900/40">
      {chips.map((c) => (
        <span
          key={c.label}
          className="inline-flex h-6 max-w-full items-center gap-1 rounded-md border border-zinc-200 bg-white pr-0.5 pl-2 text-xs text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
        >
          <span className="truncate">{c.label}</span>
          <button
            type="button"
            onClick={c.remove}
            aria-label={`Remove filter ${c.label}`}
            className={cn(
              "rounded p-0.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
              focusRing,
              "focus-visible:ring-offset-0",
            )}
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 16 16"
              className="size-3"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
            >
              <path d="m4.5 4.5 7 7M11.5 4.5l-7 7" />
            </svg>
          </button>
        </span>
      ))}
      <button
        type="button"
        onClick={onClear}
        className={cn(
          "ml-1 rounded-sm text-xs font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400 dark:hover:text-indigo-300",
          focusRing,
        )}
      >
        Clear all
      </button>
    </div>
  );
}

function SortHeader({
  label,
  field,
  state,
  onSort,
  className,
}: {
  label: string;
  field: ListState["sort"];
  state: ListState;
  onSort: (f: ListState["sort"]) => void;
  className?: string;
}) {
  const active = state.sort === field;
  return (
    <th
      scope="col"
      aria-sort={active ? (state.order === "asc" ? "ascending" : "descending") : "none"}
      className={cn("h-9 px-3 text-xs font-medium whitespace-nowrap text-zinc-600 dark:text-zinc-400", className)}
    >
      <button
        type="button"
        onClick={() => onSort(field)}
        className={cn(
          "-mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-zinc-900 dark:hover:text-zinc-100",
          focusRing,
          active && "text-zinc-900 dark:text-zinc-100",
        )}
      >
        {label}
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className={cn("size-3", active ? "opacity-100" : "opacity-0")}
          fill="none"
          stroke="currentColor"
          strokeWidth="1.75"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          {active && state.order === "desc" ? <path d="m4 6 4 4 4-4" /> : <path d="m4 10 4-4 4 4" />}
        </svg>
      </button>
    </th>
  );
}

const rowBase = "group cursor-pointer border-l-2 transition-colors";
export const rowSelected = "border-l-indigo-500 bg-indigo-50/70 dark:border-l-indigo-400 dark:bg-indigo-500/10";
export const rowIdle = "border-l-transparent hover:bg-zinc-50 dark:hover:bg-zinc-800/40";

/** Changes that bring a new row into the list. */
const NEW_REQUIREMENT = ["requirement.created"] as const;

function RequirementTable({
  projectKey,
  rows,
  state,
  selected,
  linkRefs,
  onFocusRow,
  onOpen,
  onSort,
  onTag,
}: {
  projectKey: string;
  rows: RequirementListItem[];
  state: ListState;
  selected: number;
  linkRefs: React.RefObject<(HTMLAnchorElement | null)[]>;
  onFocusRow: (i: number) => void;
  onOpen: (i: number) => void;
  onSort: (f: ListState["sort"]) => void;
  onTag: (tag: string) => void;
}) {
  const fresh = useFreshKeys(NEW_REQUIREMENT);
  return (
    <div className="w-full overflow-x-auto">
      <table className="w-full border-collapse text-left text-sm" aria-label="Requirements">
        <thead className="border-b border-zinc-200 bg-zinc-50/70 dark:border-zinc-800 dark:bg-zinc-900/80">
          <tr>
            <SortHeader label="Key" field="key" state={state} onSort={onSort} className="w-24 pl-4" />
            <th scope="col" className="h-9 px-3 text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Title
            </th>
            <th
              scope="col"
              className="hidden h-9 w-32 px-3 text-xs font-medium text-zinc-600 sm:table-cell dark:text-zinc-400"
            >
              Status
            </th>
            <th
              scope="col"
              className="hidden h-9 w-24 px-3 text-xs font-medium text-zinc-600 md:table-cell dark:text-zinc-400"
            >
              Priority
            </th>
            <th
              scope="col"
              className="hidden h-9 w-32 px-3 text-xs font-medium text-zinc-600 lg:table-cell dark:text-zinc-400"
            >
              Type
            </th>
            <SortHeader
              label="Updated"
              field="updated"
              state={state}
              onSort={onSort}
              className="hidden w-32 pr-4 md:table-cell"
            />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800/80">
          {rows.map((r, i) => (
            <tr
              key={r.key}
              data-row
              data-key={r.key}
              data-selected={selected === i || undefined}
              data-fresh={fresh.has(r.key) || undefined}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a, button")) return;
                onOpen(i);
              }}
              className={cn(rowBase, selected === i ? rowSelected : rowIdle, fresh.has(r.key) && "live-fresh")}
            >
              <td className="py-2 pr-2 pl-3.5 align-top sm:align-middle">
                <RequirementKey value={r.key} className="leading-5" />
              </td>
              <td className="max-w-0 px-3 py-2">
                <Link
                  ref={(el) => {
                    linkRefs.current[i] = el;
                  }}
                  href={`/projects/${projectKey}/requirements/${r.key}`}
                  onFocus={() => onFocusRow(i)}
                  className="block truncate rounded-sm font-medium text-zinc-900 outline-none group-hover:text-indigo-700 focus-visible:underline focus-visible:decoration-indigo-500 focus-visible:underline-offset-4 dark:text-zinc-100 dark:group-hover:text-indigo-300"
                >
                  {r.title}
                </Link>
                {r.tags.length || r.parentKey || r.childCount ? (
                  <div className="mt-1 flex min-w-0 flex-wrap items-center gap-1">
                    {r.parentKey ? (
                      <span className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">↳ {r.parentKey}</span>
                    ) : null}
                    {r.childCount ? (
                      <span className="text-[11px] text-zinc-500 dark:text-zinc-400">
                        {r.parentKey ? <span aria-hidden="true">· </span> : null}
                        {r.childCount} {r.childCount === 1 ? "child" : "children"}
                      </span>
                    ) : null}
                    {r.tags.slice(0, 4).map((t) => (
                      <button
                        key={t}
                        type="button"
                        onClick={() => onTag(t)}
                        title={`Filter by tag ${t}`}
                        className={cn("rounded", focusRing, "focus-visible:ring-offset-0")}
                      >
                        <TagChip
                          tag={t}
                          className="hover:border-indigo-300 hover:text-indigo-700 dark:hover:border-indigo-500/50 dark:hover:text-indigo-300"
                        />
                      </button>
                    ))}
                    {r.tags.length > 4 ? <span className="text-[11px] text-zinc-500">+{r.tags.length - 4}</span> : null}
                  </div>
                ) : null}
                <CompactClassification
                  status={r.status}
                  priority={r.priority}
                  className="mt-1.5 flex items-center gap-1.5 sm:hidden"
                />
              </td>
              <ClassificationCells status={r.status} priority={r.priority} type={r.type} />
              <td className="hidden py-2 pr-4 pl-3 text-[13px] whitespace-nowrap text-zinc-500 md:table-cell dark:text-zinc-400">
                <LocalTime date={r.updatedAt} mode="relative" />
                <span className="ml-1.5 text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">v{r.version}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
