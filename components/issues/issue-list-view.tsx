"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { Avatar } from "@/components/avatar";
import { SearchIcon } from "@/components/icons";
import { useFreshKeys } from "@/components/live/live-updates";
import { LocalTime } from "@/components/local-time";
import { useListKeyboard } from "@/components/requirements/use-list-keyboard";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { TextFilter } from "@/components/ui/text-filter";
import { useDebounced } from "@/components/use-debounced";
import { ISSUE_SEVERITIES, ISSUE_STATUSES } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";

import {
  type IssueListItem,
  type IssueSeverity,
  type IssueStatus,
  IssueStatusBadge,
  LabelChip,
  type Member,
  SEVERITY_LABELS,
  SeverityIndicator,
  STATUS_LABELS,
} from "./issue-meta";
import { IssueQuickAction, QUICK_ACTION_KEYS, type QuickAction } from "./quick-actions";

type Sort = "updated" | "key" | "severity";

const SORTS: { value: string; label: string }[] = [
  { value: "updated:desc", label: "Recently updated" },
  { value: "updated:asc", label: "Least recently updated" },
  { value: "key:desc", label: "Newest" },
  { value: "key:asc", label: "Oldest" },
  { value: "severity:desc", label: "Severity: highest first" },
  { value: "severity:asc", label: "Severity: lowest first" },
];

const checkbox =
  "size-4 rounded border-zinc-300 text-indigo-600 accent-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:border-zinc-600 dark:focus-visible:ring-offset-zinc-950";

/** Changes that bring a new row into the list. */
const NEW_ISSUE = ["issue.created"] as const;

export function IssueListView({
  projectKey,
  canTriage,
  members,
}: {
  projectKey: string;
  canTriage: boolean;
  members: Member[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const fresh = useFreshKeys(NEW_ISSUE);

  const status = params.get("status") ?? "";
  const severity = params.get("severity") ?? "";
  const label = params.get("label") ?? "";
  const assignee = params.get("assignee") ?? "";
  const sortParam = params.get("sort") ?? "updated:desc";
  const [sort, order] = (SORTS.some((s) => s.value === sortParam) ? sortParam : "updated:desc").split(":") as [
    Sort,
    "asc" | "desc",
  ];
  const [q, setQ] = useState(params.get("q") ?? "");
  const debouncedQ = useDebounced(q.trim(), 300);

  function setParam(name: string, value: string) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    const s = next.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  }

  // Only a new debounced search writes the URL; other parameter changes must not re-run this.
  const syncSearchToUrl = useEffectEvent((value: string) => {
    if ((params.get("q") ?? "") !== value) setParam("q", value);
  });
  useEffect(() => syncSearchToUrl(debouncedQ), [debouncedQ]);

  const input = {
    projectKey,
    status: status ? [status as IssueStatus] : undefined,
    severity: severity ? [severity as IssueSeverity] : undefined,
    label: label || undefined,
    assigneeId: assignee === "none" ? null : assignee || undefined,
    q: debouncedQ || undefined,
    sort,
    order,
    limit: 50,
  };
  const list = useInfiniteQuery(
    trpc.issue.list.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const filtered = Boolean(status || severity || label || assignee || debouncedQ);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => {
    // Keep the selection to rows still shown.
    setSelected((prev) => {
      const shown = new Set(items.map((i) => i.key));
      const next = new Set([...prev].filter((k) => shown.has(k)));
      return next.size === prev.size ? prev : next;
    });
  }, [items]);
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.key));

  // The keyboard's current row (j/k), apart from the bulk selection (x adds the current row to it).
  const [cursor, setCursor] = useState(-1);
  const [quick, setQuick] = useState<QuickAction | null>(null);
  const current = cursor >= 0 ? items[cursor] : undefined;
  const searchRef = useRef<HTMLInputElement>(null);
  function moveTo(index: number) {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, index));
    setCursor(next);
    const key = items[next]?.key;
    if (key) document.getElementById(rowId(key))?.scrollIntoView({ block: "nearest" });
  }
  const onCurrent = (action: QuickAction) => () => {
    if (current && canTriage) setQuick(action);
  };
  useListKeyboard({
    next: () => moveTo(cursor + 1),
    prev: () => moveTo(cursor < 0 ? 0 : cursor - 1),
    open: () => {
      if (current) router.push(`/projects/${projectKey}/issues/${current.key}`);
    },
    create: () => document.querySelector<HTMLButtonElement>('button[aria-keyshortcuts="c"]:not(:disabled)')?.click(),
    search: () => searchRef.current?.focus(),
    toggleSelect: canTriage && current ? () => toggle(current.key) : undefined,
    actions: canTriage
      ? {
          [QUICK_ACTION_KEYS.status]: onCurrent("status"),
          [QUICK_ACTION_KEYS.assign]: onCurrent("assign"),
          [QUICK_ACTION_KEYS.label]: onCurrent("label"),
        }
      : undefined,
  });

  function toggle(key: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 lg:flex-row lg:items-center">
        <div className="relative lg:w-72">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400" />
          <label htmlFor="issue-search" className="sr-only">
            Search issues
          </label>
          <Input
            ref={searchRef}
            id="issue-search"
            type="search"
            aria-keyshortcuts="/"
            compact
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Search title, description or key"
            className="pl-8"
          />
        </div>
        <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-center">
          <FilterSelect label="Status" value={status} onChange={(v) => setParam("status", v)}>
            <option value="">Any status</option>
            {ISSUE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect label="Severity" value={severity} onChange={(v) => setParam("severity", v)}>
            <option value="">Any severity</option>
            {ISSUE_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect label="Assignee" value={assignee} onChange={(v) => setParam("assignee", v)}>
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            {members.map((m) => (
              <option key={m.user.id} value={m.user.id}>
                {m.user.name}
              </option>
            ))}
          </FilterSelect>
          <TextFilter label="Label" className="sm:w-28" value={label} onChange={(v) => setParam("label", v)} />
          <FilterSelect
            label="Sort"
            value={`${sort}:${order}`}
            onChange={(v) => setParam("sort", v === "updated:desc" ? "" : v)}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </FilterSelect>
        </div>
        {filtered ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setQ("");
              router.replace(sort === "updated" && order === "desc" ? pathname : `${pathname}?sort=${sort}:${order}`, {
                scroll: false,
              });
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </div>

      {canTriage && selected.size > 0 ? (
        <BulkBar
          issues={items.filter((i) => selected.has(i.key))}
          members={members}
          onClear={() => setSelected(new Set())}
        />
      ) : null}

      <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
        {list.isPending ? (
          <div className="flex items-center justify-center gap-2 py-16 text-sm text-zinc-500">
            <Spinner className="size-4" /> Loading issues…
          </div>
        ) : list.isError ? (
          <div className="p-4">
            <Alert
              action={
                <Button size="sm" onClick={() => list.refetch()}>
                  Try again
                </Button>
              }
            >
              {errorMessage(list.error)}
            </Alert>
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            title={filtered ? "No issues match these filters" : "No issues yet"}
            description={
              filtered
                ? "Try a different search or clear the filters."
                : "Issues that anyone on the project files will show up here."
            }
          />
        ) : (
          <>
            {canTriage ? (
              <div className="flex h-9 items-center gap-3 border-b border-zinc-200 bg-zinc-50/70 px-4 text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900/80 dark:text-zinc-400">
                <input
                  type="checkbox"
                  className={checkbox}
                  checked={allSelected}
                  aria-label="Select all shown issues"
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.key)))}
                />
                <span>
                  {selected.size > 0
                    ? `${selected.size} selected`
                    : `${items.length}${list.hasNextPage ? "+" : ""} ${items.length === 1 && !list.hasNextPage ? "issue" : "issues"}`}
                </span>
              </div>
            ) : null}
            <ul aria-label="Issues" className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {items.map((issue, i) => (
                <IssueRow
                  key={issue.key}
                  issue={issue}
                  projectKey={projectKey}
                  selectable={canTriage}
                  selected={selected.has(issue.key)}
                  current={i === cursor}
                  fresh={fresh.has(issue.key)}
                  onToggle={() => toggle(issue.key)}
                />
              ))}
            </ul>
            {current && quick ? (
              <IssueQuickAction issue={current} action={quick} members={members} onClose={() => setQuick(null)} />
            ) : null}
          </>
        )}
      </div>
      {list.hasNextPage ? (
        <div className="flex justify-center">
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: React.ReactNode;
}) {
  return (
    <Select
      compact
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      className="min-w-0 sm:w-auto"
    >
      {children}
    </Select>
  );
}

