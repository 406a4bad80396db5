"use client";
/**
 * Links between issues on an issue's page: what it blocks, is blocked by,
 * duplicates, is duplicated by or relates to, read from this end. Maintainers
 * add and remove them; marking this issue a duplicate offers to close it as
 * Won't fix with the resolution "duplicate" in the same change.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";

import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { IssueLinkTypeValue } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";

import { type Issue, IssueStatusBadge } from "./issue-meta";

/** The relations offered when linking, each as this issue's side of one stored link type. */
const RELATIONS: { value: string; label: string; type: IssueLinkTypeValue; thisIsFrom: boolean }[] = [
  { value: "blocks", label: "blocks", type: "BLOCKS", thisIsFrom: true },
  { value: "blocked-by", label: "is blocked by", type: "BLOCKS", thisIsFrom: false },
  { value: "duplicates", label: "duplicates", type: "DUPLICATES", thisIsFrom: true },
  { value: "duplicated-by", label: "is duplicated by", type: "DUPLICATES", thisIsFrom: false },
  { value: "relates", label: "relates to", type: "RELATES_TO", thisIsFrom: true },
];

const CLOSED = new Set(["DONE", "WONT_FIX"]);

export function IssueRelations({
  projectKey,
  issue,
  canManage,
  onIssueChanged,
}: {
  projectKey: string;
  issue: Issue;
  canManage: boolean;
  onIssueChanged: (next: Issue) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const links = useQuery(trpc.issue.links.list.queryOptions({ key: issue.key }));
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.issue.links.pathKey() });
  const remove = useMutation(
    trpc.issue.links.remove.mutationOptions({
      onSuccess: () => {
        setError(null);
        void refresh();
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const items = links.data?.items ?? [];

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id={headingId} className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          Linked issues
        </h2>
        {canManage && !adding ? (
          <Button size="sm" onClick={() => setAdding(true)}>
            Link issue
          </Button>
        ) : null}
      </div>
      {adding ? (
        <AddRelationForm
          issue={issue}
          onDone={(next) => {
            setAdding(false);
            void refresh();
            if (next) onIssueChanged(next);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {links.isPending ? (
        <p className="flex items-center gap-2 text-[13px] text-zinc-500">
          <Spinner className="size-3.5" /> Loading linked issues…
        </p>
      ) : links.isError ? (
        <Alert>{errorMessage(links.error)}</Alert>
      ) : items.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-3 py-4 text-center text-[13px] text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          Not linked to other issues.
        </p>
      ) : (
        <ul
          aria-label="Linked issues"
          className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
        >
          {items.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center gap-x-2 gap-y-1 px-3 py-2.5">
              <Badge tone={l.type === "BLOCKS" ? "amber" : l.type === "DUPLICATES" ? "neutral" : "indigo"}>
                {l.label}
              </Badge>
              <Link
                href={`/projects/${projectKey}/issues/${l.issue.key}`}
                className={cn(
                  "rounded-sm font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300",
                  focusRing,
                )}
              >
                {l.issue.key}
              </Link>
              <span
                className={cn(
                  "order-last w-full min-w-0 text-sm text-zinc-800 sm:order-none sm:w-auto sm:flex-1 sm:truncate dark:text-zinc-200",
                  CLOSED.has(l.issue.status) && "text-zinc-500 line-through dark:text-zinc-400",
                )}
              >
                {l.issue.title}
              </span>
              <IssueStatusBadge status={l.issue.status} />
              {canManage ? (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove the link: ${l.label} ${l.issue.key}`}
                  loading={remove.isPending && remove.variables?.linkId === l.id}
                  onClick={() => remove.mutate({ key: issue.key, linkId: l.id })}
                >
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddRelationForm({
  issue,
  onDone,
  onCancel,
}: {
  issue: Issue;
  onDone: (next: Issue | null) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [relation, setRelation] = useState(RELATIONS[0]?.value ?? "blocks");
  const [other, setOther] = useState("");
  const [closeAsDuplicate, setCloseAsDuplicate] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const chosen = RELATIONS.find((r) => r.value === relation) ?? RELATIONS[0];
  const offersClosing = chosen?.value === "duplicates" && !CLOSED.has(issue.status);
  const add = useMutation(
    trpc.issue.links.add.mutationOptions({
      onSuccess: (res) => onDone(offersClosing && closeAsDuplicate ? (res.issue as Issue) : null),
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const ids = { relation: useId(), other: useId(), close: useId() };
  return (
    <form
      aria-label="Link to another issue"
      className="space-y-3 rounded-lg border border-zinc-200 bg-zinc-50/60 p-3 dark:border-zinc-800 dark:bg-zinc-900/60"
      onSubmit={(e) => {
        e.preventDefault();
        const key = other.trim().toUpperCase();
        if (!chosen) return;
        if (!/^[A-Z]{2,10}-I-[1-9]\d{0,8}$/.test(key)) {
          setError("Enter an issue key such as PAY-I-12");
          return;
        }
        setError(null);
        const closing = offersClosing && closeAsDuplicate;
        add.mutate(
          chosen.thisIsFrom
            ? {
                key: issue.key,
                type: chosen.type,
                to: key,
                closeAsDuplicate: closing,
                ...(closing ? { expectedVersion: issue.version } : {}),
              }
            : { key, type: chosen.type, to: issue.key },
        );
      }}
    >
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="space-y-1 sm:w-44">
          <label htmlFor={ids.relation} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            This issue
          </label>
          <Select id={ids.relation} compact value={relation} onChange={(e) => setRelation(e.target.value)}>
            {RELATIONS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </div>
        <div className="min-w-0 flex-1 space-y-1">
          <label htmlFor={ids.other} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Issue
          </label>
          <Input
            id={ids.other}
            value={other}
            onChange={(e) => setOther(e.target.value)}
            placeholder={`${issue.key.replace(/-I-\d+$/, "")}-I-12`}
            autoComplete="off"
            autoFocus
            className="h-8 font-mono text-[13px]"
          />
        </div>
      </div>
      {offersClosing ? (
        <label htmlFor={ids.close} className="flex items-center gap-2 text-[13px] text-zinc-700 dark:text-zinc-300">
          <input
            id={ids.close}
            type="checkbox"
            checked={closeAsDuplicate}
            onChange={(e) => setCloseAsDuplicate(e.target.checked)}
            className="size-4 rounded border-zinc-300 accent-indigo-600"
          />
          Close {issue.key} as a duplicate (Won’t fix)
        </label>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex justify-end gap-2">
        <Button size="sm" onClick={onCancel}>
          Cancel
        </Button>
        <Button size="sm" type="submit" variant="primary" loading={add.isPending}>
          Link
        </Button>
      </div>
    </form>
  );
}
