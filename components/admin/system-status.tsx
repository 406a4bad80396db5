"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

import { LocalTime, useTimeFormats } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type SystemStatus = RouterOutputs["jobs"]["system"];
type Service = SystemStatus["services"][number];

/** How often the page asks again; the `jobs` live signal refetches it sooner. */
const REFRESH_MS = 5_000;

const SERVICE_LABELS: Record<Service["name"], string> = {
  postgres: "PostgreSQL",
  redis: "Redis",
  inngest: "Inngest",
  smtp: "SMTP",
  s3: "S3 storage",
};

const STATES: Record<Service["state"], { label: string; tone: BadgeTone; dot: string }> = {
  up: { label: "Up", tone: "green", dot: "bg-emerald-500" },
  degraded: { label: "Degraded", tone: "amber", dot: "bg-amber-500" },
  down: { label: "Down", tone: "red", dot: "bg-red-500" },
  not_configured: { label: "Not configured", tone: "neutral", dot: "bg-zinc-400" },
};

function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0";
  if (perSecond < 0.01) return "< 0.01";
  return perSecond < 10 ? perSecond.toFixed(2) : perSecond.toFixed(1);
}

function formatShare(share: number): string {
  if (share === 0) return "0 %";
  if (share < 0.001) return "< 0.1 %";
  return `${(share * 100).toFixed(1)} %`;
}

function StateBadge({ state }: { state: Service["state"] }) {
  const s = STATES[state];
  return (
    <Badge tone={s.tone}>
      <span aria-hidden="true" className={cn("size-1.5 rounded-full", s.dot)} />
      {s.label}
    </Badge>
  );
}

function Stat({ label, value, tone }: { label: string; value: React.ReactNode; tone?: "red" }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd
        className={cn(
          "mt-1 truncate text-xl font-semibold tabular-nums",
          tone === "red" ? "text-red-600 dark:text-red-400" : "text-zinc-900 dark:text-zinc-50",
        )}
      >
        {value}
      </dd>
    </div>
  );
}

function ServiceCard({ service }: { service: Service }) {
  const label = SERVICE_LABELS[service.name];
  return (
    <li className="flex min-w-0 flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900/60">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">{label}</h3>
        <StateBadge state={service.state} />
      </div>
      {service.target ? (
        <p className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={service.target}>
          {service.target}
        </p>
      ) : null}
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
        {service.state !== "not_configured" ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Latency</dt>
            <dd className="text-zinc-900 tabular-nums dark:text-zinc-100">{formatMs(service.latencyMs)}</dd>
          </>
        ) : null}
        {service.detail ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Note</dt>
            <dd className="text-zinc-700 dark:text-zinc-300">{service.detail}</dd>
          </>
        ) : null}
        <dt className="text-zinc-500 dark:text-zinc-400">Last error</dt>
        <dd className="min-w-0 text-zinc-700 dark:text-zinc-300">
          {service.lastError && service.lastErrorAt ? (
            <>
              <span className="block break-words">{service.lastError}</span>
              <span className="text-zinc-500 dark:text-zinc-400">
                <LocalTime date={service.lastErrorAt} mode="relative" />
              </span>
            </>
          ) : (
            "None since this instance started"
          )}
        </dd>
      </dl>
    </li>
  );
}

function Services({ services }: { services: Service[] }) {
  return (
    <section aria-labelledby="system-services">
      <h2 id="system-services" className="mb-3 text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">
        Services
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {services.map((s) => (
          <ServiceCard key={s.name} service={s} />
        ))}
      </ul>
    </section>
  );
}

function Instance({ data }: { data: SystemStatus }) {
  return (
    <Card>
      <CardHeader
        title="This instance"
        description="Each server process answers for itself: traffic and live streams are this one's."
      />
      <CardBody>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
          <Stat label="Version" value={data.instance.version} />
          <Stat label="Uptime" value={formatSeconds(data.instance.uptimeSeconds)} />
          <Stat label="Live streams" value={data.liveStreams} />
          <Stat label="Node.js" value={data.instance.nodeVersion} />
          <Stat label="Host" value={<span title={data.instance.hostname}>{data.instance.hostname}</span>} />
        </dl>
      </CardBody>
    </Card>
  );
}

function Outbox({ outbox }: { outbox: SystemStatus["outbox"] }) {
  return (
    <Card>
      <CardHeader
        title="Event delivery"
        description={
          outbox
            ? outbox.mode === "inngest"
              ? "Domain events are relayed to Inngest."
              : "Domain events are handled in the server process."
            : undefined
        }
        actions={
          <Link
            href="/admin/jobs"
            className={cn(
              "rounded-sm text-sm font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400",
              focusRing,
            )}
          >
            Background jobs →
          </Link>
        }
      />
      <CardBody>
        {outbox ? (
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Stat label="Waiting" value={outbox.pending} />
            <Stat label="Lag (oldest waiting)" value={formatSeconds(outbox.oldestPendingAgeSeconds)} />
            <Stat label="Retrying" value={outbox.retrying} />
            <Stat label="Failed" value={outbox.failed} tone={outbox.failed > 0 ? "red" : undefined} />
          </dl>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Unavailable while the database does not answer.</p>
        )}
      </CardBody>
    </Card>
  );
}

