"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";

import { formatBytes } from "@/components/issues/attachments";
import { LocalTime } from "@/components/local-time";
import { FIRST_PAGE_PARAMS } from "@/components/requirements/types";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Textarea } from "@/components/ui/input";
import { PersonName } from "@/components/ui/person-name";
import { Spinner } from "@/components/ui/spinner";
import { type ImportKind, ISSUE_CSV_TARGETS, importMapping, REQUIREMENT_CSV_TARGETS } from "@/lib/schemas/import";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type ImportJob = RouterOutputs["importJob"]["byId"];
type ImportJobPage = RouterOutputs["importJob"]["list"];
type ImportStatus = ImportJob["status"];

/**
 * How often a running import is asked for its progress. The live stream's `imports` signal usually gets
 * there first; polling covers a signal that never arrived (a reconnect, a proxy holding the stream back).
 */
const POLL_MS = 1_000;

const count = new Intl.NumberFormat("en-US");

const isActive = (status: ImportStatus) => status === "QUEUED" || status === "RUNNING";

const STATUS: Record<ImportStatus, { label: string; tone: BadgeTone }> = {
  QUEUED: { label: "Queued", tone: "neutral" },
  RUNNING: { label: "Running", tone: "sky" },
  SUCCEEDED: { label: "Succeeded", tone: "green" },
  FAILED: { label: "Failed", tone: "red" },
  UNDONE: { label: "Undone", tone: "neutral" },
};

const KIND_LABEL: Record<ImportKind, string> = { requirements: "Requirements", issues: "Issues" };
const FORMAT_LABEL: Record<ImportJob["format"], string> = { csv: "CSV", reqif: "ReqIF", reqifz: "ReqIF archive" };

const EXPORTS = [
  { format: "csv", label: "CSV", hint: "One row per requirement, for spreadsheets" },
  { format: "md", label: "Markdown", hint: "A readable specification" },
  { format: "json", label: "JSON", hint: "Every field, for scripts and tools" },
  { format: "reqif", label: "ReqIF 1.2", hint: "For DOORS, Polarion and other ReqIF tools" },
  { format: "links", label: "Trace links (CSV)", hint: "One row per link between requirements and issues" },
] as const;

const checkbox =
  "mt-0.5 size-4 shrink-0 rounded border-zinc-300 accent-indigo-600 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed dark:border-zinc-600 dark:focus-visible:ring-offset-zinc-950";

/** Sends the upload to the import route; the job's id, or an Error carrying the route's message. */
async function postImport(projectKey: string, body: FormData): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`/api/projects/${encodeURIComponent(projectKey)}/import`, { method: "POST", body });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  const answer = (await res.json().catch(() => null)) as { jobId?: string; error?: { message?: string } } | null;
  if (res.status === 202 && answer?.jobId) return answer.jobId;
  throw new Error(answer?.error?.message ?? `The upload failed (HTTP ${res.status}). Please try again.`);
}

