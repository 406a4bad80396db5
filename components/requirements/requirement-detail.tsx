"use client";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";

import { ArrowLeftIcon } from "@/components/icons";
import { LocalTime, useTimeFormats } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import type { ProjectRole } from "@/components/role-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { PersonName } from "@/components/ui/person-name";
import { WatchButton } from "@/components/watch-button";
import { useTRPC } from "@/lib/trpc/react";
import { type AttributeDefinition, attributeLabels, attributeTypes, formatAttributeValue } from "./attributes";
import { PriorityBadge, RequirementKey, StatusBadge, TagChip } from "./badges";
import { allowedTransitions, MoveDialog, RestoreDialog, StatusActions } from "./change-dialogs";
import type { DiffMode } from "./diff-view";
import { HistoryTimeline } from "./history-timeline";
import { isStatus, isType, STATUS_LABELS, TYPE_LABELS } from "./labels";
import { type EditableRequirement, RequirementEditor } from "./requirement-editor";
import {
  FIRST_PAGE_PARAMS,
  type HistoryEntry,
  type HistoryPage,
  type RequirementDetailData,
  type RequirementSaved,
} from "./types";
import { isTypingTarget } from "./use-list-keyboard";
import { VersionCompare } from "./version-compare";

const HISTORY_PAGE = 20;