function Traffic({ traffic }: { traffic: SystemStatus["traffic"] }) {
  const minutes = Math.max(1, Math.round(traffic.windowSeconds / 60));
  return (
    <Card>
      <CardHeader
        title="Traffic on this instance"
        description={`Requests over the last ${minutes} ${minutes === 1 ? "minute" : "minutes"}, busiest first (at most 50).`}
      />
      {traffic.rows.length === 0 ? (
        <CardBody>
          <EmptyState title="No requests yet" description="Procedures and routes appear here once they are called." />
        </CardBody>
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Procedure or route</Th>
              <Th className="text-right">Requests</Th>
              <Th className="text-right">Req/s</Th>
              <Th className="text-right">p95</Th>
              <Th className="text-right">5xx</Th>
              <Th className="text-right">4xx</Th>
            </Tr>
          </THead>
          <TBody>
            <Tr className="bg-zinc-50/70 font-medium dark:bg-zinc-900/80">
              <Td>All</Td>
              <Td className="text-right tabular-nums">{traffic.total.count}</Td>
              <Td className="text-right tabular-nums">{formatRate(traffic.total.perSecond)}</Td>
              <Td className="text-right tabular-nums">{formatMs(traffic.total.p95Ms)}</Td>
              <Td className="text-right tabular-nums">{formatShare(traffic.total.serverErrorRate)}</Td>
              <Td className="text-right tabular-nums">{formatShare(traffic.total.clientErrorRate)}</Td>
            </Tr>
            {traffic.rows.map((r) => (
              <Tr key={`${r.kind}:${r.name}`}>
                <Td className="max-w-[14rem] font-mono text-xs break-all sm:max-w-none">
                  {r.name}
                  {r.kind === "route" ? <span className="ml-1.5 font-sans text-zinc-500">route</span> : null}
                </Td>
                <Td className="text-right tabular-nums">{r.count}</Td>
                <Td className="text-right tabular-nums">{formatRate(r.perSecond)}</Td>
                <Td className="text-right tabular-nums">{formatMs(r.p95Ms)}</Td>
                <Td
                  className={cn(
                    "text-right tabular-nums",
                    r.serverErrorRate > 0 ? "font-medium text-red-600 dark:text-red-400" : undefined,
                  )}
                >
                  {formatShare(r.serverErrorRate)}
                </Td>
                <Td className="text-right tabular-nums">{formatShare(r.clientErrorRate)}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

const JOB_LABELS: Record<string, string> = {
  aggregation: "Statistics",
  retention: "Retention",
  import: "Import",
};

function Runs({ runs }: { runs: SystemStatus["runs"] }) {
  return (
    <Card>
      <CardHeader
        title="Recent job runs"
        description="Statistics, retention and imports, newest first (the last 20)."
      />
      {runs === null ? (
        <CardBody>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Unavailable while the database does not answer.</p>
        </CardBody>
      ) : runs.length === 0 ? (
        <CardBody>
          <EmptyState
            title="No runs yet"
            description="The statistics run every 30 minutes; imports appear as they end."
          />
        </CardBody>
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Job</Th>
              <Th>Started</Th>
              <Th className="text-right">Duration</Th>
              <Th>Outcome</Th>
              <Th>Detail</Th>
            </Tr>
          </THead>
          <TBody>
            {runs.map((run) => (
              <Tr key={run.id}>
                <Td className="font-medium whitespace-nowrap">{JOB_LABELS[run.name] ?? run.name}</Td>
                <Td className="text-xs whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                  <LocalTime date={run.startedAt} mode="datetime" />
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatMs(run.durationMs)}</Td>
                <Td>
                  {run.outcome === "succeeded" ? (
                    <Badge tone="green">Succeeded</Badge>
                  ) : (
                    <Badge tone="red">Failed</Badge>
                  )}
                </Td>
                <Td className="min-w-[12rem] text-xs break-words text-zinc-700 dark:text-zinc-300">{run.detail}</Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

/** /admin/system: refetched every few seconds, and at once when the `jobs` live signal arrives. */
export function SystemStatusView() {
  const trpc = useTRPC();
  const formats = useTimeFormats();
  const status = useQuery(
    trpc.jobs.system.queryOptions(undefined, { staleTime: 0, refetchInterval: REFRESH_MS, refetchOnWindowFocus: true }),
  );
  if (status.isPending) return <Spinner />;
  if (status.isError) return <Alert>{errorMessage(status.error)}</Alert>;
  const data = status.data;
  const checkedAt = new Date(data.services[0]?.checkedAt ?? Date.now());
  return (
    <div className="space-y-6">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Checked at <time dateTime={checkedAt.toISOString()}>{formats.time(checkedAt)}</time>; refreshed every{" "}
        {REFRESH_MS / 1000} seconds.
      </p>
      {status.isRefetchError ? <Alert>The last refresh failed; showing the previous answer.</Alert> : null}
      <Services services={data.services} />
      <Instance data={data} />
      <Outbox outbox={data.outbox} />
      <Traffic traffic={data.traffic} />
      <Runs runs={data.runs} />
    </div>
  );
}