export function ImportView({
  projectKey,
  canImport,
  maxBytes,
  pageSize,
  initialList,
  initialJobId,
}: {
  projectKey: string;
  /** False when the project is archived: nothing can be imported or undone, exports still work. */
  canImport: boolean;
  maxBytes: number;
  /** The `limit` the first page was read with, so the list query is the one it answered. */
  pageSize: number;
  initialList: ImportJobPage;
  initialJobId: string | null;
}) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string | null>(initialJobId);
  const cardRef = useRef<HTMLDivElement>(null);
  const focusCard = useRef(false);

  const list = useInfiniteQuery(
    trpc.importJob.list.infiniteQueryOptions(
      { projectKey, limit: pageSize },
      {
        getNextPageParam: (p) => p.nextCursor ?? undefined,
        initialData: { pages: [initialList], pageParams: FIRST_PAGE_PARAMS },
        // Rows under way keep moving; finished ones are still.
        refetchInterval: (q) =>
          q.state.data?.pages.some((p) => p.items.some((j) => isActive(j.status))) ? POLL_MS * 2 : false,
      },
    ),
  );
  const jobs: ImportJob[] = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  function select(id: string | null, focus = false) {
    setSelected(id);
    focusCard.current = focus;
    const params = new URLSearchParams(window.location.search);
    if (id) params.set("job", id);
    else params.delete("job");
    const qs = params.toString();
    window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
  }

  useEffect(() => {
    if (selected && focusCard.current) {
      focusCard.current = false;
      cardRef.current?.focus();
    }
  }, [selected]);

  return (
    <div className="space-y-6">
      <div>
        <h2 className="text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Import and export</h2>
        <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
          Bring requirements and issues in from CSV or ReqIF, and take the requirements out again.
        </p>
      </div>

      {/* On a phone: the form, the report, Export, the list. On a wide screen Export sits beside the form. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)] lg:items-start">
        <UploadForm
          className="lg:col-start-1 lg:row-start-1"
          projectKey={projectKey}
          canImport={canImport}
          maxBytes={maxBytes}
          onUploaded={async (jobId) => {
            select(jobId, true);
            await queryClient.invalidateQueries({ queryKey: trpc.importJob.list.pathKey() });
          }}
        />

        {selected ? (
          <JobCard
            key={selected}
            ref={cardRef}
            projectKey={projectKey}
            id={selected}
            placeholder={jobs.find((j) => j.id === selected)}
            canUndo={canImport}
            onClose={() => select(null)}
          />
        ) : null}

        <ExportLinks className="lg:col-start-2 lg:row-start-1" projectKey={projectKey} />

        <Card role="region" aria-labelledby="recent-imports-heading" className="lg:col-span-2">
          <CardHeader
            id="recent-imports-heading"
            title="Recent imports"
            description="Newest first. Choose one to see its report."
            className="px-4 sm:px-5"
          />
          {list.error ? (
            <div className="p-4">
              <Alert>{errorMessage(list.error)}</Alert>
            </div>
          ) : jobs.length === 0 ? (
            <EmptyState
              title="No imports yet"
              description="Files you import appear here with what they created, changed and refused."
            />
          ) : (
            <>
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {jobs.map((j) => (
                  <li key={j.id}>
                    <RecentImport job={j} current={j.id === selected} onSelect={() => select(j.id, true)} />
                  </li>
                ))}
              </ul>
              {list.hasNextPage ? (
                <div className="border-t border-zinc-200 px-4 py-2.5 sm:px-5 dark:border-zinc-800">
                  <Button size="sm" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                    Load more
                  </Button>
                </div>
              ) : null}
            </>
          )}
        </Card>
      </div>
    </div>
  );
}

/* ------------------------------------------------------------------ upload */

function UploadForm({
  className,
  projectKey,
  canImport,
  maxBytes,
  onUploaded,
}: {
  className?: string;
  projectKey: string;
  canImport: boolean;
  maxBytes: number;
  onUploaded: (jobId: string) => Promise<void>;
}) {
  const uid = useId();
  const ids = {
    file: `${uid}-file`,
    fileLabel: `${uid}-file-label`,
    fileHint: `${uid}-file-hint`,
    mapping: `${uid}-mapping`,
    mappingHint: `${uid}-mapping-hint`,
  };
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ImportKind>("requirements");
  const [dryRun, setDryRun] = useState(false);
  const [atomic, setAtomic] = useState(false);
  const [mapping, setMapping] = useState("");
  const [dragging, setDragging] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const limit = `${Math.floor(maxBytes / 1024 / 1024)} MB`;
  const targets = kind === "issues" ? ISSUE_CSV_TARGETS : REQUIREMENT_CSV_TARGETS;

  function choose(next: File | null | undefined) {
    setError(null);
    setFile(next ?? null);
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (pending) return;
    setError(null);
    if (!file) return setError("Choose a file to import.");
    if (file.size > maxBytes) return setError(`${file.name} is larger than ${limit}, the most an import takes.`);
    if (file.size === 0) return setError(`${file.name} is empty.`);
    if (mapping.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(mapping);
      } catch {
        return setError("The column mapping is not valid JSON.");
      }
      const checked = importMapping.safeParse(parsed);
      if (!checked.success) return setError(`Column mapping: ${checked.error.issues[0]?.message ?? "not valid"}`);
    }
    const body = new FormData();
    body.append("kind", kind);
    body.append("dryRun", String(dryRun));
    body.append("atomic", String(atomic));
    if (mapping.trim()) body.append("mapping", mapping);
    body.append("file", file, file.name);
    setPending(true);
    try {
      await onUploaded(await postImport(projectKey, body));
    } catch (err) {
      setError(err instanceof Error ? err.message : "The upload failed. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <Card className={className}>
      <form onSubmit={submit} noValidate aria-labelledby="upload-heading">
        <CardHeader
          id="upload-heading"
          title="Import a file"
          description="A spreadsheet or Jira CSV, or ReqIF from DOORS, Polarion and other tools. Rows with a known key or source ID update what is there instead of adding it twice."
          className="px-4 sm:px-5"
        />
        <CardBody className="space-y-5 px-4 sm:px-5">
          {!canImport ? (
            <Alert tone="warning">This project is archived, so nothing can be imported. Exports still work.</Alert>
          ) : null}

          <div className="space-y-1.5">
            <span id={ids.fileLabel} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
              File
            </span>
            <label
              htmlFor={ids.file}
              onDragOver={(e) => {
                if (!canImport) return;
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragging(false);
                if (canImport) choose(e.dataTransfer.files[0]);
              }}
              className={cn(
                "flex cursor-pointer items-center gap-3 rounded-lg border border-dashed px-4 py-4 transition-colors",
                "has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 has-[:focus-visible]:ring-offset-2 dark:has-[:focus-visible]:ring-offset-zinc-950",
                "has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60",
                dragging
                  ? "border-indigo-400 bg-indigo-50/70 dark:border-indigo-400/60 dark:bg-indigo-500/10"
                  : "border-zinc-300 bg-zinc-50/60 hover:border-zinc-400 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900/40 dark:hover:border-zinc-600",
              )}
            >
              <span className="flex size-9 shrink-0 items-center justify-center rounded-md border border-zinc-200 bg-white text-zinc-500 shadow-xs dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400">
                <svg
                  aria-hidden="true"
                  viewBox="0 0 16 16"
                  className="size-4"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.5"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                >
                  {file ? (
                    <path d="M9.25 1.75h-4.5a1 1 0 0 0-1 1v10.5a1 1 0 0 0 1 1h6.5a1 1 0 0 0 1-1V4.75l-3-3ZM9.25 1.75v3h3M6 8.25h4M6 10.75h4" />
                  ) : (
                    <path d="M8 10.25v-8M4.75 5.5 8 2.25l3.25 3.25M2.75 10.75v1.5a1 1 0 0 0 1 1h8.5a1 1 0 0 0 1-1v-1.5" />
                  )}
                </svg>
              </span>
              <span className="min-w-0 flex-1 text-sm">
                {file ? (
                  <>
                    <span className="block truncate font-medium text-zinc-900 dark:text-zinc-100">{file.name}</span>
                    <span className="block text-[13px] text-zinc-500 dark:text-zinc-400">
                      {formatBytes(file.size)} · <span className="text-indigo-700 dark:text-indigo-300">Change</span>
                    </span>
                  </>
                ) : (
                  <>
                    <span className="block text-zinc-700 dark:text-zinc-300">
                      <span className="font-medium text-indigo-700 dark:text-indigo-300">Choose a file</span> or drop it
                      here
                    </span>
                    <span id={ids.fileHint} className="block text-[13px] text-zinc-500 dark:text-zinc-400">
                      .csv, .reqif, .xml or .reqifz, up to {limit}
                    </span>
                  </>
                )}
              </span>
              <input
                id={ids.file}
                type="file"
                accept=".csv,.reqif,.reqifz,.xml"
                aria-labelledby={ids.fileLabel}
                aria-describedby={file ? undefined : ids.fileHint}
                disabled={!canImport}
                className="sr-only"
                onChange={(e) => choose(e.target.files?.[0])}
              />
            </label>
          </div>

          <fieldset disabled={!canImport}>
            <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">What</legend>
            <div className="mt-1.5 grid grid-cols-2 gap-2 sm:max-w-sm">
              {(["requirements", "issues"] as const).map((k) => (
                <label
                  key={k}
                  className={cn(
                    "flex h-9 cursor-pointer items-center gap-2 rounded-md border px-3 text-sm transition-colors",
                    "has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 has-[:focus-visible]:ring-offset-1 dark:has-[:focus-visible]:ring-offset-zinc-950",
                    "has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60",
                    kind === k
                      ? "border-indigo-300 bg-indigo-50 font-medium text-indigo-900 dark:border-indigo-500/50 dark:bg-indigo-500/10 dark:text-indigo-100"
                      : "border-zinc-300 text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800",
                  )}
                >
                  <input
                    type="radio"
                    name={`${uid}-kind`}
                    value={k}
                    checked={kind === k}
                    onChange={() => setKind(k)}
                    className="size-3.5 shrink-0 accent-indigo-600 outline-none"
                  />
                  {KIND_LABEL[k]}
                </label>
              ))}
            </div>
            <p className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
              {kind === "issues"
                ? "Issues come from CSV; Jira's export works as it is."
                : "Requirements come from CSV, ReqIF or a ReqIF archive."}
            </p>
          </fieldset>

          <fieldset disabled={!canImport} className="space-y-3">
            <legend className="sr-only">Options</legend>
            <label className="flex cursor-pointer items-start gap-2.5 text-sm has-[:disabled]:cursor-not-allowed">
              <input
                type="checkbox"
                className={checkbox}
                checked={dryRun}
                onChange={(e) => setDryRun(e.target.checked)}
              />
              <span>
                <span className="font-medium text-zinc-800 dark:text-zinc-200">Dry run (check without writing)</span>
                <span className="block text-[13px] text-zinc-500 dark:text-zinc-400">
                  Reports what would be created, changed and refused; nothing is written.
                </span>
              </span>
            </label>
            <label className="flex cursor-pointer items-start gap-2.5 text-sm has-[:disabled]:cursor-not-allowed">
              <input
                type="checkbox"
                className={checkbox}
                checked={atomic}
                onChange={(e) => setAtomic(e.target.checked)}
              />
              <span>
                <span className="font-medium text-zinc-800 dark:text-zinc-200">All or nothing</span>
                <span className="block text-[13px] text-zinc-500 dark:text-zinc-400">
                  Writes nothing if any row is refused. Otherwise good rows are written and refused ones listed.
                </span>
              </span>
            </label>
          </fieldset>

          <details className="group rounded-md border border-zinc-200 dark:border-zinc-800">
            <summary
              className={cn(
                "flex cursor-pointer list-none items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-zinc-800 select-none hover:bg-zinc-50 dark:text-zinc-200 dark:hover:bg-zinc-800/50 [&::-webkit-details-marker]:hidden",
                focusRing,
              )}
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-3.5 shrink-0 text-zinc-500 transition-transform group-open:rotate-90 motion-reduce:transition-none"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.75"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="m6 4 4 4-4 4" />
              </svg>
              Column mapping
              <span className="ml-auto text-xs font-normal text-zinc-500 dark:text-zinc-400">Advanced · CSV</span>
            </summary>
            <div className="space-y-1.5 border-t border-zinc-200 px-3 py-3 dark:border-zinc-800">
              <label htmlFor={ids.mapping} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
                Mapping (JSON)
              </label>
              <Textarea
                id={ids.mapping}
                rows={4}
                spellCheck={false}
                disabled={!canImport}
                value={mapping}
                onChange={(e) => setMapping(e.target.value)}
                aria-describedby={ids.mappingHint}
                placeholder={'{ "columns": { "Req ID": "sourceRef", "Text": "statement" } }'}
                className="font-mono text-[13px]"
              />
              <p id={ids.mappingHint} className="text-[13px] break-words text-zinc-500 dark:text-zinc-400">
                Columns you leave out are matched by their header. A column goes to one of{" "}
                {targets.map((t, i) => (
                  <span key={t}>
                    <code className="font-mono text-xs text-zinc-700 dark:text-zinc-300">{t}</code>
                    {i < targets.length - 1 ? ", " : ""}
                  </span>
                ))}
                , or <code className="font-mono text-xs text-zinc-700 dark:text-zinc-300">attribute:&lt;key&gt;</code>{" "}
                for a custom attribute.
              </p>
            </div>
          </details>

          {error ? (
            <p
              role="alert"
              className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200"
            >
              {error}
            </p>
          ) : null}
        </CardBody>
        <CardFooter className="justify-between px-4 sm:px-5">
          <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
            {dryRun ? "A dry run writes nothing." : "Imports can be undone as a whole."}
          </p>
          <Button type="submit" variant="primary" loading={pending} disabled={!canImport}>
            Import
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

/* ------------------------------------------------------------------ one import */

function JobCard({
  ref,
  projectKey,
  id,
  placeholder,
  canUndo,
  onClose,
}: {
  ref: React.Ref<HTMLDivElement>;
  projectKey: string;
  id: string;
  placeholder: ImportJob | undefined;
  canUndo: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const query = useQuery(
    trpc.importJob.byId.queryOptions(
      { projectKey, id },
      {
        placeholderData: placeholder,
        staleTime: 0,
        retry: false,
        refetchInterval: (q) =>
          q.state.status === "error" || (q.state.data && !isActive(q.state.data.status)) ? false : POLL_MS,
      },
    ),
  );
  const undo = useMutation(
    trpc.importJob.undo.mutationOptions({
      onSuccess: async (r) => {
        queryClient.setQueryData(trpc.importJob.byId.queryKey({ projectKey, id }), r.job);
        setConfirming(false);
        const noun = r.job.kind === "issues" ? "issue" : "requirement";
        const parts = [
          `${count.format(r.deleted)} ${r.deleted === 1 ? noun : `${noun}s`} deleted`,
          ...(r.restored > 0 ? [`${count.format(r.restored)} restored to their earlier version`] : []),
        ];
        setNotice(`Import undone: ${parts.join(", ")}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.importJob.list.pathKey() });
      },
    }),
  );
  const job = query.data;

  return (
    <div ref={ref} tabIndex={-1} className="scroll-mt-20 outline-none lg:col-span-2">
      <Card role="region" aria-labelledby="import-job-heading" data-testid="import-job">
        <div className="flex items-start gap-3 border-b border-zinc-200 px-4 py-4 sm:px-5 dark:border-zinc-800">
          <div className="min-w-0 flex-1">
            <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Import report</p>
            <h2
              id="import-job-heading"
              className="mt-0.5 text-[15px] font-semibold [overflow-wrap:anywhere] text-zinc-900 dark:text-zinc-50"
            >
              {job?.filename ?? "Import"}
            </h2>
            {job ? (
              <p className="mt-1 text-[13px] text-zinc-500 dark:text-zinc-400">
                {KIND_LABEL[job.kind]} · {FORMAT_LABEL[job.format]} · {formatBytes(job.size)} · by{" "}
                <PersonName person={job.createdBy} /> <LocalTime date={job.createdAt} mode="relative" />
              </p>
            ) : null}
          </div>
          <div className="flex shrink-0 items-center gap-1.5">
            {job?.dryRun ? <Badge tone="amber">Dry run</Badge> : null}
            {job ? <StatusBadge job={job} /> : null}
            <button
              type="button"
              onClick={onClose}
              aria-label="Close report"
              title="Close report"
              className={cn(
                "-mr-1.5 flex size-7 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                focusRing,
              )}
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-4"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
              >
                <path d="m4 4 8 8M12 4l-8 8" />
              </svg>
            </button>
          </div>
        </div>

        {query.error && !job ? (
          <div className="p-4 sm:px-5">
            <Alert>{errorMessage(query.error, "Could not load this import.")}</Alert>
          </div>
        ) : !job ? (
          <div className="flex justify-center py-10">
            <Spinner className="size-5 text-zinc-400" label="Loading the import" />
          </div>
        ) : (
          <div className="space-y-5 px-4 py-4 sm:px-5">
            {/* Announces the status once per change, not every progress tick. */}
            <p className="sr-only" aria-live="polite">
              {`Import ${STATUS[job.status].label.toLowerCase()}`}
            </p>
            <Progress job={job} />
            <Counts job={job} />

            {job.message ? <Alert tone={job.status === "FAILED" ? "error" : "warning"}>{job.message}</Alert> : null}
            {job.dryRun && job.status === "SUCCEEDED" ? (
              <Alert tone="info">
                A dry run: nothing was written. Import the file again without “Dry run” to write it.
              </Alert>
            ) : null}
            {notice ? <Alert tone="success">{notice}</Alert> : null}
            {job.status === "UNDONE" && job.undoneAt && !notice ? (
              <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
                Undone <LocalTime date={job.undoneAt} mode="datetime" />. What it created was deleted and what it
                changed was set back.
              </p>
            ) : null}

            {job.errors.length > 0 ? <ErrorTable job={job} /> : null}

            {job.undoable && canUndo ? (
              <div className="flex flex-col gap-3 border-t border-zinc-200 pt-4 sm:flex-row sm:items-center sm:justify-between dark:border-zinc-800">
                <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
                  Undo deletes what this import created and sets back what it changed, as long as nobody has changed
                  them since.
                </p>
                <Button
                  className="self-start text-red-700 sm:self-auto dark:text-red-400"
                  onClick={() => {
                    undo.reset();
                    setConfirming(true);
                  }}
                >
                  Undo import
                </Button>
              </div>
            ) : null}
          </div>
        )}

        {job ? (
          <Dialog
            open={confirming}
            onClose={() => !undo.isPending && setConfirming(false)}
            title="Undo this import?"
            description={`Everything ${job.filename} created is deleted and everything it changed goes back to the version before. This is refused if any of it has changed since.`}
            footer={
              <>
                <Button onClick={() => setConfirming(false)} disabled={undo.isPending}>
                  Cancel
                </Button>
                <Button variant="danger" loading={undo.isPending} onClick={() => undo.mutate({ projectKey, id })}>
                  Undo import
                </Button>
              </>
            }
          >
            {undo.error ? <Alert>{errorMessage(undo.error)}</Alert> : null}
          </Dialog>
        ) : null}
      </Card>
    </div>
  );
}

function StatusBadge({ job }: { job: ImportJob }) {
  const { label, tone } = STATUS[job.status];
  const partial = job.status === "SUCCEEDED" && job.failed > 0;
  return (
    <Badge
      tone={partial ? "amber" : tone}
      title={partial ? `Finished; ${count.format(job.failed)} refused` : undefined}
      data-status={job.status}
    >
      {job.status === "RUNNING" ? <Spinner className="size-3" /> : null}
      {label}
    </Badge>
  );
}

function Progress({ job }: { job: ImportJob }) {
  const active = isActive(job.status);
  // Until the file has been read the number of rows is unknown: an indeterminate bar.
  const known = job.total > 0;
  const done = Math.min(job.processed, job.total);
  const pct = known ? Math.round((done / job.total) * 100) : 0;
  if (!known && !active) return null;
  const bar =
    job.status === "FAILED"
      ? "bg-red-500"
      : job.status === "UNDONE"
        ? "bg-zinc-400 dark:bg-zinc-600"
        : job.status === "SUCCEEDED"
          ? "bg-emerald-500"
          : "bg-indigo-500";
  const text = known
    ? `${count.format(done)} of ${count.format(job.total)} rows`
    : job.status === "QUEUED"
      ? "Waiting to start…"
      : "Reading the file…";
  return (
    <div>
      <div className="mb-1.5 flex items-baseline justify-between gap-3 text-[13px]">
        <span className="text-zinc-700 tabular-nums dark:text-zinc-300">{text}</span>
        {known ? <span className="text-zinc-500 tabular-nums dark:text-zinc-400">{pct}%</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label="Rows imported"
        aria-valuemin={0}
        aria-valuemax={known ? job.total : undefined}
        aria-valuenow={known ? done : undefined}
        aria-valuetext={known ? `${count.format(done)} of ${count.format(job.total)} rows` : text}
        data-testid="import-progress"
        className="h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
      >
        {known ? (
          <div
            key="rows"
            className={cn("h-full rounded-full transition-[width] duration-500 motion-reduce:transition-none", bar)}
            style={{ width: `${pct}%` }}
          />
        ) : (
          <div key="waiting" className="h-full w-1/3 animate-pulse rounded-full bg-indigo-400/70" />
        )}
      </div>
    </div>
  );
}

function Counts({ job }: { job: ImportJob }) {
  const would = job.dryRun;
  const items = [
    { key: "created", label: would ? "Would create" : "Created", value: job.created },
    { key: "updated", label: would ? "Would update" : "Updated", value: job.updated },
    { key: "unchanged", label: "Unchanged", value: job.unchanged },
    { key: "failed", label: "Failed", value: job.failed },
  ];
  return (
    <dl className="grid grid-cols-2 overflow-hidden rounded-md border border-zinc-200 sm:grid-cols-4 dark:border-zinc-800">
      {items.map((c, i) => (
        <div
          key={c.key}
          data-testid={`import-count-${c.key}`}
          className={cn(
            "px-3 py-2.5 sm:px-4",
            i % 2 === 1 && "border-l border-zinc-200 dark:border-zinc-800",
            i >= 2 && "border-t border-zinc-200 sm:border-t-0 dark:border-zinc-800",
            i === 2 && "sm:border-l",
          )}
        >
          <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{c.label}</dt>
          <dd
            className={cn(
              "mt-0.5 text-xl font-semibold tabular-nums",
              c.key === "failed" && c.value > 0 ? "text-red-600 dark:text-red-400" : "text-zinc-900 dark:text-zinc-50",
            )}
          >
            {count.format(c.value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ErrorTable({ job }: { job: ImportJob }) {
  const listed = job.errors.length;
  return (
    <section aria-labelledby="import-errors-heading">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
        <h3 id="import-errors-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          Problems
        </h3>
        <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
          {job.failed > listed
            ? `The first ${count.format(listed)} of ${count.format(job.failed)} refused rows`
            : job.format === "csv"
              ? "Rows are numbered by their line in the file"
              : "Rows are numbered in the order the file lists them"}
        </p>
      </div>
      <div className="max-h-96 overflow-y-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        <table className="w-full table-fixed border-collapse text-left text-sm" data-testid="import-errors">
          <thead className="sticky top-0 bg-zinc-50 dark:bg-zinc-900">
            <tr className="text-xs text-zinc-600 dark:text-zinc-400">
              <th scope="col" className="h-8 w-16 border-b border-zinc-200 pr-2 pl-3 font-medium dark:border-zinc-800">
                Row
              </th>
              <th scope="col" className="h-8 border-b border-zinc-200 pr-3 pl-2 font-medium dark:border-zinc-800">
                Problem
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {job.errors.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a report is replaced whole, never reordered, and one row may have several problems
              <tr key={`${e.row}-${i}`} className="align-top">
                <td className="py-2 pr-2 pl-3 font-mono text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
                  {e.row === 0 ? "File" : e.row}
                </td>
                <td className="py-2 pr-3 pl-2 text-[13px] break-words text-zinc-800 dark:text-zinc-200">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/* ------------------------------------------------------------------ recent imports */

function RecentImport({ job, current, onSelect }: { job: ImportJob; current: boolean; onSelect: () => void }) {
  const summary = isActive(job.status)
    ? job.total > 0
      ? `${count.format(Math.min(job.processed, job.total))} of ${count.format(job.total)} rows`
      : "Starting…"
    : [
        job.created > 0 ? `${count.format(job.created)} ${job.dryRun ? "to create" : "created"}` : null,
        job.updated > 0 ? `${count.format(job.updated)} ${job.dryRun ? "to update" : "updated"}` : null,
        job.unchanged > 0 ? `${count.format(job.unchanged)} unchanged` : null,
        job.failed > 0 ? `${count.format(job.failed)} failed` : null,
      ]
        .filter(Boolean)
        .join(" · ") || "Nothing imported";
  return (
    <button
      type="button"
      onClick={onSelect}
      aria-current={current ? "true" : undefined}
      className={cn(
        "flex w-full items-start gap-3 px-4 py-3 text-left transition-colors hover:bg-zinc-50 sm:items-center sm:px-5 dark:hover:bg-zinc-800/40",
        "focus-visible:ring-inset focus-visible:ring-offset-0",
        focusRing,
        current && "bg-indigo-50/60 hover:bg-indigo-50 dark:bg-indigo-500/10 dark:hover:bg-indigo-500/15",
      )}
    >
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{job.filename}</p>
        <p className="mt-0.5 truncate text-[13px] text-zinc-500 dark:text-zinc-400">
          {KIND_LABEL[job.kind]} · {FORMAT_LABEL[job.format]} · <LocalTime date={job.createdAt} mode="relative" />
          {job.createdBy ? <span className="hidden sm:inline"> · {job.createdBy.name}</span> : null}
        </p>
        <p className="mt-0.5 text-[13px] text-zinc-600 tabular-nums sm:hidden dark:text-zinc-400">{summary}</p>
      </div>
      <span className="hidden shrink-0 text-[13px] text-zinc-600 tabular-nums sm:block dark:text-zinc-400">
        {summary}
      </span>
      <span className="flex shrink-0 items-center gap-1.5">
        {job.dryRun ? <Badge tone="amber">Dry run</Badge> : null}
        <StatusBadge job={job} />
      </span>
    </button>
  );
}

/* ------------------------------------------------------------------ export */

function ExportLinks({ className, projectKey }: { className?: string; projectKey: string }) {
  const base = `/api/projects/${encodeURIComponent(projectKey)}/export`;
  return (
    <Card role="region" aria-labelledby="export-heading" className={className}>
      <CardHeader
        id="export-heading"
        title="Export"
        description="The current version of every requirement, as a download."
        className="px-4 sm:px-5"
      />
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {EXPORTS.map((x) => (
          <li key={x.format}>
            <a
              href={`${base}?format=${x.format}`}
              download
              className={cn(
                "group flex items-center gap-3 px-4 py-2.5 transition-colors hover:bg-zinc-50 sm:px-5 dark:hover:bg-zinc-800/40",
                "focus-visible:ring-inset focus-visible:ring-offset-0",
                focusRing,
              )}
            >
              <span className="min-w-0 flex-1">
                <span className="block text-sm font-medium text-zinc-900 group-hover:text-indigo-700 dark:text-zinc-100 dark:group-hover:text-indigo-300">
                  {x.label}
                </span>
                <span className="block text-[13px] text-zinc-500 dark:text-zinc-400">{x.hint}</span>
              </span>
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-4 shrink-0 text-zinc-400 group-hover:text-indigo-600 dark:group-hover:text-indigo-400"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="M8 2.25v8M4.75 7 8 10.25 11.25 7M2.75 11.75v1a1 1 0 0 0 1 1h8.5a1 1 0 0 0 1-1v-1" />
              </svg>
            </a>
          </li>
        ))}
      </ul>
      <p className="border-t border-zinc-200 px-4 py-3 text-[13px] text-zinc-500 sm:px-5 dark:border-zinc-800 dark:text-zinc-400">
        A baseline is exported from its row on the Baselines page.
      </p>
    </Card>
  );
}
