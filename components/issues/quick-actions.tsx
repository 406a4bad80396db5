"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { ISSUE_TRANSITIONS } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";

import { type IssueListItem, type Member, parseLabels, STATUS_LABELS } from "./issue-meta";

export type QuickAction = "status" | "assign" | "label";

/** The keys of the issue list's quick actions on the current row, for the list and the shortcut sheet. */
export const QUICK_ACTION_KEYS: Record<QuickAction, string> = { status: "s", assign: "a", label: "l" };

const choice =
  "flex w-full items-center justify-between rounded-md px-3 py-2 text-left text-sm text-zinc-800 hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none dark:text-zinc-200 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800";

/**
 * One change to one issue from the keyboard (the list's s, a and l): its
 * status, its assignee or its labels, saved against the version the list
 * shows, so a change someone made meanwhile is refused, not overwritten.
 */
export function IssueQuickAction({
  issue,
  action,
  members,
  onClose,
}: {
  issue: IssueListItem;
  action: QuickAction;
  members: Member[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const first = useRef<HTMLButtonElement>(null);
  const labelsRef = useRef<HTMLInputElement>(null);
  const [filter, setFilter] = useState("");
  const [labelText, setLabelText] = useState(issue.labels.join(", "));
  const done = {
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.issue.list.pathKey() });
      onClose();
    },
  };
  const transition = useMutation(trpc.issue.transition.mutationOptions(done));
  const assign = useMutation(trpc.issue.assign.mutationOptions(done));
  const update = useMutation(trpc.issue.update.mutationOptions(done));
  const failed = transition.error ?? assign.error ?? update.error;
  const base = { key: issue.key, expectedVersion: issue.version };

  const title =
    action === "status"
      ? `Move ${issue.key} to…`
      : action === "assign"
        ? `Assign ${issue.key} to…`
        : `Labels of ${issue.key}`;
  const shown = members.filter((m) => m.user.name.toLowerCase().includes(filter.trim().toLowerCase()));

  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      description={issue.title}
      initialFocusRef={action === "label" ? labelsRef : first}
    >
      {failed ? <Alert className="mb-3">{errorMessage(failed)}</Alert> : null}
      {action === "status" ? (
        <ul className="space-y-0.5">
          {ISSUE_TRANSITIONS[issue.status].map((to, i) => (
            <li key={to}>
              <button
                ref={i === 0 ? first : undefined}
                type="button"
                className={choice}
                disabled={transition.isPending}
                onClick={() => transition.mutate({ ...base, to })}
              >
                {STATUS_LABELS[to]}
              </button>
            </li>
          ))}
        </ul>
      ) : action === "assign" ? (
        <div className="space-y-2">
          <Input
            compact
            aria-label="Find a member"
            placeholder="Find a member"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <ul className="max-h-72 space-y-0.5 overflow-y-auto">
            <li>
              <button
                ref={first}
                type="button"
                className={choice}
                disabled={assign.isPending}
                onClick={() => assign.mutate({ ...base, assigneeId: null })}
              >
                Nobody
                {issue.assignee === null ? <span className="text-xs text-zinc-500">current</span> : null}
              </button>
            </li>
            {shown.map((m) => (
              <li key={m.user.id}>
                <button
                  type="button"
                  className={choice}
                  disabled={assign.isPending}
                  onClick={() => assign.mutate({ ...base, assigneeId: m.user.id })}
                >
                  {m.user.name}
                  {issue.assignee?.id === m.user.id ? <span className="text-xs text-zinc-500">current</span> : null}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({ ...base, labels: parseLabels(labelText) });
          }}
        >
          <Input
            ref={labelsRef}
            compact
            aria-label="Labels, separated by commas"
            value={labelText}
            onChange={(e) => setLabelText(e.target.value)}
          />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" loading={update.isPending}>
              Save labels
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