/** The id of an issue's row, for scrolling the keyboard's current row into view. */
const rowId = (key: string) => `issue-row-${key}`;

function IssueRow({
  issue,
  projectKey,
  selectable,
  selected,
  current,
  fresh,
  onToggle,
}: {
  issue: IssueListItem;
  projectKey: string;
  selectable: boolean;
  selected: boolean;
  /** The keyboard's current row (j/k). */
  current: boolean;
  /** Just arrived through live updates: marked briefly. */
  fresh: boolean;
  onToggle: () => void;
}) {
  return (
    <li
      id={rowId(issue.key)}
      data-fresh={fresh || undefined}
      data-current={current || undefined}
      aria-current={current || undefined}
      className={cn(
        fresh && "live-fresh",
        "group relative flex items-center gap-3 px-4 py-2.5 transition-colors hover:bg-zinc-50 dark:hover:bg-zinc-800/40",
        selected && "bg-indigo-50/60 hover:bg-indigo-50 dark:bg-indigo-500/10 dark:hover:bg-indigo-500/15",
        current && "bg-zinc-50 shadow-[inset_2px_0_0_var(--color-indigo-500)] dark:bg-zinc-800/50",
      )}
    >
      {selectable ? (
        <input
          type="checkbox"
          className={cn(checkbox, "relative z-10")}
          checked={selected}
          onChange={onToggle}
          aria-label={`Select ${issue.key}`}
        />
      ) : null}
      <span
        title={issue.key}
        className="hidden w-28 shrink-0 truncate font-mono text-xs text-zinc-500 sm:block dark:text-zinc-400"
      >
        {issue.key}
      </span>
      <div className="min-w-0 flex-1">
        <Link
          href={`/projects/${projectKey}/issues/${issue.key}`}
          className={cn(
            "block truncate rounded-sm text-sm font-medium text-zinc-900 after:absolute after:inset-0 dark:text-zinc-100",
            focusRing,
          )}
        >
          {issue.title}
        </Link>
        <div className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
          <span className="font-mono sm:hidden">{issue.key}</span>
          <span className="sm:hidden">
            <IssueStatusBadge status={issue.status} />
          </span>
          <span className="md:hidden">
            <SeverityIndicator severity={issue.severity} className="text-xs" />
          </span>
          <span>
            Updated <LocalTime date={issue.updatedAt} mode="relative" />
          </span>
          {issue.labels.length ? (
            <span className="flex flex-wrap gap-1">
              {issue.labels.slice(0, 4).map((l) => (
                <LabelChip key={l}>{l}</LabelChip>
              ))}
            </span>
          ) : null}
        </div>
      </div>
      <span className="hidden w-20 shrink-0 md:block">
        <SeverityIndicator severity={issue.severity} />
      </span>
      <span className="hidden shrink-0 sm:block">
        <IssueStatusBadge status={issue.status} />
      </span>
      <span className="hidden w-6 shrink-0 sm:block">
        {issue.assignee ? (
          <span title={`Assigned to ${issue.assignee.name}`}>
            <Avatar name={issue.assignee.name} email={issue.assignee.email} seed={issue.assignee.id} size="sm" />
            <span className="sr-only">Assigned to {issue.assignee.name}</span>
          </span>
        ) : (
          <span
            title="Unassigned"
            className="inline-block size-6 rounded-full border border-dashed border-zinc-300 dark:border-zinc-700"
          >
            <span className="sr-only">Unassigned</span>
          </span>
        )}
      </span>
    </li>
  );
}

