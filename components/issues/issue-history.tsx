"use client";
/**
 * An issue's history: every version with who wrote it, when, and what it
 * changed in words ("moved it from Open to Triaged"); each opens to the
 * word-level comparison with the version before (issue.diff).
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { Avatar } from "@/components/avatar";
import { LocalTime } from "@/components/local-time";
import { DiffLegend, type DiffMode, DiffModeToggle, FieldChangeList } from "@/components/requirements/diff-view";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import type { FieldChange } from "@/lib/diff";
import { ISSUE_SEVERITY_LABELS, ISSUE_STATUS_LABELS } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type Version = RouterOutputs["issue"]["history"]["items"][number];
type Snapshot = Version["snapshot"];

const FIELD_NAMES: Record<string, string> = {
  title: "Title",
  description: "Description",
  severity: "Severity",
  status: "Status",
  resolution: "Resolution",
  assignee: "Assignee",
  labels: "Labels",
};

function label(labels: Record<string, string>, value: unknown): string {
  return typeof value === "string" ? (labels[value] ?? value) : "";
}

/** A value as people read it: labels for status and severity, a name for the assignee. */
function readable(field: string, value: unknown): string | null {
  if (value === null || value === undefined) {
    return field === "assignee" ? "Unassigned" : field === "resolution" ? "None" : null;
  }
  if (field === "status") return label(ISSUE_STATUS_LABELS, value);
  if (field === "severity") return label(ISSUE_SEVERITY_LABELS, value);
  if (field === "assignee" && typeof value === "object" && "name" in value) return String(value.name);
  if (field === "resolution" && typeof value === "string") return value.charAt(0).toUpperCase() + value.slice(1);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The server's comparison with field names and values in words (the diff view renders them as given). */
function forReading(changes: FieldChange[]): FieldChange[] {
  return changes.map((c) => {
    const field = FIELD_NAMES[c.field] ?? c.field;
    if (c.kind === "value")
      return { ...c, field, before: readable(c.field, c.before), after: readable(c.field, c.after) };
    return { ...c, field };
  });
}

/** What a version changed, in words, from the fields of the one before it. */
function summary(v: Version, before: Snapshot | undefined): string {
  if (v.changeKind === "created") return "reported the issue";
  if (v.changeKind === "recorded") return "— the issue as it was when its history began";
  if (!before) return v.changeKind === "imported" ? "updated it by import" : "changed the issue";
  const now = v.snapshot;
  const parts: string[] = [];
  if (before.status !== now.status) {
    const dup = now.resolution === "duplicate" ? " as a duplicate" : "";
    parts.push(
      `moved it from ${label(ISSUE_STATUS_LABELS, before.status)} to ${label(ISSUE_STATUS_LABELS, now.status)}${dup}`,
    );
  }
  if ((before.assignee?.id ?? null) !== (now.assignee?.id ?? null)) {
    parts.push(now.assignee ? `assigned it to ${now.assignee.name}` : "unassigned it");
  }
  if (before.severity !== now.severity) {
    parts.push(`changed the severity to ${label(ISSUE_SEVERITY_LABELS, now.severity)}`);
  }
  const edited = [
    before.title !== now.title && "title",
    before.description !== now.description && "description",
    before.labels.join() !== now.labels.join() && "labels",
  ].filter(Boolean);
  if (edited.length) parts.push(`edited the ${edited.join(" and ").replace(/ and (?=.* and )/, ", ")}`);
  const text = parts.length ? parts.join(", ") : "changed the issue";
  return v.changeKind === "imported"
    ? `${text} (import)`
    : v.changeKind === "restored"
      ? `${text} (import undone)`
      : text;
}

export function IssueHistory({ issueKey }: { issueKey: string }) {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.issue.history.infiniteQueryOptions(
      { key: issueKey, limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const [open, setOpen] = useState<number | null>(null);
  const [mode, setMode] = useState<DiffMode>("inline");
  const versions = history.data?.pages.flatMap((p) => p.items) ?? [];

  if (history.isPending) {
    return (
      <p className="flex items-center gap-2 text-[13px] text-zinc-500">
        <Spinner className="size-3.5" /> Loading history…
      </p>
    );
  }
  if (history.isError) return <Alert>{errorMessage(history.error)}</Alert>;
  return (
    <div className="space-y-3">
      <ol aria-label="Versions" className="relative space-y-0">
        {versions.map((v, i) => {
          const older = versions[i + 1];
          const author = v.author;
          const expanded = open === v.version;
          return (
            <li key={v.version} className="relative pb-4 pl-9 last:pb-0">
              {i < versions.length - 1 ? (
                <span aria-hidden="true" className="absolute top-7 bottom-0 left-3 w-px bg-zinc-200 dark:bg-zinc-800" />
              ) : null}
              <span className="absolute top-0.5 left-0">
                <Avatar name={author?.name ?? "System"} seed={author?.id ?? "system"} size="sm" />
              </span>
              <div className="flex flex-wrap items-baseline gap-x-1.5 gap-y-0.5 text-[13px]">
                <span className="text-zinc-700 dark:text-zinc-300">
                  <span className="font-medium text-zinc-900 dark:text-zinc-100">{author?.name ?? "System"}</span>{" "}
                  {summary(v, older?.snapshot)}
                </span>{" "}
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  · version {v.version} · <LocalTime date={v.createdAt} mode="relative" />
                </span>
              </div>
              {v.version > 1 && v.changeKind !== "recorded" ? (
                <Button
                  size="sm"
                  variant="ghost"
                  className="mt-1 -ml-2"
                  aria-expanded={expanded}
                  onClick={() => setOpen(expanded ? null : v.version)}
                >
                  {expanded ? "Hide changes" : "Show changes"}
                </Button>
              ) : null}
              {expanded ? <VersionDiff issueKey={issueKey} version={v.version} mode={mode} onMode={setMode} /> : null}
            </li>
          );
        })}
      </ol>
      {history.hasNextPage ? (
        <Button size="sm" loading={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
          Show older versions
        </Button>
      ) : null}
    </div>
  );
}

function VersionDiff({
  issueKey,
  version,
  mode,
  onMode,
}: {
  issueKey: string;
  version: number;
  mode: DiffMode;
  onMode: (m: DiffMode) => void;
}) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.issue.diff.queryOptions({ key: issueKey, from: version - 1, to: version }));
  return (
    <section
      aria-label={`Changes in version ${version}`}
      className="mt-2 space-y-3 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
          Version {version - 1} → {version}
        </p>
        <div className="flex items-center gap-3">
          <DiffLegend className="hidden sm:flex" />
          <DiffModeToggle mode={mode} onChange={onMode} />
        </div>
      </div>
      {diff.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Comparing…
        </p>
      ) : diff.isError ? (
        <Alert>{errorMessage(diff.error)}</Alert>
      ) : (
        <FieldChangeList
          changes={forReading(diff.data.changes as FieldChange[])}
          mode={mode}
          beforeLabel={`Version ${version - 1}`}
          afterLabel={`Version ${version}`}
        />
      )}
    </section>
  );
}
