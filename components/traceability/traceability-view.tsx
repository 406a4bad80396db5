"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";

import { IssueStatusBadge, LINK_TYPE_ABBR, LINK_TYPE_LABELS } from "@/components/issues/issue-meta";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonStyles } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { ISSUE_LINK_TYPES } from "@/lib/schemas/trace-link";
import { useTRPC } from "@/lib/trpc/react";

type IssueLinkType = (typeof ISSUE_LINK_TYPES)[number];

const panel = "min-w-0 rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900";
const linkCls = cn(
  "rounded-sm font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300",
  focusRing,
);

export function TraceabilityView({ projectKey }: { projectKey: string }) {
  return (
    <div className="space-y-8">
      <CoveragePanel projectKey={projectKey} />
      <MatrixPanel projectKey={projectKey} />
      <ImpactPanel projectKey={projectKey} />
    </div>
  );
}

function Meter({
  label,
  percent,
  count,
  total,
  tone,
}: {
  label: string;
  percent: number | null;
  count: number;
  total: number;
  tone: "indigo" | "green";
}) {
  return (
    <div className={cn(panel, "p-4")}>
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900 tabular-nums dark:text-zinc-50">
        {percent === null ? "—" : `${percent}%`}
      </p>
      <meter
        aria-label={label}
        min={0}
        max={100}
        value={percent ?? 0}
        className={cn(
          "mt-2 block h-1.5 w-full appearance-none overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800",
          // The browsers' own gradients go, so the bar looks like the rest of the UI.
          "[&::-webkit-meter-bar]:h-full [&::-webkit-meter-bar]:rounded-full [&::-webkit-meter-bar]:border-0 [&::-webkit-meter-bar]:bg-transparent [&::-webkit-meter-bar]:bg-none",
          "[&::-moz-meter-bar]:rounded-full [&::-moz-meter-bar]:bg-none [&::-webkit-meter-optimum-value]:rounded-full [&::-webkit-meter-optimum-value]:bg-none",
          tone === "green"
            ? "[&::-moz-meter-bar]:bg-emerald-500 [&::-webkit-meter-optimum-value]:bg-emerald-500"
            : "[&::-moz-meter-bar]:bg-indigo-500 [&::-webkit-meter-optimum-value]:bg-indigo-500",
        )}
      />
      <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
        {total === 0 ? "No approved requirements yet" : `${count} of ${total} approved requirements`}
      </p>
    </div>
  );
}

function CoveragePanel({ projectKey }: { projectKey: string }) {
  const trpc = useTRPC();
  const cov = useQuery(trpc.traceLink.coverage.queryOptions({ projectKey }));
  return (
    <section aria-labelledby="coverage-heading" className="space-y-3">
      <h2 id="coverage-heading" className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
        Coverage
      </h2>
      {cov.isPending ? (
        <p className="flex items-center gap-2 text-sm text-zinc-500">
          <Spinner className="size-4" /> Loading coverage…
        </p>
      ) : cov.isError ? (
        <Alert>{errorMessage(cov.error)}</Alert>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-3">
            <Meter
              label="Implemented"
              tone="indigo"
              percent={cov.data.implemented.percent}
              count={cov.data.implemented.count}
              total={cov.data.approvedRequirements}
            />
            <Meter
              label="Verified"
              tone="green"
              percent={cov.data.verified.percent}
              count={cov.data.verified.count}
              total={cov.data.approvedRequirements}
            />
            <div className={cn(panel, "p-4")}>
              <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Suspect links</p>
              <p
                className={cn(
                  "mt-1 text-2xl font-semibold tracking-tight tabular-nums",
                  cov.data.suspectLinks ? "text-amber-700 dark:text-amber-300" : "text-zinc-900 dark:text-zinc-50",
                )}
              >
                {cov.data.suspectLinks}
              </p>
              <p className="mt-4 text-xs text-zinc-500 dark:text-zinc-400">
                {cov.data.suspectLinks ? "Need review after upstream changes" : "All links are up to date"}
              </p>
            </div>
          </div>
          <div className="grid gap-3 md:grid-cols-2">
            <OrphanList
              title="Requirements without links"
              count={cov.data.orphanRequirements.count}
              items={cov.data.orphanRequirements.items}
              href={(k) => `/projects/${projectKey}/requirements/${k}`}
            />
            <OrphanList
              title="Issues without links"
              count={cov.data.orphanIssues.count}
              items={cov.data.orphanIssues.items}
              href={(k) => `/projects/${projectKey}/issues/${k}`}
              issue
            />
          </div>
        </>
      )}
    </section>
  );
}

