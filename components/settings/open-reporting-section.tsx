"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { errorMessage, staleVersionOf } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Spinner } from "@/components/ui/spinner";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/react";

import { SettingsSection } from "./settings-section";

interface Saved {
  version: number;
  /** The whole settings object: a save sends it back with only `openReporting` changed. */
  settings: unknown;
  openReporting: boolean;
}

interface Conflict {
  currentVersion: number;
  updatedBy: { name: string } | null;
}

/** Settings keep keys this form does not know; anything that is not an object starts empty. */
function settingsObject(settings: unknown): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings)
    ? (settings as Record<string, unknown>)
    : {};
}

/**
 * Whether anyone signed in may report issues in the project. The switch saves
 * at once, against the project version the page was loaded with, like every
 * other change to the project.
 */
export function OpenReportingSection({ project, archived }: { project: Saved & { key: string }; archived: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  // `base` is the version a save applies to; it moves on a save, or when a newer version arrives from the server.
  const [base, setBase] = useState<Saved>(project);
  const [seenVersion, setSeenVersion] = useState(project.version);
  if (project.version !== seenVersion) {
    setSeenVersion(project.version);
    if (project.version > base.version) setBase(project);
  }
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [savedNow, setSavedNow] = useState(false);

  const update = useMutation(
    trpc.project.update.mutationOptions({
      onSuccess(p, vars) {
        setBase({ version: p.version, settings: p.settings, openReporting: vars.settings?.openReporting === true });
        setSavedNow(true);
        router.refresh();
      },
      onError(err) {
        const stale = staleVersionOf(err);
        if (stale) {
          setConflict({ currentVersion: stale.currentVersion, updatedBy: stale.updatedBy });
          return;
        }
        setError(errorMessage(err));
      },
    }),
  );

  const pendingValue = update.isPending ? update.variables?.settings?.openReporting : undefined;
  const checked = typeof pendingValue === "boolean" ? pendingValue : base.openReporting;

  function save(openReporting: boolean) {
    if (update.isPending) return;
    setError(null);
    setConflict(null);
    setSavedNow(false);
    update.mutate({
      projectKey: project.key,
      expectedVersion: base.version,
      settings: { ...settingsObject(base.settings), openReporting },
    });
  }

  return (
    <SettingsSection
      id="reporting"
      title="Reporting"
      description="Who can report issues in this project besides its members."
    >
      <Card>
        <div className="flex items-start justify-between gap-4 px-5 py-4">
          <div className="min-w-0 text-sm">
            <label htmlFor="open-reporting" className="font-medium text-zinc-900 dark:text-zinc-100">
              Open reporting
            </label>
            <p id="open-reporting-description" className="mt-0.5 text-zinc-600 dark:text-zinc-400">
              Anyone with a Specline account can report issues here, as a reporter. They see only the issues they
              report. Like any reporter, they can also read its requirements, baselines and member list.
            </p>
          </div>
          <div className="flex shrink-0 items-center gap-2 pt-0.5">
            {update.isPending ? <Spinner className="size-3.5 text-zinc-400" label="Saving" /> : null}
            <Switch
              id="open-reporting"
              checked={checked}
              // Not disabled while saving: a disabled button would drop keyboard focus.
              disabled={archived}
              aria-busy={update.isPending || undefined}
              aria-describedby="open-reporting-description"
              onCheckedChange={save}
            />
          </div>
        </div>
        {conflict ? (
          <div className="border-t border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <Alert
              tone="warning"
              title="Someone else changed this project"
              action={
                <Button
                  size="sm"
                  onClick={() => {
                    setConflict(null);
                    router.refresh();
                  }}
                >
                  Reload latest version
                </Button>
              }
            >
              You had version {base.version}, but{" "}
              {conflict.updatedBy ? `${conflict.updatedBy.name} saved` : "it is now at"} version{" "}
              {conflict.currentVersion}. Nothing was changed; reload, then set this again.
            </Alert>
          </div>
        ) : error ? (
          <div className="border-t border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <Alert>{error}</Alert>
          </div>
        ) : null}
        <p
          role="status"
          className={
            savedNow
              ? "rounded-b-lg border-t border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
              : "sr-only"
          }
        >
          {savedNow
            ? base.openReporting
              ? "Saved. Anyone signed in can now report issues in this project."
              : "Saved. Only members can report issues in this project now."
            : null}
        </p>
        {archived ? (
          <p className="rounded-b-lg border-t border-zinc-200 px-5 py-2 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            This project is archived; restore it to change who can report issues.
          </p>
        ) : null}
      </Card>
    </SettingsSection>
  );
}