type BulkAction = "status" | "assign" | "severity";

function BulkBar({ issues, members, onClear }: { issues: IssueListItem[]; members: Member[]; onClear: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<BulkAction>("status");
  const [value, setValue] = useState("");
  const [failures, setFailures] = useState<{ key: string; message: string }[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const transition = useMutation(trpc.issue.transition.mutationOptions());
  const assign = useMutation(trpc.issue.assign.mutationOptions());
  const update = useMutation(trpc.issue.update.mutationOptions());
  const [running, setRunning] = useState(false);

  async function apply() {
    if (!value) return;
    setRunning(true);
    setFailures([]);
    setDone(null);
    const results = await Promise.allSettled(
      issues.map((i) => {
        if (action === "status")
          return transition.mutateAsync({ key: i.key, expectedVersion: i.version, to: value as IssueStatus });
        if (action === "assign")
          return assign.mutateAsync({
            key: i.key,
            expectedVersion: i.version,
            assigneeId: value === "none" ? null : value,
          });
        return update.mutateAsync({ key: i.key, expectedVersion: i.version, severity: value as IssueSeverity });
      }),
    );
    const failed = issues.flatMap((issue, idx) => {
      const result = results[idx];
      return result?.status === "rejected" ? [{ key: issue.key, message: errorMessage(result.reason) }] : [];
    });
    setFailures(failed);
    const ok = results.length - failed.length;
    setDone(`${ok} of ${results.length} updated`);
    setRunning(false);
    await queryClient.invalidateQueries({ queryKey: trpc.issue.pathKey() });
  }

  return (
    <section
      aria-label="Bulk triage"
      className="rounded-lg border border-indigo-200 bg-indigo-50/60 p-3 dark:border-indigo-500/30 dark:bg-indigo-500/10"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium text-indigo-900 dark:text-indigo-200">{issues.length} selected</span>
        <Select
          compact
          aria-label="Bulk action"
          value={action}
          onChange={(e) => {
            setAction(e.target.value as BulkAction);
            setValue("");
          }}
        >
          <option value="status">Set status</option>
          <option value="assign">Assign</option>
          <option value="severity">Set severity</option>
        </Select>
        <Select compact aria-label="New value" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">Choose…</option>
          {action === "status"
            ? ISSUE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))
            : action === "severity"
              ? ISSUE_SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {SEVERITY_LABELS[s]}
                  </option>
                ))
              : [
                  <option key="none" value="none">
                    Unassigned
                  </option>,
                  ...members.map((m) => (
                    <option key={m.user.id} value={m.user.id}>
                      {m.user.name}
                    </option>
                  )),
                ]}
        </Select>
        <Button size="sm" variant="primary" onClick={apply} disabled={!value} loading={running}>
          Apply to {issues.length}
        </Button>
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear selection
        </Button>
        {done ? (
          <span role="status" className="text-[13px] text-zinc-700 dark:text-zinc-300">
            {done}
          </span>
        ) : null}
      </div>
      {failures.length ? (
        <Alert className="mt-3" title={`${failures.length} could not be updated`}>
          <ul className="mt-1 space-y-0.5">
            {failures.map((f) => (
              <li key={f.key}>
                <span className="font-mono text-xs">{f.key}</span>: {f.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </section>
  );
}
