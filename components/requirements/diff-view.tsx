/**
 * Rendering of field-level diffs (lib/diff.ts): word highlights inline or
 * side by side, value changes as before → after, tag and option lists as
 * added/removed chips. Used by the requirement page, the conflict panel and baseline compare.
 */
import { LocalTime } from "@/components/local-time";
import { cn, focusRing } from "@/components/ui/cn";
import type { FieldChange, Segment } from "@/lib/diff";
import type { AttributeType } from "@/lib/schemas/project";

import { PriorityBadge, StatusBadge } from "./badges";
import { fieldLabel, isType, TYPE_LABELS } from "./labels";

export type DiffMode = "split" | "inline";

export const insertClass =
  "rounded-[3px] bg-emerald-100 px-px text-emerald-900 no-underline decoration-transparent dark:bg-emerald-400/20 dark:text-emerald-200";
export const deleteClass =
  "rounded-[3px] bg-red-100 px-px text-red-900 line-through decoration-red-500/70 dark:bg-red-400/20 dark:text-red-200 dark:decoration-red-300/70";

function Ins({ children }: { children: string }) {
  return (
    <ins className={insertClass}>
      <span className="sr-only">Added: </span>
      {children}
    </ins>
  );
}

function Del({ children }: { children: string }) {
  return (
    <del className={deleteClass}>
      <span className="sr-only">Removed: </span>
      {children}
    </del>
  );
}

const textBox =
  "min-w-0 rounded-md border border-zinc-200 bg-white px-3 py-2 text-[13px] leading-relaxed break-words whitespace-pre-wrap text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950/40 dark:text-zinc-200";

function Empty() {
  return <span className="text-zinc-400 italic dark:text-zinc-500">Empty</span>;
}

function SegmentText({ segment }: { segment: Segment }) {
  if (segment.kind === "insert") return <Ins>{segment.text}</Ins>;
  if (segment.kind === "delete") return <Del>{segment.text}</Del>;
  return <span>{segment.text}</span>;
}

function SegmentList({ segments }: { segments: Segment[] }) {
  // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their position in an immutable diff (the same text can repeat)
  return segments.map((s, i) => <SegmentText key={i} segment={s} />);
}

function renderSide(segments: Segment[], side: "before" | "after") {
  const shown = segments.filter((s) => s.kind === "equal" || s.kind === (side === "before" ? "delete" : "insert"));
  if (shown.length === 0 || shown.every((s) => s.text === "")) return <Empty />;
  return <SegmentList segments={shown} />;
}

/** A word-level text diff. Split mode puts before and after next to each other (stacked on phones). */
export function TextDiff({
  segments,
  mode,
  beforeLabel = "Before",
  afterLabel = "After",
}: {
  segments: Segment[];
  mode: DiffMode;
  beforeLabel?: string;
  afterLabel?: string;
}) {
  if (mode === "inline") {
    return (
      <div className={cn(textBox, "[&_del+ins]:ml-0.5")} data-diff="inline">
        {segments.length === 0 ? <Empty /> : <SegmentList segments={segments} />}
      </div>
    );
  }
  return (
    <div className="grid gap-2 md:grid-cols-2" data-diff="split">
      <div className="flex min-w-0 flex-col">
        <p className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">{beforeLabel}</p>
        <div className={cn(textBox, "flex-1")}>{renderSide(segments, "before")}</div>
      </div>
      <div className="flex min-w-0 flex-col">
        <p className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">{afterLabel}</p>
        <div className={cn(textBox, "flex-1")}>{renderSide(segments, "after")}</div>
      </div>
    </div>
  );
}

function ValueView({ field, value, dateTime }: { field: string; value: unknown; dateTime?: boolean }) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
    return (
      <span className="text-[13px] text-zinc-400 italic dark:text-zinc-500">
        {field === "parentKey" ? "Top level" : "Not set"}
      </span>
    );
  }
  if (field === "status" && typeof value === "string") return <StatusBadge status={value} />;
  if (field === "priority" && typeof value === "string") return <PriorityBadge priority={value} />;
  if (field === "type" && isType(value))
    return <span className="text-[13px] text-zinc-800 dark:text-zinc-200">{TYPE_LABELS[value]}</span>;
  if (field === "parentKey")
    return <span className="font-mono text-xs text-zinc-800 dark:text-zinc-200">{String(value)}</span>;
  if (typeof value === "boolean")
    return <span className="text-[13px] text-zinc-800 dark:text-zinc-200">{value ? "Yes" : "No"}</span>;
  if (dateTime && typeof value === "string" && !Number.isNaN(Date.parse(value)))
    return (
      <span className="text-[13px] text-zinc-800 dark:text-zinc-200">
        <LocalTime date={value} mode="datetime" />
      </span>
    );
  const text = Array.isArray(value) ? value.join(", ") : String(value);
  return <span className="text-[13px] break-words text-zinc-800 dark:text-zinc-200">{text}</span>;
}

