"use client";
import { useEffect, useState } from "react";

import { useLiveStatus } from "@/components/live/live-updates";
import { cn } from "@/components/ui/cn";

/** A reconnect shorter than this (the stream's routine renewal) shows nothing. */
const SHOW_AFTER_MS = 1_500;

/**
 * Says when live updates are not flowing: "Reconnecting…" while the tab's
 * stream is being opened again, "Live updates paused" when it cannot be.
 * Nothing while they flow.
 */
export function LiveIndicator() {
  const status = useLiveStatus();
  const [shown, setShown] = useState<"reconnecting" | "paused" | null>(null);
  useEffect(() => {
    if (status === "paused") {
      setShown("paused");
      return;
    }
    if (status !== "reconnecting") {
      setShown(null);
      return;
    }
    const timer = setTimeout(() => setShown("reconnecting"), SHOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <span role="status" aria-live="polite" className="contents">
      {shown ? (
        <span
          data-testid="live-indicator"
          data-state={shown}
          title={
            shown === "paused"
              ? "Changes by others appear after a reload"
              : "Changes by others will appear once the connection is back"
          }
          className={cn(
            "inline-flex items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap",
            shown === "paused"
              ? "border-zinc-300 bg-zinc-100 text-zinc-600 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
              : "border-amber-300 bg-amber-50 text-amber-800 dark:border-amber-700/60 dark:bg-amber-950/50 dark:text-amber-200",
          )}
        >
          <span
            aria-hidden="true"
            className={cn(
              "size-1.5 rounded-full",
              shown === "paused" ? "bg-zinc-400" : "animate-pulse bg-amber-500 motion-reduce:animate-none",
            )}
          />
          <span className="hidden sm:inline">{shown === "paused" ? "Live updates paused" : "Reconnecting…"}</span>
          <span className="sr-only sm:hidden">{shown === "paused" ? "Live updates paused" : "Reconnecting"}</span>
        </span>
      ) : null}
    </span>
  );
}