function OrphanList({
  title,
  count,
  items,
  href,
  issue,
}: {
  title: string;
  count: number;
  items: { key: string; title: string; status: string }[];
  href: (key: string) => string;
  issue?: boolean;
}) {
  return (
    <div className={panel}>
      <h3 className="flex items-center justify-between border-b border-zinc-200 px-4 py-2.5 text-[13px] font-medium text-zinc-800 dark:border-zinc-800 dark:text-zinc-200">
        {title}
        <Badge tone={count ? "amber" : "green"}>{count}</Badge>
      </h3>
      {items.length === 0 ? (
        <p className="px-4 py-3 text-[13px] text-zinc-500 dark:text-zinc-400">None — everything is traced.</p>
      ) : (
        <ul className="max-h-56 divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
          {items.map((i) => (
            <li key={i.key} className="flex items-center gap-2 px-4 py-1.5 text-[13px]">
              <Link href={href(i.key)} className={cn(linkCls, "w-20 shrink-0")}>
                {i.key}
              </Link>
              <span className="min-w-0 flex-1 truncate text-zinc-700 dark:text-zinc-300">{i.title}</span>
              {issue ? (
                <IssueStatusBadge status={i.status} />
              ) : (
                <span className="text-xs text-zinc-500">{i.status.toLowerCase()}</span>
              )}
            </li>
          ))}
          {count > items.length ? (
            <li className="px-4 py-1.5 text-xs text-zinc-500">and {count - items.length} more</li>
          ) : null}
        </ul>
      )}
    </div>
  );
}

