/** Status and severity badges, labels and the shared vocabulary of the issue screens. */
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { ISSUE_SEVERITY_LABELS, ISSUE_STATUS_LABELS } from "@/lib/schemas/issue";
import type { RouterOutputs as Outputs } from "@/lib/trpc/types";

export type Issue = Outputs["issue"]["byKey"];
export type IssueListItem = Outputs["issue"]["list"]["items"][number];
export type IssueStatus = Issue["status"];
export type IssueSeverity = Issue["severity"];
export type Member = Outputs["project"]["members"]["list"]["items"][number];
export type TraceLink = Outputs["traceLink"]["listFor"]["outgoing"][number];

export const STATUS_LABELS: Record<IssueStatus, string> = ISSUE_STATUS_LABELS;

const STATUS_TONES: Record<IssueStatus, BadgeTone> = {
  OPEN: "sky",
  TRIAGED: "indigo",
  IN_PROGRESS: "amber",
  DONE: "green",
  WONT_FIX: "neutral",
};

export const SEVERITY_LABELS: Record<IssueSeverity, string> = ISSUE_SEVERITY_LABELS;

export const LINK_TYPE_LABELS: Record<string, string> = {
  IMPLEMENTS: "Implements",
  VERIFIES: "Verifies",
  RELATES_TO: "Relates to",
  PARENT_OF: "Parent of",
  DERIVES_FROM: "Derives from",
  REFINES: "Refines",
  CONFLICTS_WITH: "Conflicts with",
};

export const LINK_TYPE_ABBR: Record<string, string> = {
  IMPLEMENTS: "IMP",
  VERIFIES: "VER",
  RELATES_TO: "REL",
  PARENT_OF: "PAR",
  DERIVES_FROM: "DER",
  REFINES: "REF",
  CONFLICTS_WITH: "CON",
};

export function IssueStatusBadge({ status, className }: { status: IssueStatus | string; className?: string }) {
  const s = status as IssueStatus;
  return (
    <Badge tone={STATUS_TONES[s] ?? "neutral"} className={className}>
      <span
        aria-hidden="true"
        className={cn(
          "size-1.5 rounded-full",
          s === "OPEN" && "bg-sky-500",
          s === "TRIAGED" && "bg-indigo-500",
          s === "IN_PROGRESS" && "bg-amber-500",
          s === "DONE" && "bg-emerald-500",
          s === "WONT_FIX" && "bg-zinc-400",
        )}
      />
      {STATUS_LABELS[s] ?? status}
    </Badge>
  );
}

/** Severity as signal bars plus text, so it never relies on colour alone. */
export function SeverityIndicator({ severity, className }: { severity: IssueSeverity; className?: string }) {
  const level = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 }[severity];
  const color =
    severity === "CRITICAL"
      ? "bg-red-500"
      : severity === "HIGH"
        ? "bg-orange-500"
        : severity === "MEDIUM"
          ? "bg-amber-500"
          : "bg-zinc-400 dark:bg-zinc-500";
  return (
    <span className={cn("inline-flex items-center gap-1.5 text-[13px] text-zinc-700 dark:text-zinc-300", className)}>
      <span aria-hidden="true" className="flex h-3 items-end gap-px">
        {[1, 2, 3, 4].map((i) => (
          <span
            key={i}
            className={cn("w-[3px] rounded-[1px]", i <= level ? color : "bg-zinc-200 dark:bg-zinc-700")}
            style={{ height: `${i * 25}%` }}
          />
        ))}
      </span>
      {SEVERITY_LABELS[severity]}
    </span>
  );
}

export function LabelChip({ children }: { children: React.ReactNode }) {
  return (
    <span className="inline-flex h-5 items-center rounded-full border border-zinc-200 bg-white px-2 text-[11px] font-medium whitespace-nowrap text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
      {children}
    </span>
  );
}

export function SuspectBadge() {
  return (
    <Badge tone="amber" title="The requirement changed since this link was made or last reviewed">
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="size-3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        strokeLinecap="round"
      >
        <path d="M8 6v2.75M8 11h.01M6.86 2.66 1.6 11.75A1.33 1.33 0 0 0 2.75 13.75h10.5a1.33 1.33 0 0 0 1.15-2l-5.26-9.09a1.33 1.33 0 0 0-2.28 0Z" />
      </svg>
      Suspect
    </Badge>
  );
}

/** Splits "a, b ,c" into clean labels. */
export function parseLabels(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
}
