"use client";
import type { RemoteEdit } from "@/components/live/live-updates";
import { Button } from "@/components/ui/button";

/**
 * "Edited by X": shown in an editor as soon as someone else saves the item
 * being edited. It announces itself politely and takes no focus, so typing
 * goes on; the draft stays until the person decides.
 */
export function RemoteEditNotice({
  edit,
  onShowChanges,
  onReload,
  busy = false,
}: {
  edit: RemoteEdit;
  onShowChanges: () => void;
  onReload: () => void;
  busy?: boolean;
}) {
  return (
    <div
      role="status"
      data-testid="remote-edit"
      className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-sky-300 bg-sky-50 px-3.5 py-2.5 text-sm text-sky-900 dark:border-sky-500/40 dark:bg-sky-500/10 dark:text-sky-100"
    >
      <span className="min-w-0 flex-1">
        Edited by <span className="font-semibold">{edit.by}</span> while you were editing (now version {edit.version}).
        Your draft is kept.
      </span>
      <span className="flex gap-2">
        <Button size="sm" onClick={onShowChanges} loading={busy}>
          Show changes
        </Button>
        <Button size="sm" variant="ghost" onClick={onReload}>
          Reload
        </Button>
      </span>
    </div>
  );
}