function MatrixPanel({ projectKey }: { projectKey: string }) {
  const trpc = useTRPC();
  const [type, setType] = useState<IssueLinkType | "">("");
  const [suspectOnly, setSuspectOnly] = useState(false);
  const input = { projectKey, type: type ? [type] : undefined, suspectOnly };
  const matrix = useQuery(trpc.traceLink.matrix.queryOptions({ ...input, format: "json" }));
  // The download is every matching link, one row each, streamed by the server (not the grid shown here).
  const query = new URLSearchParams({ format: "links", ...(suspectOnly ? { suspectOnly: "true" } : {}) });
  for (const t of type ? [type] : ISSUE_LINK_TYPES) query.append("type", t);
  const downloadHref = `/api/projects/${projectKey}/export?${query}`;

  const cells = new Map<string, { type: string; suspect: boolean }[]>();
  for (const c of matrix.data?.cells ?? []) {
    const k = `${c.requirementKey}|${c.issueKey}`;
    cells.set(k, [...(cells.get(k) ?? []), { type: c.type, suspect: c.suspect }]);
  }

  return (
    <section aria-labelledby="matrix-heading" className="space-y-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <h2 id="matrix-heading" className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
          Traceability matrix
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          <Select
            compact
            aria-label="Link type"
            value={type}
            onChange={(e) => setType(e.target.value as IssueLinkType | "")}
          >
            <option value="">All link types</option>
            {ISSUE_LINK_TYPES.map((t) => (
              <option key={t} value={t}>
                {LINK_TYPE_LABELS[t]}
              </option>
            ))}
          </Select>
          <label className="inline-flex h-8 items-center gap-2 rounded-md border border-zinc-300 bg-white px-2.5 text-[13px] text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200">
            <input
              type="checkbox"
              className="size-3.5 accent-indigo-600"
              checked={suspectOnly}
              onChange={(e) => setSuspectOnly(e.target.checked)}
            />
            Suspect only
          </label>
          <a href={downloadHref} download className={buttonStyles({ variant: "secondary", size: "sm" })}>
            <svg
              aria-hidden="true"
              viewBox="0 0 16 16"
              className="size-3.5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
              strokeLinejoin="round"
            >
              <path d="M8 2.5v8M4.75 7.5 8 10.75l3.25-3.25M3 13.5h10" />
            </svg>
            Download CSV
          </a>
        </div>
      </div>
      {matrix.data?.limited ? (
        <p role="status" className="text-[13px] text-amber-700 dark:text-amber-300">
          The matrix is larger than one view shows: the lowest-numbered {matrix.data.requirements.length} requirements
          and {matrix.data.issues.length} issues are listed. Filter by link type or suspect links to narrow it.
        </p>
      ) : null}
      <div className={cn(panel, "overflow-hidden")}>
        {matrix.isPending ? (
          <p className="flex items-center justify-center gap-2 py-12 text-sm text-zinc-500">
            <Spinner className="size-4" /> Loading matrix…
          </p>
        ) : matrix.isError ? (
          <div className="p-4">
            <Alert>{errorMessage(matrix.error)}</Alert>
          </div>
        ) : matrix.data.requirements.length === 0 ? (
          <EmptyState
            title={suspectOnly || type ? "No links match these filters" : "No issues are linked to requirements yet"}
            description="Link an issue to a requirement from the issue's page to see it here."
          />
        ) : (
          <div className="relative max-h-[32rem] overflow-auto">
            <table className="border-separate border-spacing-0 text-[13px]">
              <caption className="sr-only">
                Requirements (rows) against issues (columns); cells name the link type
              </caption>
              <thead>
                <tr>
                  <th
                    scope="col"
                    className="sticky top-0 left-0 z-20 min-w-56 border-r border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-left text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
                  >
                    Requirement \ Issue
                  </th>
                  {matrix.data.issues.map((i) => (
                    <th
                      key={i.key}
                      scope="col"
                      title={i.title}
                      className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-2 py-2 text-center font-normal dark:border-zinc-800 dark:bg-zinc-900"
                    >
                      <Link
                        href={`/projects/${projectKey}/issues/${i.key}`}
                        className={cn(linkCls, "whitespace-nowrap")}
                      >
                        {i.key}
                      </Link>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.data.requirements.map((r) => (
                  <tr key={r.key} className="group">
                    <th
                      scope="row"
                      className="sticky left-0 z-10 max-w-72 border-r border-b border-zinc-200 bg-white px-3 py-1.5 text-left font-normal group-hover:bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900 dark:group-hover:bg-zinc-800/60"
                    >
                      <span className="flex min-w-0 items-center gap-2">
                        <Link
                          href={`/projects/${projectKey}/requirements/${r.key}`}
                          className={cn(linkCls, "shrink-0")}
                        >
                          {r.key}
                        </Link>
                        <span className="truncate text-zinc-700 dark:text-zinc-300" title={r.title}>
                          {r.title}
                        </span>
                      </span>
                    </th>
                    {matrix.data.issues.map((i) => {
                      const here = cells.get(`${r.key}|${i.key}`) ?? [];
                      const suspect = here.some((c) => c.suspect);
                      return (
                        <td
                          key={i.key}
                          className={cn(
                            "border-b border-zinc-100 px-2 py-1.5 text-center whitespace-nowrap group-hover:bg-zinc-50 dark:border-zinc-800/70 dark:group-hover:bg-zinc-800/40",
                            suspect && "bg-amber-50 dark:bg-amber-500/10",
                          )}
                        >
                          {here.length ? (
                            <span
                              className="inline-flex items-center gap-1"
                              title={here
                                .map((c) => `${LINK_TYPE_LABELS[c.type]}${c.suspect ? " (suspect)" : ""}`)
                                .join(", ")}
                            >
                              {here.map((c) => (
                                <span
                                  key={c.type}
                                  className={cn(
                                    "rounded px-1 font-mono text-[10px] font-semibold",
                                    c.type === "IMPLEMENTS" &&
                                      "bg-indigo-100 text-indigo-800 dark:bg-indigo-500/20 dark:text-indigo-200",
                                    c.type === "VERIFIES" &&
                                      "bg-emerald-100 text-emerald-800 dark:bg-emerald-500/20 dark:text-emerald-200",
                                    c.type === "RELATES_TO" &&
                                      "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
                                  )}
                                >
                                  {LINK_TYPE_ABBR[c.type] ?? c.type}
                                </span>
                              ))}
                              {suspect ? (
                                <span aria-hidden="true" className="font-bold text-amber-600 dark:text-amber-400">
                                  !
                                </span>
                              ) : null}
                              <span className="sr-only">
                                {here
                                  .map((c) => `${LINK_TYPE_LABELS[c.type]}${c.suspect ? ", suspect" : ""}`)
                                  .join("; ")}
                              </span>
                            </span>
                          ) : (
                            <span aria-hidden="true" className="text-zinc-300 dark:text-zinc-700">
                              ·
                            </span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        {ISSUE_LINK_TYPES.map((t) => (
          <span key={t}>
            <span className="font-mono font-semibold">{LINK_TYPE_ABBR[t]}</span> {LINK_TYPE_LABELS[t]}
          </span>
        ))}
        <span>
          <span className="font-bold text-amber-600 dark:text-amber-400">!</span> Suspect
        </span>
      </p>
    </section>
  );
}

function ImpactPanel({ projectKey }: { projectKey: string }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [key, setKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const impact = useQuery(trpc.traceLink.impact.queryOptions({ key: key ?? "" }, { enabled: Boolean(key) }));
  const byDepth = new Map<number, { key: string; title: string; status: string }[]>();
  for (const r of impact.data?.requirements ?? []) byDepth.set(r.depth, [...(byDepth.get(r.depth) ?? []), r]);

  return (
    <section aria-labelledby="impact-heading" className="space-y-3">
      <div>
        <h2 id="impact-heading" className="text-base font-semibold text-zinc-900 dark:text-zinc-50">
          Impact analysis
        </h2>
        <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
          Everything downstream of a requirement: derived requirements by depth, and the issues linked to any of them.
        </p>
      </div>
      <form
        className="flex max-w-md gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const k = text.trim().toUpperCase();
          if (!/^[A-Z]{2,10}-[1-9]\d*$/.test(k)) {
            setError(`Enter a requirement key, like ${projectKey}-12`);
            inputRef.current?.focus();
            return;
          }
          setError(null);
          setKey(k);
        }}
      >
        <label htmlFor="impact-key" className="sr-only">
          Requirement key
        </label>
        <Input
          ref={inputRef}
          id="impact-key"
          compact
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={`${projectKey}-1`}
          className="font-mono"
          invalid={Boolean(error)}
          aria-describedby={error ? "impact-key-error" : undefined}
        />
        <Button size="sm" type="submit">
          Analyse
        </Button>
      </form>
      {error ? (
        <p id="impact-key-error" className="text-[13px] text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {key && impact.isPending ? (
        <p className="flex items-center gap-2 text-sm text-zinc-500">
          <Spinner className="size-4" /> Tracing…
        </p>
      ) : impact.isError ? (
        <Alert>{errorMessage(impact.error)}</Alert>
      ) : impact.data ? (
        <div className="grid gap-3 md:grid-cols-2">
          {impact.data.limited ? (
            <p role="status" className="text-[13px] text-amber-700 md:col-span-2 dark:text-amber-300">
              This requirement reaches more than one analysis shows: the nearest items are listed, the rest are left
              out.
            </p>
          ) : null}
          <div className={panel}>
            <h3 className="border-b border-zinc-200 px-4 py-2.5 text-[13px] font-medium text-zinc-800 dark:border-zinc-800 dark:text-zinc-200">
              Downstream requirements of {impact.data.root.key}
            </h3>
            {impact.data.requirements.length === 0 ? (
              <p className="px-4 py-3 text-[13px] text-zinc-500 dark:text-zinc-400">No requirements derive from it.</p>
            ) : (
              <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {[...byDepth.entries()].map(([depth, reqs]) => (
                  <div key={depth} className="px-4 py-2">
                    <p className="mb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase">Depth {depth}</p>
                    <ul className="space-y-1" style={{ paddingLeft: `${Math.min(depth - 1, 4) * 12}px` }}>
                      {reqs.map((r) => (
                        <li key={r.key} className="flex items-center gap-2 text-[13px]">
                          <Link
                            href={`/projects/${projectKey}/requirements/${r.key}`}
                            className={cn(linkCls, "shrink-0")}
                          >
                            {r.key}
                          </Link>
                          <span className="truncate text-zinc-700 dark:text-zinc-300">{r.title}</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            )}
          </div>
          <div className={panel}>
            <h3 className="border-b border-zinc-200 px-4 py-2.5 text-[13px] font-medium text-zinc-800 dark:border-zinc-800 dark:text-zinc-200">
              Affected issues
            </h3>
            {impact.data.issues.length === 0 ? (
              <p className="px-4 py-3 text-[13px] text-zinc-500 dark:text-zinc-400">No linked issues.</p>
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {impact.data.issues.map((i) => (
                  <li key={i.key} className="flex items-center gap-2 px-4 py-1.5 text-[13px]">
                    <Link href={`/projects/${projectKey}/issues/${i.key}`} className={cn(linkCls, "w-20 shrink-0")}>
                      {i.key}
                    </Link>
                    <span className="min-w-0 flex-1 truncate text-zinc-700 dark:text-zinc-300">{i.title}</span>
                    <span className="hidden text-xs text-zinc-500 sm:inline">
                      {i.via.map((v) => LINK_TYPE_ABBR[v] ?? v).join(", ")}
                    </span>
                    <IssueStatusBadge status={i.status} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      ) : null}
    </section>
  );
}