function parseVersion(v: string | null, max: number): number | null {
  if (!v || !/^\d{1,9}$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= max ? n : null;
}

export function RequirementDetail({
  projectKey,
  initial,
  initialHistory,
  role,
  meId,
  archived,
  defs,
}: {
  projectKey: string;
  initial: RequirementDetailData;
  initialHistory: HistoryPage;
  role: ProjectRole;
  meId: string;
  archived: boolean;
  defs: AttributeDefinition[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const key = initial.key;

  const detail = useQuery(trpc.requirement.byKey.queryOptions({ key }, { initialData: initial }));
  const req = detail.data ?? initial;
  const history = useInfiniteQuery(
    trpc.requirement.history.infiniteQueryOptions(
      { key, limit: HISTORY_PAGE },
      {
        getNextPageParam: (p) => p.nextCursor ?? undefined,
        initialData: { pages: [initialHistory], pageParams: FIRST_PAGE_PARAMS },
      },
    ),
  );
  const entries = useMemo(() => history.data?.pages.flatMap((p) => p.items) ?? [], [history.data]);
  const entryByVersion = useMemo(() => new Map(entries.map((e) => [e.version, e])), [entries]);

  const canEdit = !archived && (role === "MAINTAINER" || role === "ADMIN");
  const status = isStatus(req.status) ? req.status : "DRAFT";
  const transitions = allowedTransitions({
    status,
    canEdit,
    isReporter: role === "REPORTER",
    isOwnDraft: req.createdBy?.id === meId,
    archived,
  });

  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [restoring, setRestoring] = useState<HistoryEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Diff selection lives in the URL (from, to, diff) so a comparison can be linked.
  const explicitFrom = parseVersion(searchParams.get("from"), req.version);
  const explicitTo = parseVersion(searchParams.get("to"), req.version);
  const from = explicitFrom ?? Math.max(1, (explicitTo ?? req.version) - 1);
  const to = explicitTo ?? req.version;
  const mode: DiffMode = searchParams.get("diff") === "inline" ? "inline" : "split";
  function setCompare(patch: { from?: number; to?: number; mode?: DiffMode }) {
    const p = new URLSearchParams(window.location.search);
    if (patch.from !== undefined) p.set("from", String(patch.from));
    if (patch.to !== undefined) p.set("to", String(patch.to));
    if (patch.from !== undefined && patch.to === undefined && !p.has("to")) p.set("to", String(to));
    if (patch.to !== undefined && patch.from === undefined && !p.has("from")) p.set("from", String(from));
    if (patch.mode) {
      if (patch.mode === "inline") p.set("diff", "inline");
      else p.delete("diff");
    }
    const qs = p.toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  }

  function applySaved(saved: RequirementSaved, message: string) {
    queryClient.setQueryData(trpc.requirement.byKey.queryKey({ key }), (old) => (old ? { ...old, ...saved } : old));
    void queryClient.invalidateQueries({ queryKey: trpc.requirement.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.baseline.pathKey() });
    // A pinned comparison that ended at the old current version follows the new one.
    if (explicitTo === saved.version - 1) setCompare({ to: saved.version });
    setNotice(message);
  }

  function refreshStale() {
    void queryClient.invalidateQueries({ queryKey: trpc.requirement.pathKey() });
  }

  useEffect(() => {
    if (!canEdit || editing) return;
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== "e" || e.metaKey || e.ctrlKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector("dialog[open]")) return;
      e.preventDefault();
      setNotice(null);
      setEditing(true);
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [canEdit, editing]);

  const editable: EditableRequirement = {
    key: req.key,
    version: req.version,
    title: req.title,
    statement: req.statement,
    rationale: req.rationale,
    type: req.type,
    priority: req.priority,
    status: req.status,
    tags: req.tags,
    attributes: req.attributes,
    parentKey: req.parentKey,
    position: req.position,
  };

  const definedKeys = new Set(defs.map((d) => d.key));
  const extraAttributes = Object.entries(req.attributes ?? {}).filter(([k]) => !definedKeys.has(k));
  // Rich text reads as a section under the statement; every other attribute is a row beside it.
  // A retired attribute shows only where the requirement still holds a value for it.
  const shownDefs = defs.filter((d) => !d.retired || hasValue(req.attributes?.[d.key]));
  const textDefs = shownDefs.filter((d) => d.type === "richText");
  const fieldDefs = shownDefs.filter((d) => d.type !== "richText");

  return (
    <div>
      <Link
        href={`/projects/${projectKey}/requirements`}
        className={cn(
          "inline-flex items-center gap-1.5 rounded-sm text-[13px] font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          focusRing,
        )}
      >
        <ArrowLeftIcon className="size-3.5" />
        Requirements
      </Link>

      <header className="mt-3">
        <div className="flex flex-wrap items-center gap-2">
          <RequirementKey value={req.key} className="text-[13px] text-zinc-600 dark:text-zinc-300" />
          <StatusBadge status={req.status} />
          <span
            className="inline-flex h-5 items-center rounded bg-zinc-100 px-1.5 font-mono text-[11px] font-medium text-zinc-600 tabular-nums dark:bg-zinc-800 dark:text-zinc-300"
            title="Current version"
          >
            v{req.version}
          </span>
        </div>
        <div className="mt-2 flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
          <h2 className="min-w-0 text-xl font-semibold tracking-tight text-balance break-words text-zinc-900 sm:text-2xl dark:text-zinc-50">
            {req.title}
          </h2>
          {!editing ? (
            <div className="flex shrink-0 flex-wrap items-center gap-1.5">
              <WatchButton itemKey={req.key} />
              {canEdit ? (
                <Button
                  size="sm"
                  aria-keyshortcuts="e"
                  onClick={() => {
                    setNotice(null);
                    setEditing(true);
                  }}
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
                    <path d="M10.5 2.75 13.25 5.5l-7.5 7.5H3v-2.75l7.5-7.5Z" />
                  </svg>
                  Edit
                </Button>
              ) : null}
              {canEdit ? (
                <Button size="sm" variant="secondary" onClick={() => setMoving(true)}>
                  Move…
                </Button>
              ) : null}
              <StatusActions
                reqKey={req.key}
                status={status}
                version={req.version}
                allowed={transitions}
                onStale={refreshStale}
                onChanged={(saved) =>
                  applySaved(
                    saved,
                    `Status changed to ${isStatus(saved.status) ? STATUS_LABELS[saved.status] : saved.status} — version ${saved.version}.`,
                  )
                }
              />
            </div>
          ) : null}
        </div>
        <p className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          Created by <PersonName person={req.createdBy} /> <LocalTime date={req.createdAt} mode="relative" />
          <span aria-hidden="true"> · </span>
          updated <LocalTime date={req.updatedAt} mode="relative" />
        </p>
      </header>

      {notice ? (
        <p
          role="status"
          className="mt-4 flex items-center justify-between gap-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-[13px] text-emerald-800 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200"
        >
          <span>{notice}</span>
          <button
            type="button"
            onClick={() => setNotice(null)}
            aria-label="Dismiss"
            className={cn("rounded p-0.5 hover:bg-emerald-100 dark:hover:bg-emerald-500/20", focusRing)}
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 16 16"
              className="size-3.5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
            >
              <path d="m4 4 8 8M12 4l-8 8" />
            </svg>
          </button>
        </p>
      ) : null}

      {/* Phones: text, details, then compare and history; wide screens: details in a right-hand column. */}
      <div className="mt-6 grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_17rem] lg:grid-rows-[auto_1fr]">
        <div className="min-w-0 lg:col-start-1 lg:row-start-1">
          {editing ? (
            <RequirementEditor
              requirement={editable}
              defs={defs}
              onCancel={() => setEditing(false)}
              onSaved={(saved) => {
                setEditing(false);
                applySaved(
                  saved,
                  saved.version === req.version
                    ? "Nothing changed, so no new version was saved."
                    : `Saved as version ${saved.version}.`,
                );
              }}
              onDiscarded={(latest) => {
                setEditing(false);
                queryClient.setQueryData(trpc.requirement.byKey.queryKey({ key }), (old) =>
                  old ? { ...old, ...(latest as unknown as Partial<RequirementDetailData>) } : old,
                );
                refreshStale();
                setNotice(`Your changes were discarded. Showing version ${latest.version}.`);
              }}
            />
          ) : (
            <Card>
              <section aria-labelledby="statement-heading" className="px-4 py-4 sm:px-5">
                <h3
                  id="statement-heading"
                  className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
                >
                  Statement
                </h3>
                <div className="mt-2">
                  {req.statement.trim() ? (
                    <Markdown>{req.statement}</Markdown>
                  ) : (
                    <p className="text-sm text-zinc-500 italic dark:text-zinc-400">No statement yet.</p>
                  )}
                </div>
              </section>
              <section
                aria-labelledby="rationale-heading"
                className="border-t border-zinc-100 px-4 py-4 sm:px-5 dark:border-zinc-800"
              >
                <h3
                  id="rationale-heading"
                  className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
                >
                  Rationale
                </h3>
                <div className="mt-2">
                  {req.rationale.trim() ? (
                    <Markdown>{req.rationale}</Markdown>
                  ) : (
                    <p className="text-sm text-zinc-500 italic dark:text-zinc-400">No rationale given.</p>
                  )}
                </div>
              </section>
              {textDefs.map((d) => {
                const value = req.attributes?.[d.key];
                return (
                  <section
                    key={d.key}
                    aria-labelledby={`attr-${d.key}-heading`}
                    className="border-t border-zinc-100 px-4 py-4 sm:px-5 dark:border-zinc-800"
                  >
                    <h3
                      id={`attr-${d.key}-heading`}
                      className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
                    >
                      {d.label}
                      {d.retired ? <RetiredMark /> : null}
                    </h3>
                    <div className="mt-2">
                      {typeof value === "string" && value.trim() ? (
                        <Markdown>{value}</Markdown>
                      ) : (
                        <p className="text-sm text-zinc-500 italic dark:text-zinc-400">Not set.</p>
                      )}
                    </div>
                  </section>
                );
              })}
            </Card>
          )}
        </div>

        <aside
          className="space-y-4 lg:sticky lg:top-20 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:self-start"
          aria-label="Details"
        >
          <Card>
            <dl className="divide-y divide-zinc-100 text-[13px] dark:divide-zinc-800">
              <DetailRow label="Status">
                <StatusBadge status={req.status} />
              </DetailRow>
              <DetailRow label="Priority">
                <PriorityBadge priority={req.priority} />
              </DetailRow>
              <DetailRow label="Type">{isType(req.type) ? TYPE_LABELS[req.type] : req.type}</DetailRow>
              <DetailRow label="Version">
                <span className="tabular-nums">{req.version}</span>
              </DetailRow>
              <DetailRow label="Parent">
                {req.parentKey ? (
                  <Link
                    href={`/projects/${projectKey}/requirements/${req.parentKey}`}
                    className={cn(
                      "rounded-sm font-mono text-xs font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400 dark:hover:text-indigo-300",
                      focusRing,
                    )}
                  >
                    {req.parentKey}
                  </Link>
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">Top level</span>
                )}
              </DetailRow>
              <DetailRow label="Tags">
                {req.tags.length ? (
                  <span className="flex flex-wrap justify-end gap-1">
                    {req.tags.map((t) => (
                      <Link
                        key={t}
                        href={`/projects/${projectKey}/requirements?tag=${encodeURIComponent(t)}`}
                        className={cn("rounded", focusRing)}
                        title={`All requirements tagged ${t}`}
                      >
                        <TagChip
                          tag={t}
                          className="hover:border-indigo-300 hover:text-indigo-700 dark:hover:border-indigo-500/50 dark:hover:text-indigo-300"
                        />
                      </Link>
                    ))}
                  </span>
                ) : (
                  <span className="text-zinc-500 dark:text-zinc-400">None</span>
                )}
              </DetailRow>
            </dl>
          </Card>

          {fieldDefs.length || extraAttributes.length ? (
            <Card>
              <h3 className="border-b border-zinc-200 px-4 py-2.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400">
                Attributes
              </h3>
              <dl className="divide-y divide-zinc-100 text-[13px] dark:divide-zinc-800">
                {fieldDefs.map((d) => (
                  <DetailRow
                    key={d.key}
                    label={
                      <>
                        {d.label}
                        {d.retired ? <RetiredMark /> : null}
                      </>
                    }
                  >
                    <AttributeValueView def={d} value={req.attributes?.[d.key]} />
                  </DetailRow>
                ))}
                {extraAttributes.map(([k, v]) => (
                  <DetailRow key={k} label={k}>
                    <span className="break-words">{formatAttributeValue(undefined, v)}</span>
                  </DetailRow>
                ))}
              </dl>
            </Card>
          ) : null}

          <Card>
            <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
              <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                Children
              </h3>
              <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{req.children.length}</span>
            </div>
            {req.children.length ? (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {req.children.map((c) => (
                  <li key={c.key}>
                    <Link
                      href={`/projects/${projectKey}/requirements/${c.key}`}
                      className={cn(
                        "flex items-center gap-2 px-4 py-2 hover:bg-zinc-50 dark:hover:bg-zinc-800/40",
                        focusRing,
                        "focus-visible:ring-offset-0",
                      )}
                    >
                      <RequirementKey value={c.key} />
                      <span className="min-w-0 flex-1 truncate text-[13px] text-zinc-800 dark:text-zinc-200">
                        {c.title}
                      </span>
                      <StatusBadge status={c.status} className="shrink-0" />
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="px-4 py-3 text-[13px] text-zinc-500 dark:text-zinc-400">No child requirements.</p>
            )}
          </Card>
          {archived ? (
            <p className="px-1 text-xs text-zinc-500 dark:text-zinc-400">
              This project is archived, so requirements are read-only.
            </p>
          ) : !canEdit ? (
            <p className="px-1 text-xs text-zinc-500 dark:text-zinc-400">
              As a reporter you can send your own drafts to review; maintainers edit, move and restore requirements.
            </p>
          ) : null}
        </aside>

        <div className="min-w-0 space-y-6 lg:col-start-1 lg:row-start-2">
          <VersionCompare
            reqKey={key}
            version={req.version}
            from={from}
            to={to}
            mode={mode}
            onChange={setCompare}
            entries={entryByVersion}
            attributeLabels={attributeLabels(defs)}
            attributeTypes={attributeTypes(defs)}
          />

          <HistoryTimeline
            entries={entries}
            currentVersion={req.version}
            loading={history.isPending}
            error={history.error}
            hasMore={history.hasNextPage}
            loadingMore={history.isFetchingNextPage}
            onLoadMore={() => history.fetchNextPage()}
            onCompare={(f, t) => {
              setCompare({ from: f, to: t });
              document.getElementById("compare-heading")?.scrollIntoView({ behavior: "smooth", block: "start" });
            }}
            onRestore={setRestoring}
            canRestore={canEdit}
          />
        </div>
      </div>

      {canEdit ? (
        <>
          <MoveDialog
            open={moving}
            onClose={() => setMoving(false)}
            projectKey={projectKey}
            reqKey={req.key}
            version={req.version}
            parentKey={req.parentKey}
            onStale={refreshStale}
            onMoved={(saved) => {
              setMoving(false);
              applySaved(
                saved,
                saved.version === req.version
                  ? "It was already there, so nothing changed."
                  : `Moved — version ${saved.version}.`,
              );
            }}
          />
          <RestoreDialog
            reqKey={req.key}
            version={req.version}
            entry={restoring}
            onClose={() => setRestoring(null)}
            onStale={refreshStale}
            onRestored={(saved) => {
              const restored = restoring?.version;
              setRestoring(null);
              applySaved(
                saved,
                saved.version === req.version
                  ? "That version matches the current one, so nothing changed."
                  : `Restored version ${restored} as version ${saved.version}.`,
              );
            }}
          />
        </>
      ) : null}
    </div>
  );
}

/** A stored attribute value by its type: options as chips, date-times in the reader's zone, the rest as text. */
function AttributeValueView({ def, value }: { def: AttributeDefinition; value: unknown }) {
  const formats = useTimeFormats();
  if (Array.isArray(value) && value.length > 0) {
    return (
      <ul className="flex flex-wrap justify-end gap-1">
        {value.map((o) => (
          <li
            key={String(o)}
            className="inline-flex min-h-5 max-w-full items-center rounded border border-zinc-200 bg-white px-1.5 text-[11px] font-medium break-words text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
          >
            {String(o)}
          </li>
        ))}
      </ul>
    );
  }
  if (def.type === "dateTime" && typeof value === "string" && !Number.isNaN(Date.parse(value))) {
    return <LocalTime date={value} mode="datetime" />;
  }
  const unset = value === undefined || value === null || value === "" || Array.isArray(value);
  return (
    <span className={cn("break-words", unset && "text-zinc-400 dark:text-zinc-500")}>
      {formatAttributeValue(def, value, formats)}
    </span>
  );
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
}

/** Beside the label of a retired attribute: its value is kept but can no longer be changed. */
function RetiredMark() {
  return (
    <span
      title="Retired: the value is kept, but can no longer be set or changed"
      className="ml-1.5 inline-flex h-4 items-center rounded bg-zinc-100 px-1 align-[1px] text-[10px] font-medium tracking-normal text-zinc-500 normal-case dark:bg-zinc-800 dark:text-zinc-400"
    >
      Retired
    </span>
  );
}

function DetailRow({ label, children }: { label: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 px-4 py-2">
      <dt className="shrink-0 text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 text-right text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}
