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
  /** The whole settings object: a save sends it back with only `approvalNeedsReview` changed. */
  settings: unknown;
  approvalNeedsReview: boolean;
}

function settingsObject(settings: unknown): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings)
    ? (settings as Record<string, unknown>)
    : {};
}

/**
 * Whether approving a requirement needs every requested reviewer's approval of its current version. Saves
 * at once against the project version the page was loaded with, like the other workflow switches.
 */
export function ApprovalReviewSection({ project, archived }: { project: Saved & { key: string }; archived: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [base, setBase] = useState<Saved>(project);
  const [seenVersion, setSeenVersion] = useState(project.version);
  if (project.version !== seenVersion) {
    setSeenVersion(project.version);
    if (project.version > base.version) setBase(project);
  }
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [savedNow, setSavedNow] = useState(false);

  const update = useMutation(
    trpc.project.update.mutationOptions({
      onSuccess(p, vars) {
        setBase({
          version: p.version,
          settings: p.settings,
          approvalNeedsReview: vars.settings?.approvalNeedsReview === true,
        });
        setSavedNow(true);
        router.refresh();
      },
      onError(err) {
        if (staleVersionOf(err)) setStale(true);
        else setError(errorMessage(err));
      },
    }),
  );

  const pendingValue = update.isPending ? update.variables?.settings?.approvalNeedsReview : undefined;
  const checked = typeof pendingValue === "boolean" ? pendingValue : base.approvalNeedsReview;

  function save(approvalNeedsReview: boolean) {
    if (update.isPending) return;
    setError(null);
    setStale(false);
    setSavedNow(false);
    update.mutate({
      projectKey: project.key,
      expectedVersion: base.version,
      settings: { ...settingsObject(base.settings), approvalNeedsReview },
    });
  }

  return (
    <SettingsSection id="approval" title="Approval" description="What a requirement needs before it can be approved.">
      <Card>
        <div className="flex items-start justify-between gap-4 px-5 py-4">
          <div className="min-w-0 text-sm">
            <label htmlFor="approval-needs-review" className="font-medium text-zinc-900 dark:text-zinc-100">
              Approval needs review
            </label>
            <p id="approval-needs-review-description" className="mt-0.5 text-zinc-600 dark:text-zinc-400">
              A requirement can be approved only when every reviewer of its review request approved its current version.
              An edit makes earlier approvals outdated; a restore or import that would approve without them leaves the
              requirement in review.
            </p>
          </div>
          <div className="flex shrink-0 items-center gap-2 pt-0.5">
            {update.isPending ? <Spinner className="size-3.5 text-zinc-400" label="Saving" /> : null}
            <Switch
              id="approval-needs-review"
              checked={checked}
              disabled={archived}
              aria-busy={update.isPending || undefined}
              aria-describedby="approval-needs-review-description"
              onCheckedChange={save}
            />
          </div>
        </div>
        {stale ? (
          <div className="border-t border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <Alert
              tone="warning"
              title="Someone else changed this project"
              action={
                <Button
                  size="sm"
                  onClick={() => {
                    setStale(false);
                    router.refresh();
                  }}
                >
                  Reload latest version
                </Button>
              }
            >
              Nothing was changed; reload, then set this again.
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
            ? base.approvalNeedsReview
              ? "Saved. Approving a requirement now needs every requested reviewer's approval."
              : "Saved. Requirements can be approved without a review now."
            : null}
        </p>
      </Card>
    </SettingsSection>
  );
}
