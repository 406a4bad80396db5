"use client";
/**
 * The trace links of an issue or a requirement: what it links to and what
 * links to it, with suspect links flagged, the upstream change shown as a
 * diff, and (for maintainers) clearing, unlinking and adding links.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";

import { IssueStatusBadge, LINK_TYPE_LABELS, SuspectBadge, type TraceLink } from "@/components/issues/issue-meta";
import { LocalTime } from "@/components/local-time";
import { errorMessage, serverFieldErrors } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { useDebounced } from "@/components/use-debounced";
import { ISSUE_LINK_TYPES, REQUIREMENT_LINK_TYPES } from "@/lib/schemas/trace-link";
import { useTRPC } from "@/lib/trpc/react";

import { RequirementChangeDiff } from "./requirement-diff";

const isIssueKey = (key: string) => /-I-\d+$/.test(key);

export function ItemLinks({
  projectKey,
  itemKey,
  canManage,
  title = "Linked requirements",
}: {
  projectKey: string;
  itemKey: string;
  canManage: boolean;
  title?: string;
}) {
  const trpc = useTRPC();
  const links = useQuery(trpc.traceLink.listFor.queryOptions({ key: itemKey }));
  const [linking, setLinking] = useState(false);
  const fromIssue = isIssueKey(itemKey);
  const outgoing = links.data?.outgoing ?? [];
  const incoming = links.data?.incoming ?? [];
  const suspectCount = [...outgoing, ...incoming].filter((l) => l.suspect).length;

  return (
    <section aria-labelledby={`links-${itemKey}`} className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2
          id={`links-${itemKey}`}
          className="flex items-center gap-2 text-sm font-semibold text-zinc-900 dark:text-zinc-50"
        >
          {title}
          {suspectCount ? <Badge tone="amber">{suspectCount} suspect</Badge> : null}
        </h2>
        {canManage ? (
          <Button size="sm" onClick={() => setLinking(true)}>
            Link requirement
          </Button>
        ) : null}
      </div>
      {links.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Loading links…
        </p>
      ) : links.isError ? (
        <Alert>{errorMessage(links.error)}</Alert>
      ) : outgoing.length === 0 && incoming.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-3 py-4 text-center text-[13px] text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          {fromIssue ? "Not linked to any requirement yet." : "No trace links yet."}
        </p>
      ) : (
        <div className="space-y-4">
          {outgoing.length ? (
            <LinkList
              projectKey={projectKey}
              links={outgoing}
              direction="outgoing"
              canManage={canManage}
              showHeading={!fromIssue}
            />
          ) : null}
          {incoming.length ? (
            <LinkList projectKey={projectKey} links={incoming} direction="incoming" canManage={canManage} showHeading />
          ) : null}
        </div>
      )}
      {canManage ? (
        <LinkRequirementDialog
          projectKey={projectKey}
          fromKey={itemKey}
          open={linking}
          onClose={() => setLinking(false)}
        />
      ) : null}
    </section>
  );
}

function LinkList({
  projectKey,
  links,
  direction,
  canManage,
  showHeading,
}: {
  projectKey: string;
  links: TraceLink[];
  direction: "outgoing" | "incoming";
  canManage: boolean;
  showHeading: boolean;
}) {
  return (
    <div>
      {showHeading ? (
        <h3 className="mb-1.5 text-[11px] font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          {direction === "outgoing" ? "Links to" : "Linked from"}
        </h3>
      ) : null}
      <ul className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {links.map((l) => (
          <LinkRow key={l.id} projectKey={projectKey} link={l} direction={direction} canManage={canManage} />
        ))}
      </ul>
    </div>
  );
}

function LinkRow({
  projectKey,
  link,
  direction,
  canManage,
}: {
  projectKey: string;
  link: TraceLink;
  direction: "outgoing" | "incoming";
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showDiff, setShowDiff] = useState(link.suspect);
  const [clearing, setClearing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const other =
    direction === "outgoing"
      ? { kind: "requirement" as const, key: link.to.key, title: link.to.title, status: link.to.status }
      : { kind: link.from.kind, key: link.from.key, title: link.from.title, status: link.from.status };
  const href =
    other.kind === "issue"
      ? `/projects/${projectKey}/issues/${other.key}`
      : `/projects/${projectKey}/requirements/${other.key}`;
  const remove = useMutation(
    trpc.traceLink.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.traceLink.pathKey() }),
      onError: (err) => setError(errorMessage(err)),
    }),
  );

  return (
    <li className={cn("px-3 py-2.5", link.suspect && "bg-amber-50/50 dark:bg-amber-500/5")}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <Badge tone="indigo">{LINK_TYPE_LABELS[link.type] ?? link.type}</Badge>
        <Link
          href={href}
          className={cn(
            "rounded-sm font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300",
            focusRing,
          )}
        >
          {other.key}
        </Link>
        <span className="order-last w-full min-w-0 text-sm text-zinc-800 sm:order-none sm:w-auto sm:flex-1 sm:truncate dark:text-zinc-200">
          {other.title}
        </span>
        {other.kind === "issue" ? (
          <IssueStatusBadge status={other.status} />
        ) : (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            {other.status.charAt(0) + other.status.slice(1).toLowerCase().replace(/_/g, " ")}
          </span>
        )}
        {link.suspect ? <SuspectBadge /> : null}
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        <span>
          Linked against v{link.linkedVersion}
          {link.to.version !== link.linkedVersion ? `, ${link.to.key} is now v${link.to.version}` : ""}
        </span>
        {link.suspect && link.suspectSince ? (
          <span>
            Suspect since <LocalTime date={link.suspectSince} mode="relative" />
          </span>
        ) : null}
        {!link.suspect && link.clearedAt ? (
          <span title={link.clearReason ?? undefined}>
            Reviewed <LocalTime date={link.clearedAt} mode="relative" />
            {link.clearReason ? `: “${link.clearReason}”` : ""}
          </span>
        ) : null}
        <span className="ml-auto flex items-center gap-1">
          {link.to.version !== link.linkedVersion ? (
            <button
              type="button"
              aria-expanded={showDiff}
              onClick={() => setShowDiff((s) => !s)}
              className={cn(
                "rounded px-1.5 py-0.5 font-medium hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                focusRing,
              )}
            >
              {showDiff ? "Hide changes" : "Show changes"}
            </button>
          ) : null}
          {canManage && link.suspect ? (
            <button
              type="button"
              onClick={() => setClearing(true)}
              className={cn(
                "rounded px-1.5 py-0.5 font-medium text-amber-800 hover:bg-amber-100 dark:text-amber-300 dark:hover:bg-amber-500/15",
                focusRing,
              )}
            >
              Clear suspect
            </button>
          ) : null}
          {canManage ? (
            <button
              type="button"
              disabled={remove.isPending}
              onClick={() => {
                if (
                  window.confirm(
                    `Remove the link ${link.from.key} ${LINK_TYPE_LABELS[link.type]?.toLowerCase()} ${link.to.key}?`,
                  )
                ) {
                  setError(null);
                  remove.mutate({ projectKey, linkId: link.id });
                }
              }}
              className={cn(
                "rounded px-1.5 py-0.5 font-medium hover:bg-red-50 hover:text-red-700 dark:hover:bg-red-500/10 dark:hover:text-red-300",
                focusRing,
              )}
            >
              Unlink
            </button>
          ) : null}
        </span>
      </div>
      {showDiff && link.to.version !== link.linkedVersion ? (
        <div className="mt-2.5 rounded-md border border-zinc-200 bg-zinc-50/60 p-3 dark:border-zinc-800 dark:bg-zinc-950/40">
          <p className="mb-2 text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Changes to {link.to.key} since v{link.linkedVersion}
          </p>
          <RequirementChangeDiff requirementKey={link.to.key} from={link.linkedVersion} to={link.to.version} />
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-1.5 text-[13px] text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {canManage ? (
        <ClearSuspectDialog projectKey={projectKey} link={link} open={clearing} onClose={() => setClearing(false)} />
      ) : null}
    </li>
  );
}

function ClearSuspectDialog({
  projectKey,
  link,
  open,
  onClose,
}: {
  projectKey: string;
  link: TraceLink;
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const clear = useMutation(
    trpc.traceLink.clearSuspect.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.traceLink.pathKey() });
        setReason("");
        onClose();
      },
      onError: (err) => setError(serverFieldErrors(err).reason ?? errorMessage(err)),
    }),
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Clear suspect link"
      description={`Confirm that ${link.from.key} still ${LINK_TYPE_LABELS[link.type]?.toLowerCase()} ${link.to.key} as of version ${link.to.version}.`}
      initialFocusRef={ref}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason.trim()) {
            setError("Say why the link still holds");
            ref.current?.focus();
            return;
          }
          setError(null);
          clear.mutate({ projectKey, linkId: link.id, reason: reason.trim() });
        }}
        className="space-y-4"
      >
        <Field
          id={`clear-reason-${link.id}`}
          label="Reason"
          error={error}
          hint="Recorded in the audit log with your name."
        >
          <Textarea
            ref={ref}
            rows={3}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="The change is editorial; the implementation still satisfies it."
          />
        </Field>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={clear.isPending}>
            Clear suspect
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function LinkRequirementDialog({
  projectKey,
  fromKey,
  open,
  onClose,
}: {
  projectKey: string;
  fromKey: string;
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fromIssue = isIssueKey(fromKey);
  const types = fromIssue ? ISSUE_LINK_TYPES : REQUIREMENT_LINK_TYPES;
  const [type, setType] = useState<string>(types[0]);
  const [query, setQuery] = useState("");
  const [target, setTarget] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const q = useDebounced(query.trim(), 200);
  const results = useQuery(
    trpc.requirement.list.queryOptions(
      { projectKey, q: q || undefined, limit: 8, sort: "key" },
      { enabled: open && !target },
    ),
  );
  const options = (results.data?.items ?? []).filter((r) => r.key !== fromKey);
  const create = useMutation(
    trpc.traceLink.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.traceLink.pathKey() });
        close();
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );

  function close() {
    setQuery("");
    setTarget(null);
    setError(null);
    setType(types[0]);
    onClose();
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const to = target ?? query.trim().toUpperCase();
    if (!/^[A-Z]{2,10}-[1-9]\d*$/.test(to)) {
      setError("Pick a requirement, or type its key (like PAY-12)");
      inputRef.current?.focus();
      return;
    }
    setError(null);
    create.mutate({ projectKey, from: fromKey, to, type: type as (typeof types)[number] });
  }

  const listId = `link-options-${fromKey}`;
  const activeOption = target ? undefined : options[active];
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Link requirement"
      description={`Trace ${fromKey} to a requirement.`}
      initialFocusRef={inputRef}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        <Field id={`link-type-${fromKey}`} label="Link type">
          <Select value={type} onChange={(e) => setType(e.target.value)}>
            {types.map((t) => (
              <option key={t} value={t}>
                {LINK_TYPE_LABELS[t]}
              </option>
            ))}
          </Select>
        </Field>
        <div className="space-y-1.5">
          <Field id={`link-target-${fromKey}`} label="Requirement" error={error}>
            <Input
              ref={inputRef}
              role="combobox"
              aria-expanded={!target && options.length > 0}
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={activeOption ? `${listId}-${activeOption.key}` : undefined}
              autoComplete="off"
              placeholder="Search by key or title"
              value={target ?? query}
              onChange={(e) => {
                setTarget(null);
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={(e) => {
                if (target) return;
                if (e.key === "ArrowDown") {
                  e.preventDefault();
                  setActive((a) => Math.min(a + 1, options.length - 1));
                } else if (e.key === "ArrowUp") {
                  e.preventDefault();
                  setActive((a) => Math.max(a - 1, 0));
                } else if (e.key === "Enter" && activeOption && query.trim().toUpperCase() !== activeOption.key) {
                  e.preventDefault();
                  setTarget(activeOption.key);
                }
              }}
            />
          </Field>
          {!target ? (
            <div
              id={listId}
              role="listbox"
              aria-label="Matching requirements"
              className="max-h-56 overflow-y-auto rounded-md border border-zinc-200 dark:border-zinc-800"
            >
              {results.isPending ? (
                <div className="flex items-center gap-2 px-3 py-2 text-[13px] text-zinc-500">
                  <Spinner className="size-3.5" /> Searching…
                </div>
              ) : options.length === 0 ? (
                <div className="px-3 py-2 text-[13px] text-zinc-500 dark:text-zinc-400">No matching requirements.</div>
              ) : (
                options.map((r, i) => (
                  // biome-ignore lint/a11y/useFocusableInteractive: combobox pattern with aria-activedescendant; focus stays on the input, which handles the arrow keys and Enter
                  <div
                    key={r.key}
                    id={`${listId}-${r.key}`}
                    role="option"
                    aria-selected={i === active}
                    onMouseDown={(e) => {
                      e.preventDefault();
                      setTarget(r.key);
                    }}
                    onMouseEnter={() => setActive(i)}
                    className={cn(
                      "flex cursor-pointer items-center gap-2 px-3 py-1.5 text-[13px]",
                      i === active ? "bg-indigo-50 dark:bg-indigo-500/15" : "",
                    )}
                  >
                    <span className="w-16 shrink-0 font-mono text-xs text-zinc-500 dark:text-zinc-400">{r.key}</span>
                    <span className="min-w-0 truncate text-zinc-800 dark:text-zinc-200">{r.title}</span>
                  </div>
                ))
              )}
            </div>
          ) : (
            <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
              Selected {target}.{" "}
              <button
                type="button"
                className={cn("rounded-sm font-medium text-indigo-700 underline dark:text-indigo-300", focusRing)}
                onClick={() => setTarget(null)}
              >
                Change
              </button>
            </p>
          )}
        </div>
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            Create link
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