function ValueChange({
  change,
  dateTime,
}: {
  change: Pick<Extract<FieldChange, { kind: "value" }>, "field" | "before" | "after">;
  dateTime?: boolean;
}) {
  if (change.field === "position") {
    return <p className="text-[13px] text-zinc-700 dark:text-zinc-300">Reordered among its siblings</p>;
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      <span className="inline-flex items-center rounded-md bg-red-50 px-1.5 py-0.5 line-through decoration-red-400/70 dark:bg-red-400/10">
        <span className="sr-only">From </span>
        <ValueView field={change.field} value={change.before} dateTime={dateTime} />
      </span>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="size-3.5 text-zinc-400"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d="M3.25 8h9.5M8.75 4 12.75 8l-4 4" />
      </svg>
      <span className="inline-flex items-center rounded-md bg-emerald-50 px-1.5 py-0.5 dark:bg-emerald-400/10">
        <span className="sr-only">to </span>
        <ValueView field={change.field} value={change.after} dateTime={dateTime} />
      </span>
    </div>
  );
}

function ListChange({ change }: { change: Extract<FieldChange, { kind: "list" }> }) {
  const noun = change.field === "tags" ? "tag" : "option";
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {change.removed.map((t) => (
        <span
          key={`-${t}`}
          className="inline-flex h-5 items-center rounded border border-red-200 bg-red-50 px-1.5 text-[11px] font-medium text-red-800 line-through dark:border-red-400/30 dark:bg-red-400/10 dark:text-red-200"
        >
          <span className="sr-only">Removed {noun} </span>
          {t}
        </span>
      ))}
      {change.added.map((t) => (
        <span
          key={`+${t}`}
          className="inline-flex h-5 items-center rounded border border-emerald-200 bg-emerald-50 px-1.5 text-[11px] font-medium text-emerald-800 dark:border-emerald-400/30 dark:bg-emerald-400/10 dark:text-emerald-200"
        >
          <span aria-hidden="true">+</span>
          <span className="sr-only">Added {noun} </span>
          {t}
        </span>
      ))}
      {change.added.length === 0 && change.removed.length === 0 ? (
        <span className="text-[13px] text-zinc-600 dark:text-zinc-400">Reordered</span>
      ) : null}
    </div>
  );
}

function attributeTypeOf(field: string, types: Record<string, AttributeType> = {}): AttributeType | undefined {
  return field.startsWith("attributes.") ? types[field.slice("attributes.".length)] : undefined;
}

/**
 * Every changed field of one comparison, in a label/content grid. `attributeTypes` (the project's attribute
 * types by key) shows a date-time's change as two times in the reader's zone rather than as text.
 */
export function FieldChangeList({
  changes,
  mode,
  attributeLabels,
  attributeTypes,
  beforeLabel,
  afterLabel,
  labelOf,
  className,
}: {
  changes: FieldChange[];
  mode: DiffMode;
  attributeLabels?: Record<string, string>;
  /** Labels for fields other than a requirement's (project settings). */
  labelOf?: (field: string) => string;
  attributeTypes?: Record<string, AttributeType>;
  beforeLabel?: string;
  afterLabel?: string;
  className?: string;
}) {
  if (changes.length === 0) {
    return <p className={cn("text-[13px] text-zinc-500 dark:text-zinc-400", className)}>No differences.</p>;
  }
  return (
    <dl className={cn("divide-y divide-zinc-100 dark:divide-zinc-800/80", className)}>
      {changes.map((c) => (
        <div
          key={c.field}
          className="grid gap-1.5 py-3 first:pt-0 last:pb-0 sm:grid-cols-[8rem_minmax(0,1fr)] sm:gap-4"
          data-field={c.field}
        >
          <dt className="pt-0.5 text-[13px] font-medium text-zinc-600 dark:text-zinc-400">
            {labelOf ? labelOf(c.field) : fieldLabel(c.field, attributeLabels)}
          </dt>
          <dd className="min-w-0">
            {c.kind === "text" && attributeTypeOf(c.field, attributeTypes) === "dateTime" ? (
              <ValueChange change={c} dateTime />
            ) : c.kind === "text" ? (
              <TextDiff segments={c.segments} mode={mode} beforeLabel={beforeLabel} afterLabel={afterLabel} />
            ) : c.kind === "list" ? (
              <ListChange change={c} />
            ) : (
              <ValueChange change={c} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** "Side by side | Inline" segmented control. */
export function DiffModeToggle({
  mode,
  onChange,
  className,
}: {
  mode: DiffMode;
  onChange: (m: DiffMode) => void;
  className?: string;
}) {
  const options: { value: DiffMode; label: string }[] = [
    { value: "split", label: "Side by side" },
    { value: "inline", label: "Inline" },
  ];
  return (
    <fieldset
      aria-label="Diff layout"
      className={cn("inline-flex rounded-md bg-zinc-100 p-0.5 dark:bg-zinc-800/80", className)}
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={mode === o.value}
          onClick={() => onChange(o.value)}
          className={cn(
            "h-7 rounded-[5px] px-2.5 text-[13px] font-medium whitespace-nowrap transition-colors",
            focusRing,
            "focus-visible:ring-offset-0",
            mode === o.value
              ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-50 dark:ring-zinc-700"
              : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          )}
        >
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}

/** Legend shown next to diffs so colour is never the only cue. */
export function DiffLegend({ className }: { className?: string }) {
  return (
    <p className={cn("flex items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400", className)}>
      <span className="inline-flex items-center gap-1">
        <ins className={cn(insertClass, "px-1")}>added</ins>
      </span>
      <span className="inline-flex items-center gap-1">
        <del className={cn(deleteClass, "px-1")}>removed</del>
      </span>
    </p>
  );
}
