import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";

import {
  isPriority,
  isStatus,
  isType,
  PRIORITY_LABELS,
  PRIORITY_TONES,
  STATUS_DOTS,
  STATUS_LABELS,
  STATUS_TONES,
  TYPE_LABELS,
} from "./labels";

export function StatusBadge({ status, className }: { status: string; className?: string }) {
  if (!isStatus(status)) return <Badge className={className}>{status}</Badge>;
  return (
    <Badge tone={STATUS_TONES[status]} className={className}>
      <span aria-hidden="true" className={cn("size-1.5 rounded-full", STATUS_DOTS[status])} />
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function PriorityBadge({ priority, className }: { priority: string; className?: string }) {
  if (!isPriority(priority)) return <Badge className={className}>{priority}</Badge>;
  return (
    <Badge tone={PRIORITY_TONES[priority]} className={className}>
      {PRIORITY_LABELS[priority]}
    </Badge>
  );
}

export function TypeLabel({ type, className }: { type: string; className?: string }) {
  return (
    <span className={cn("text-[13px] text-zinc-600 dark:text-zinc-400", className)}>
      {isType(type) ? TYPE_LABELS[type] : type}
    </span>
  );
}

export function TagChip({ tag, className }: { tag: string; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex h-5 max-w-40 items-center truncate rounded border border-zinc-200 bg-white px-1.5 text-[11px] font-medium text-zinc-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400",
        className,
      )}
    >
      {tag}
    </span>
  );
}

export function RequirementKey({ value, className }: { value: string; className?: string }) {
  return (
    <span
      className={cn(
        "font-mono text-xs font-medium whitespace-nowrap text-zinc-500 tabular-nums dark:text-zinc-400",
        className,
      )}
    >
      {value}
    </span>
  );
}

/** Status and priority under the title, for phones where their columns are hidden. */
export function CompactClassification({
  status,
  priority,
  className = "mt-1 flex items-center gap-1.5 sm:hidden",
}: {
  status: string;
  priority: string;
  className?: string;
}) {
  return (
    <div className={className}>
      <StatusBadge status={status} />
      <PriorityBadge priority={priority} />
    </div>
  );
}

/** The status, priority and type columns of a requirements table, hidden step by step on narrow screens. */
export function ClassificationCells({ status, priority, type }: { status: string; priority: string; type: string }) {
  return (
    <>
      <td className="hidden px-3 py-2 sm:table-cell">
        <StatusBadge status={status} />
      </td>
      <td className="hidden px-3 py-2 md:table-cell">
        <PriorityBadge priority={priority} />
      </td>
      <td className="hidden px-3 py-2 lg:table-cell">
        <TypeLabel type={type} />
      </td>
    </>
  );
}
