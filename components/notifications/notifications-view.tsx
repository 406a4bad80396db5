"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { NOTIFICATION_TYPE_LABELS, NOTIFICATION_TYPES, type NotificationType } from "@/lib/schemas/notifications";
import { useTRPC } from "@/lib/trpc/react";

const PAGE_SIZE = 20;

function typeLabel(type: string): string {
  return (NOTIFICATION_TYPE_LABELS as Record<string, string>)[type] ?? type;
}

export function NotificationsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const list = useInfiniteQuery(
    trpc.notification.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, unreadOnly },
      // Refetched when the tab's live stream brings a notification (components/live/live-updates.tsx).
      { getNextPageParam: (last) => last.nextCursor ?? undefined, staleTime: 0 },
    ),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unreadCount = list.data?.pages[0]?.unreadCount ?? 0;

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.notification.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.notification.unreadCount.pathKey() }),
    ]);
  const markRead = useMutation(
    trpc.notification.markRead.mutationOptions({
      onMutate: () => setError(null),
      onSuccess: refresh,
      onError: (err) => setError(errorMessage(err)),
    }),
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <Card>
        <CardHeader
          title="Inbox"
          description={unreadCount > 0 ? `${unreadCount} unread` : "You are all caught up."}
          actions={
            <>
              <Button size="sm" variant="ghost" aria-pressed={unreadOnly} onClick={() => setUnreadOnly((v) => !v)}>
                {unreadOnly ? "Show all" : "Unread only"}
              </Button>
              <Button
                size="sm"
                disabled={unreadCount === 0}
                loading={markRead.isPending}
                onClick={() => markRead.mutate({ all: true })}
              >
                Mark all read
              </Button>
            </>
          }
        />
        {error ? <Alert className="m-4">{error}</Alert> : null}
        {list.isPending ? (
          <div className="flex justify-center py-12">
            <Spinner />
          </div>
        ) : list.isError ? (
          <Alert className="m-4">{errorMessage(list.error)}</Alert>
        ) : items.length === 0 ? (
          <EmptyState
            title={unreadOnly ? "No unread notifications" : "No notifications yet"}
            description="You hear about what you watch: items you created, are assigned to or were mentioned in, and anything you chose to watch."
          />
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Notifications">
            {items.map((n) => (
              <li
                key={n.id}
                className={cn(
                  "flex items-start gap-3 px-5 py-3.5",
                  !n.readAt && "bg-indigo-50/50 dark:bg-indigo-950/20",
                )}
              >
                <span
                  aria-hidden="true"
                  className={cn(
                    "mt-1.5 size-2 shrink-0 rounded-full",
                    n.readAt ? "bg-transparent" : "bg-indigo-600 dark:bg-indigo-400",
                  )}
                />
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
                    <span>{typeLabel(n.type)}</span>
                    <span aria-hidden="true">·</span>
                    <LocalTime date={n.createdAt} mode="relative" />
                    {!n.readAt ? <span className="sr-only">Unread</span> : null}
                  </div>
                  <Link
                    href={n.url || "/notifications"}
                    onClick={() => {
                      if (!n.readAt) markRead.mutate({ ids: [n.id] });
                    }}
                    className={cn(
                      "mt-0.5 block rounded-sm text-sm font-medium text-zinc-900 hover:underline dark:text-zinc-50",
                      focusRing,
                    )}
                  >
                    {n.title}
                  </Link>
                  {n.body ? (
                    <p className="mt-0.5 line-clamp-2 text-sm text-zinc-600 dark:text-zinc-400">{n.body}</p>
                  ) : null}
                </div>
                {!n.readAt ? (
                  <Button size="sm" variant="ghost" onClick={() => markRead.mutate({ ids: [n.id] })}>
                    Mark read<span className="sr-only">: {n.title}</span>
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage ? (
          <div className="border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
            <Button
              size="sm"
              variant="ghost"
              loading={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              Load more
            </Button>
          </div>
        ) : null}
      </Card>
      <PreferencesCard />
    </div>
  );
}

function PreferencesCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prefs = useQuery(trpc.notification.preferences.get.queryOptions());
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.notification.preferences.set.mutationOptions({
      onMutate: () => {
        setError(null);
        setNotice(null);
      },
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.notification.preferences.get.queryKey(), saved);
        setNotice("Saved.");
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const current = prefs.data;
  const update = (patch: Partial<{ inApp: boolean; email: boolean; mutedTypes: NotificationType[] }>) => {
    if (!current) return;
    save.mutate({
      inApp: current.inApp,
      email: current.email,
      mutedTypes: current.mutedTypes as NotificationType[],
      ...patch,
    });
  };
  return (
    <Card className="self-start">
      <CardHeader title="Preferences" description="How and about what you hear from Specline." />
      <CardBody className="space-y-4 text-sm">
        {!current ? (
          <Spinner />
        ) : (
          <>
            <fieldset className="space-y-2">
              <legend className="font-medium text-zinc-900 dark:text-zinc-50">Channels</legend>
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={current.inApp}
                  onChange={(e) => update({ inApp: e.target.checked })}
                  disabled={save.isPending}
                />
                In the app
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={current.email}
                  onChange={(e) => update({ email: e.target.checked })}
                  disabled={save.isPending}
                />
                By email
              </label>
            </fieldset>
            <fieldset className="space-y-2">
              <legend className="font-medium text-zinc-900 dark:text-zinc-50">Notify me about</legend>
              {NOTIFICATION_TYPES.map((type) => {
                const muted = current.mutedTypes.includes(type);
                return (
                  <label key={type} className="flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={!muted}
                      disabled={save.isPending}
                      onChange={(e) =>
                        update({
                          mutedTypes: (e.target.checked
                            ? current.mutedTypes.filter((t) => t !== type)
                            : [...current.mutedTypes, type]) as NotificationType[],
                        })
                      }
                    />
                    {NOTIFICATION_TYPE_LABELS[type]}
                  </label>
                );
              })}
            </fieldset>
          </>
        )}
        {error ? <Alert>{error}</Alert> : null}
        {notice ? (
          <p role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
            {notice}
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}
