"use client";
/**
 * Everything that happened to an issue, newest first, in sentences read
 * from the issue itself ("moved it from Open to Triaged", "Refund policy
 * changed, so its link is suspect"), with comments as they read now.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";

import { describeEvent } from "@/components/audit-format";
import { Avatar } from "@/components/avatar";
import { LocalTime } from "@/components/local-time";
import { Markdown } from "@/components/markdown";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { ISSUE_STATUS_LABELS } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

import { LINK_TYPE_LABELS } from "./issue-meta";

type Entry = RouterOutputs["issue"]["activity"]["items"][number];
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const status = (v: unknown) =>
  str(v) ? (ISSUE_STATUS_LABELS[v as keyof typeof ISSUE_STATUS_LABELS] ?? String(v)) : "?";

/** The sentence for an entry, read from the issue whose page it is on (`self`). */
function sentence(e: Entry, self: string): { text: string; item?: string } {
  const before = obj(e.before);
  const after = obj(e.after);
  const link = Object.keys(after).length ? after : before;
  const from = str(obj(link.from).key);
  const to = str(obj(link.to).key);
  const linkType = str(link.type);
  switch (e.action) {
    case "issue.created":
      return { text: "reported the issue" };
    case "issue.updated":
      return { text: "edited the issue" };
    case "issue.status_changed":
      return {
        text: `moved it from ${status(before.status)} to ${status(after.status)}${after.resolution === "duplicate" ? " as a duplicate" : ""}`,
      };
    case "issue.assigned": {
      const name = str(obj(after.assignee).name);
      return { text: name ? `assigned it to ${name}` : "unassigned it" };
    }
    case "issue.commented":
      return { text: "commented" };
    case "issue.comment_edited":
      return { text: "edited a comment" };
    case "issue.comment_deleted":
      return { text: "deleted a comment" };
    case "issue.attachment_added":
      return { text: `attached “${str(after.filename) ?? "a file"}”` };
    case "issue.attachment_deleted":
      return { text: `removed the attachment “${str(before.filename) ?? "a file"}”` };
    case "traceLink.created":
      return { text: `linked it to`, item: `${to ?? "?"} (${(LINK_TYPE_LABELS[linkType ?? ""] ?? "").toLowerCase()})` };
    case "traceLink.deleted":
      return { text: "removed the link to", item: to ?? "?" };
    case "traceLink.suspected":
      return { text: "changed", item: `${to ?? "?"}: the link is suspect until reviewed` };
    case "traceLink.suspect_cleared":
      return { text: "confirmed the link still holds to", item: to ?? "?" };
    case "issue.linked":
    case "issue.unlinked": {
      const outward = from === self;
      const other = (outward ? to : from) ?? "?";
      if (e.action === "issue.unlinked") return { text: "removed the link with", item: other };
      if (linkType === "BLOCKS")
        return outward
          ? { text: "marked it as blocking", item: other }
          : { text: "marked it as blocked by", item: other };
      if (linkType === "DUPLICATES")
        return outward
          ? { text: "marked it as a duplicate of", item: other }
          : { text: "marked it as duplicated by", item: other };
      return { text: "linked it as related to", item: other };
    }
    default:
      return { text: describeEvent({ ...e, actor: e.actor ? { ...e.actor, email: "" } : null }) };
  }
}

export function IssueActivity({ projectKey, issueKey }: { projectKey: string; issueKey: string }) {
  const trpc = useTRPC();
  const activity = useInfiniteQuery(
    trpc.issue.activity.infiniteQueryOptions(
      { key: issueKey, limit: 30 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  if (activity.isPending) {
    return (
      <p className="flex items-center gap-2 text-[13px] text-zinc-500">
        <Spinner className="size-3.5" /> Loading activity…
      </p>
    );
  }
  if (activity.isError) return <Alert>{errorMessage(activity.error)}</Alert>;
  const entries = activity.data.pages.flatMap((p) => p.items);
  return (
    <div className="space-y-3">
      <ol aria-label="Activity" className="space-y-0">
        {entries.map((e, i) => {
          const s = sentence(e, issueKey);
          const itemKey = s.item?.split(/[\s:]/)[0];
          const href = itemKey
            ? `/projects/${projectKey}/${/-I-\d+$/.test(itemKey) ? "issues" : "requirements"}/${itemKey}`
            : undefined;
          return (
            <li key={e.id} className="relative pb-4 pl-9 last:pb-0">
              {i < entries.length - 1 ? (
                <span aria-hidden="true" className="absolute top-7 bottom-0 left-3 w-px bg-zinc-200 dark:bg-zinc-800" />
              ) : null}
              <span className="absolute top-0.5 left-0">
                <Avatar name={e.actor?.name ?? "System"} seed={e.actor?.id ?? "system"} size="sm" />
              </span>
              <p className="text-[13px] text-zinc-700 dark:text-zinc-300">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{e.actor?.name ?? "System"}</span>{" "}
                {s.text}
                {s.item && href && itemKey ? (
                  <>
                    {" "}
                    <Link
                      href={href}
                      className={cn(
                        "rounded-sm font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300",
                        focusRing,
                      )}
                    >
                      {itemKey}
                    </Link>
                    {s.item.slice(itemKey.length)}
                  </>
                ) : null}{" "}
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  · <LocalTime date={e.createdAt} mode="relative" />
                </span>
              </p>
              {e.comment ? (
                e.comment.deleted ? (
                  <p className="mt-1.5 text-[13px] text-zinc-500 italic dark:text-zinc-400">
                    This comment was deleted.
                  </p>
                ) : (
                  <div className="mt-1.5 rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
                    <Markdown>{e.comment.body}</Markdown>
                  </div>
                )
              ) : null}
            </li>
          );
        })}
      </ol>
      {activity.hasNextPage ? (
        <Button size="sm" loading={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
          Show earlier activity
        </Button>
      ) : null}
    </div>
  );
}
