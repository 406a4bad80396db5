"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";

import { ClockIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { DASHBOARD_WINDOWS, type DashboardWindow } from "@/lib/schemas/stats";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";
import { ChartCard, type ChartPoint, DailyBarChart, PercentLineChart, StackedAreaChart } from "./charts";
import { COVERAGE_SERIES, FLOW_SERIES, REQUIREMENT_SERIES, SEVERITY_SERIES, VELOCITY_SERIES } from "./series";

/** "1 requirement", "3 requirements". */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const card = "min-w-0 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900";

export function DashboardView({
  projectKey,
  days,
  canRefresh,
}: {
  projectKey: string;
  days: DashboardWindow;
  canRefresh: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dashboard = useQuery(trpc.stats.dashboard.queryOptions({ projectKey, days }));
  const refresh = useMutation(
    trpc.stats.refresh.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.stats.dashboard.pathKey() }),
    }),
  );

  const refreshButton = canRefresh ? (
    <Button size="sm" loading={refresh.isPending} onClick={() => refresh.mutate({ projectKey })}>
      Recompute today
    </Button>
  ) : null;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <WindowToggle projectKey={projectKey} days={days} />
        <div className="flex flex-wrap items-center gap-3">
          {dashboard.data?.computedAt ? (
            <p className="flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
              <ClockIcon className="size-3.5" />
              Updated <LocalTime date={dashboard.data.computedAt} mode="relative" />
            </p>
          ) : null}
          {refreshButton}
        </div>
      </div>
      {refresh.isError ? <Alert>{errorMessage(refresh.error)}</Alert> : null}

      {dashboard.isPending ? (
        <p className="flex items-center gap-2 text-sm text-zinc-500">
          <Spinner className="size-4" /> Loading statistics…
        </p>
      ) : dashboard.isError ? (
        <Alert>{errorMessage(dashboard.error)}</Alert>
      ) : dashboard.data.current === null ? (
        <div className={card}>
          <EmptyState
            title="No statistics for these days yet"
            description={
              canRefresh
                ? "Statistics are computed every 30 minutes. Recompute today to see the current numbers now."
                : "Statistics are computed every 30 minutes; check back shortly."
            }
            action={refreshButton}
          />
        </div>
      ) : (
        <DashboardCharts data={dashboard.data} current={dashboard.data.current} />
      )}
    </div>
  );
}

function WindowToggle({ projectKey, days }: { projectKey: string; days: DashboardWindow }) {
  return (
    <nav
      aria-label="Time window"
      className="inline-flex rounded-md border border-zinc-200 bg-white p-0.5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      {DASHBOARD_WINDOWS.map((w) => (
        <Link
          key={w}
          href={`/projects/${projectKey}/dashboard${w === 30 ? "" : `?days=${w}`}`}
          aria-current={w === days ? "page" : undefined}
          scroll={false}
          className={cn(
            "rounded px-3 py-1 text-[13px] font-medium transition-colors",
            focusRing,
            w === days
              ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
              : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
          )}
        >
          Last {w} days
        </Link>
      ))}
    </nav>
  );
}

type Dashboard = RouterOutputs["stats"]["dashboard"];

function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: "red" | "amber" }) {
  return (
    <div className={card}>
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</p>
      <p
        className={cn(
          "mt-1 text-2xl font-semibold tracking-tight tabular-nums",
          tone === "red"
            ? "text-red-600 dark:text-red-400"
            : tone === "amber"
              ? "text-amber-600 dark:text-amber-400"
              : "text-zinc-900 dark:text-zinc-50",
        )}
      >
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{hint}</p> : null}
    </div>
  );
}

