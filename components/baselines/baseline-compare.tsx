"use client";
import Link from "next/link";

import type { AttributeType } from "@/components/requirements/attributes";
import { RequirementKey, StatusBadge } from "@/components/requirements/badges";
import { type DiffMode, FieldChangeList } from "@/components/requirements/diff-view";
import type { BaselineComparison } from "@/components/requirements/types";
import { cn, focusRing } from "@/components/ui/cn";

type Entry = BaselineComparison["added"][number];

/** "n added · n removed · n changed · n unchanged", each count coloured and labelled. */
export function CompareSummary({ summary }: { summary: BaselineComparison["summary"] }) {
  const parts = [
    { n: summary.added, label: "added", className: "text-emerald-700 dark:text-emerald-400" },
    { n: summary.removed, label: "removed", className: "text-red-700 dark:text-red-400" },
    { n: summary.changed, label: "changed", className: "text-amber-700 dark:text-amber-400" },
    { n: summary.unchanged, label: "unchanged", className: "text-zinc-600 dark:text-zinc-400" },
  ];
  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm" data-testid="compare-summary">
      {parts.map((p, i) => (
        <span key={p.label} className="whitespace-nowrap">
          <span
            className={cn("font-semibold tabular-nums", p.n > 0 ? p.className : "text-zinc-400 dark:text-zinc-500")}
          >
            {p.n}
          </span>{" "}
          <span className="text-zinc-600 dark:text-zinc-400">{p.label}</span>
          {i < parts.length - 1 ? (
            <span aria-hidden="true" className="pl-2 text-zinc-300 dark:text-zinc-600">
              ·
            </span>
          ) : null}
        </span>
      ))}
    </p>
  );
}

function EntryRow({ projectKey, entry, tone }: { projectKey: string; entry: Entry; tone: "added" | "removed" }) {
  return (
    <li className="flex items-center gap-3 px-4 py-2 sm:px-5">
      <span
        aria-hidden="true"
        className={cn(
          "flex size-4 shrink-0 items-center justify-center rounded text-[11px] font-bold",
          tone === "added"
            ? "bg-emerald-100 text-emerald-700 dark:bg-emerald-500/20 dark:text-emerald-300"
            : "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-300",
        )}
      >
        {tone === "added" ? "+" : "−"}
      </span>
      <RequirementKey value={entry.key} className="w-20 shrink-0" />
      <Link
        href={`/projects/${projectKey}/requirements/${entry.key}`}
        className={cn(
          "min-w-0 flex-1 truncate rounded-sm text-sm font-medium text-zinc-900 hover:text-indigo-700 dark:text-zinc-100 dark:hover:text-indigo-300",
          tone === "removed" && "text-zinc-600 line-through decoration-zinc-400 dark:text-zinc-400",
          focusRing,
        )}
      >
        {entry.title}
      </Link>
      <span className="hidden text-xs text-zinc-500 tabular-nums sm:inline dark:text-zinc-400">v{entry.version}</span>
      <StatusBadge status={entry.status} />
    </li>
  );
}

function Section({
  title,
  count,
  children,
  id,
}: {
  title: string;
  count: number;
  children: React.ReactNode;
  id: string;
}) {
  return (
    <section aria-labelledby={id} className="border-t border-zinc-200 dark:border-zinc-800">
      <h4
        id={id}
        className="flex items-center gap-2 bg-zinc-50/70 px-4 py-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase sm:px-5 dark:bg-zinc-900/60 dark:text-zinc-400"
      >
        {title}
        <span className="rounded bg-zinc-200/70 px-1.5 py-px text-[11px] text-zinc-700 tabular-nums dark:bg-zinc-800 dark:text-zinc-300">
          {count}
        </span>
      </h4>
      {children}
    </section>
  );
}

/** Per-requirement sections of a comparison: changed (with field diffs), added, removed. */
export function CompareResult({
  projectKey,
  result,
  mode,
  attributeLabels,
  attributeTypes,
}: {
  projectKey: string;
  result: BaselineComparison;
  mode: DiffMode;
  attributeLabels?: Record<string, string>;
  attributeTypes?: Record<string, AttributeType>;
}) {
  const { changed, added, removed } = result;
  if (!changed.length && !added.length && !removed.length) {
    return (
      <p className="border-t border-zinc-200 px-4 py-6 text-center text-sm text-zinc-500 sm:px-5 dark:border-zinc-800 dark:text-zinc-400">
        No differences — both contain the same versions of the same requirements.
      </p>
    );
  }
  return (
    <div data-testid="compare-result">
      {changed.length ? (
        <Section title="Changed" count={changed.length} id="compare-changed">
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {changed.map((c) => (
              <li key={c.key} className="px-4 py-4 sm:px-5" data-key={c.key}>
                <div className="mb-3 flex flex-wrap items-center gap-x-3 gap-y-1">
                  <RequirementKey value={c.key} />
                  <Link
                    href={`/projects/${projectKey}/requirements/${c.key}?from=${c.fromVersion}&to=${c.version}`}
                    className={cn(
                      "min-w-0 truncate rounded-sm text-sm font-semibold text-zinc-900 hover:text-indigo-700 dark:text-zinc-100 dark:hover:text-indigo-300",
                      focusRing,
                    )}
                  >
                    {c.title}
                  </Link>
                  <span className="font-mono text-[11px] text-zinc-500 tabular-nums dark:text-zinc-400">
                    v{c.fromVersion} → v{c.version}
                  </span>
                  <StatusBadge status={c.status} className="sm:ml-auto" />
                </div>
                <FieldChangeList
                  changes={c.changes}
                  mode={mode}
                  attributeLabels={attributeLabels}
                  attributeTypes={attributeTypes}
                  beforeLabel={`${result.from.name} · v${c.fromVersion}`}
                  afterLabel={`${result.to.name} · v${c.version}`}
                />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {added.length ? (
        <Section title="Added" count={added.length} id="compare-added">
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {added.map((e) => (
              <EntryRow key={e.key} projectKey={projectKey} entry={e} tone="added" />
            ))}
          </ul>
        </Section>
      ) : null}
      {removed.length ? (
        <Section title="Removed" count={removed.length} id="compare-removed">
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {removed.map((e) => (
              <EntryRow key={e.key} projectKey={projectKey} entry={e} tone="removed" />
            ))}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}
