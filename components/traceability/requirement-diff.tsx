"use client";
/** What changed in a requirement between the version a link was made against and now. */
import { useQuery } from "@tanstack/react-query";

import { errorMessage } from "@/components/trpc-errors";
import { Spinner } from "@/components/ui/spinner";
import type { FieldChange, Segment } from "@/lib/diff";
import { useTRPC } from "@/lib/trpc/react";

const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  statement: "Statement",
  rationale: "Rationale",
  type: "Type",
  priority: "Priority",
  status: "Status",
  tags: "Tags",
  parentKey: "Parent",
};

function fieldLabel(field: string) {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  if (field.startsWith("attributes.")) return field.slice("attributes.".length);
  return field.charAt(0).toUpperCase() + field.slice(1);
}

function show(v: unknown) {
  if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0))
    return <span className="text-zinc-400 italic dark:text-zinc-500">none</span>;
  const text = typeof v === "string" ? v : Array.isArray(v) ? v.map(String).join(", ") : JSON.stringify(v);
  return <span className="font-medium">{text}</span>;
}

function SegmentText({ segment }: { segment: Segment }) {
  if (segment.kind === "insert") {
    return (
      <ins className="rounded-[3px] bg-emerald-100 px-px text-emerald-900 no-underline dark:bg-emerald-400/20 dark:text-emerald-200">
        <span className="sr-only">Added: </span>
        {segment.text}
      </ins>
    );
  }
  if (segment.kind === "delete") {
    return (
      <del className="rounded-[3px] bg-red-100 px-px text-red-900 line-through decoration-red-500/70 dark:bg-red-400/20 dark:text-red-200">
        <span className="sr-only">Removed: </span>
        {segment.text}
      </del>
    );
  }
  return <span>{segment.text}</span>;
}

export function Segments({ segments }: { segments: Segment[] }) {
  if (segments.length === 0) return <span className="text-zinc-400 italic dark:text-zinc-500">Empty</span>;
  // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their position in an immutable diff (the same text can repeat)
  return segments.map((s, i) => <SegmentText key={i} segment={s} />);
}

export function FieldChanges({ changes }: { changes: FieldChange[] }) {
  if (changes.length === 0)
    return <p className="text-[13px] text-zinc-500 dark:text-zinc-400">No field changes between these versions.</p>;
  return (
    <dl className="space-y-2.5">
      {changes.map((c) => (
        <div key={c.field}>
          <dt className="mb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
            {fieldLabel(c.field)}
          </dt>
          <dd className="text-[13px] leading-relaxed text-zinc-800 dark:text-zinc-200">
            {c.kind === "text" ? (
              <div className="rounded-md border border-zinc-200 bg-white px-2.5 py-1.5 break-words whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-950/40">
                <Segments segments={c.segments} />
              </div>
            ) : c.kind === "list" ? (
              <span className="flex flex-wrap gap-1">
                {c.added.map((t) => (
                  <ins
                    key={`+${t}`}
                    className="rounded bg-emerald-100 px-1.5 text-xs text-emerald-900 no-underline dark:bg-emerald-400/20 dark:text-emerald-200"
                  >
                    + {t}
                  </ins>
                ))}
                {c.removed.map((t) => (
                  <del
                    key={`-${t}`}
                    className="rounded bg-red-100 px-1.5 text-xs text-red-900 dark:bg-red-400/20 dark:text-red-200"
                  >
                    − {t}
                  </del>
                ))}
              </span>
            ) : (
              <span className="inline-flex flex-wrap items-center gap-1.5">
                {show(c.before)} <span aria-hidden="true">→</span>
                <span className="sr-only">changed to</span> {show(c.after)}
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function RequirementChangeDiff({
  requirementKey,
  from,
  to,
}: {
  requirementKey: string;
  from: number;
  to: number;
}) {
  const trpc = useTRPC();
  const diff = useQuery(
    trpc.requirement.diff.queryOptions({ key: requirementKey, from, to }, { enabled: from !== to }),
  );
  if (from === to) return null;
  if (diff.isPending)
    return (
      <p className="flex items-center gap-2 text-[13px] text-zinc-500">
        <Spinner className="size-3.5" /> Loading changes…
      </p>
    );
  if (diff.isError) return <p className="text-[13px] text-red-600 dark:text-red-400">{errorMessage(diff.error)}</p>;
  return <FieldChanges changes={diff.data.changes} />;
}
