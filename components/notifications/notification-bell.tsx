"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";

import { cn, focusRing } from "@/components/ui/cn";
import { useTRPC } from "@/lib/trpc/react";

function BellIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      className="size-[18px]"
    >
      <path d="M4 6.5a4 4 0 0 1 8 0c0 3.5 1.5 4.75 1.5 4.75h-11S4 10 4 6.5Z" />
      <path d="M6.75 13.25a1.4 1.4 0 0 0 2.5 0" />
    </svg>
  );
}

/** The header bell: a link to the notifications page with the unread count. */
export function NotificationBell() {
  const trpc = useTRPC();
  const pathname = usePathname();
  // Kept current by the tab's live stream (components/live/live-updates.tsx), which writes every new count here.
  const unread = useQuery(
    trpc.notification.unreadCount.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
  const count = unread.data?.unreadCount ?? 0;
  const label = count > 0 ? `Notifications, ${count} unread` : "Notifications";
  return (
    <Link
      href="/notifications"
      aria-label={label}
      title={label}
      aria-current={pathname === "/notifications" ? "page" : undefined}
      data-testid="notification-bell"
      className={cn(
        "relative inline-flex size-9 items-center justify-center rounded-md text-zinc-600 transition-colors hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
        focusRing,
      )}
    >
      <BellIcon />
      {count > 0 ? (
        <span
          data-testid="notification-count"
          className="absolute -top-0.5 -right-0.5 min-w-[1.125rem] rounded-full bg-indigo-600 px-1 text-center text-[11px] leading-[1.125rem] font-semibold text-white tabular-nums"
        >
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}