function DashboardCharts({ data, current }: { data: Dashboard; current: NonNullable<Dashboard["current"]> }) {
  const point = (day: string, values: Record<string, number | null>): ChartPoint => ({ day, ...values });
  const bySeverity = data.series.map((s) =>
    point(s.day, s.stat ? s.stat.openBySeverity : { LOW: null, MEDIUM: null, HIGH: null, CRITICAL: null }),
  );
  const flow = data.series.map((s) =>
    point(s.day, { created: s.stat?.issuesCreated ?? null, closed: s.stat?.issuesClosed ?? null }),
  );
  const requirements = data.series.map((s) =>
    point(
      s.day,
      s.stat ? s.stat.requirementsByStatus : Object.fromEntries(REQUIREMENT_SERIES.map((r) => [r.key, null])),
    ),
  );
  const coverage = data.series.map((s) => point(s.day, { coverage: s.stat?.coveragePct ?? null }));
  const velocity = data.series.map((s) => point(s.day, { versions: s.stat?.versionsWritten ?? null }));

  const stored = data.series.flatMap((s) => (s.stat ? [s.stat] : []));
  const anyRequirements = stored.some((stat) => Object.values(stat.requirementsByStatus).some((n) => n > 0));
  const anyIssues = stored.some((stat) => Object.values(stat.issuesByStatus).some((n) => n > 0));
  const anyCoverage = stored.some((stat) => stat.coveragePct !== null);
  const urgent = current.openBySeverity.CRITICAL + current.openBySeverity.HIGH;
  const range = `${data.days} days`;

  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Open issues"
          value={String(current.openIssues)}
          hint={`${urgent} critical or high`}
          tone={current.openBySeverity.CRITICAL > 0 ? "red" : undefined}
        />
        <Stat
          label={`Created / closed (${range})`}
          value={`${data.totals.issuesCreated} / ${data.totals.issuesClosed}`}
          hint="issues"
        />
        <Stat
          label="Implemented coverage"
          value={current.coveragePct === null ? "—" : `${current.coveragePct}%`}
          hint={current.coveragePct === null ? "No approved requirements yet" : "of approved requirements"}
        />
        <Stat
          label="Suspect links"
          value={String(current.suspectLinks)}
          hint={current.suspectLinks > 0 ? "need review" : "all links trusted"}
          tone={current.suspectLinks > 0 ? "amber" : undefined}
        />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          testId="chart-open-by-severity"
          title="Open issues by severity"
          summary={`${current.openIssues} open now`}
          empty={!anyIssues}
          emptyText="No issues in this window"
        >
          <StackedAreaChart data={bySeverity} series={SEVERITY_SERIES} />
        </ChartCard>
        <ChartCard
          testId="chart-created-closed"
          title="Issues created vs closed per day"
          summary={`${data.totals.issuesCreated} created · ${data.totals.issuesClosed} closed`}
          empty={data.totals.issuesCreated + data.totals.issuesClosed === 0}
          emptyText="No issues created or closed in this window"
        >
          <DailyBarChart data={flow} series={FLOW_SERIES} />
        </ChartCard>
        <ChartCard
          testId="chart-requirements-by-status"
          title="Requirements by status"
          summary={plural(
            Object.values(current.requirementsByStatus).reduce((a, b) => a + b, 0),
            "requirement",
            "requirements",
          )}
          empty={!anyRequirements}
          emptyText="No requirements yet"
        >
          <StackedAreaChart data={requirements} series={REQUIREMENT_SERIES} />
        </ChartCard>
        <ChartCard
          testId="chart-coverage"
          title="Coverage trend"
          summary="Approved requirements with a done implementing issue"
          empty={!anyCoverage}
          emptyText="No approved requirements yet"
        >
          <PercentLineChart data={coverage} series={COVERAGE_SERIES} />
        </ChartCard>
        <ChartCard
          testId="chart-velocity"
          title="Change velocity"
          summary={`${plural(data.totals.versionsWritten, "requirement version", "requirement versions")} written`}
          empty={data.totals.versionsWritten === 0}
          emptyText="No requirement changes in this window"
          className="lg:col-span-2"
        >
          <DailyBarChart data={velocity} series={VELOCITY_SERIES} />
        </ChartCard>
      </div>
    </div>
  );
}
