"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { LocalTime } from "@/components/local-time";
import { DiffLegend, type DiffMode, DiffModeToggle, FieldChangeList } from "@/components/requirements/diff-view";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { PersonName } from "@/components/ui/person-name";
import { Spinner } from "@/components/ui/spinner";
import { projectFieldLabel } from "@/lib/project-diff";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

import { SettingsSection } from "./settings-section";

type HistoryPage = RouterOutputs["project"]["history"];
type HistoryEntry = HistoryPage["items"][number];

/** "Name, Description and 2 more" for a version's changed fields. */
function summary(entry: HistoryEntry, labelOf: (field: string) => string): string {
  if (entry.changedFields.length === 0) return entry.version === 1 ? "Project created" : "No visible changes";
  const labels = [...new Set(entry.changedFields.map(labelOf))];
  return labels.length <= 3 ? labels.join(", ") : `${labels.slice(0, 2).join(", ")} and ${labels.length - 2} more`;
}

/**
 * The project's settings versions, newest first; picking one shows what differs from the current
 * version, and project admins may restore it (as a new version; credentials stay as they are).
 */
export function SettingsHistorySection({
  projectKey,
  initialHistory,
  attributeLabels,
  canRestore,
}: {
  projectKey: string;
  initialHistory: HistoryPage;
  attributeLabels: Record<string, string>;
  canRestore: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [mode, setMode] = useState<DiffMode>("split");
  const history = useQuery(
    trpc.project.history.queryOptions({ projectKey, limit: 50 }, { initialData: initialHistory }),
  );
  const entries = history.data.items;
  const current = entries[0]?.version ?? 1;
  const picked = selected !== null && selected !== current ? entries.find((e) => e.version === selected) : undefined;
  const diff = useQuery({
    ...trpc.project.diff.queryOptions({ projectKey, from: picked?.version ?? 1, to: current }),
    enabled: picked !== undefined,
  });
  const restore = useMutation(
    trpc.project.restore.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        setSelected(null);
        await queryClient.invalidateQueries({ queryKey: trpc.project.pathKey() });
        router.refresh();
      },
    }),
  );
  const labelOf = (field: string) => projectFieldLabel(field, attributeLabels);

  return (
    <SettingsSection
      id="history"
      title="History"
      description="Every change to the name, description, attributes, workflow options and integrations is a version. Pick one to compare it with the current settings or bring it back. Webhook secrets and the Slack URL are never shown and a restore keeps the current ones."
    >
      <div className="space-y-4">
        <Card>
          <ol aria-label="Settings versions" className="divide-y divide-zinc-100 dark:divide-zinc-800/80">
            {entries.map((e) => {
              const isCurrent = e.version === current;
              const active = e.version === picked?.version;
              return (
                <li key={e.version}>
                  <button
                    type="button"
                    aria-pressed={active}
                    disabled={isCurrent}
                    onClick={() => {
                      restore.reset();
                      setSelected(active ? null : e.version);
                    }}
                    className={cn(
                      "flex w-full flex-col gap-0.5 px-4 py-3 text-left text-sm transition-colors sm:flex-row sm:items-baseline sm:gap-4",
                      focusRing,
                      "focus-visible:ring-offset-0",
                      active
                        ? "bg-indigo-50/70 dark:bg-indigo-500/10"
                        : "enabled:hover:bg-zinc-50 dark:enabled:hover:bg-zinc-800/40",
                    )}
                  >
                    <span className="w-32 shrink-0 font-medium whitespace-nowrap text-zinc-900 tabular-nums dark:text-zinc-100">
                      Version {e.version}
                      {isCurrent ? (
                        <span className="ml-1.5 text-xs font-normal text-zinc-500 dark:text-zinc-400">current</span>
                      ) : null}
                    </span>
                    <span className="min-w-0 flex-1 truncate text-zinc-700 dark:text-zinc-300">
                      {e.changeNote ? `${e.changeNote} · ` : ""}
                      {summary(e, labelOf)}
                    </span>
                    <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
                      <PersonName person={e.author} /> · <LocalTime date={e.createdAt} mode="relative" />
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        </Card>
        {history.data.nextCursor ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">Showing the latest {entries.length} versions.</p>
        ) : null}

        {picked ? (
          <Card>
            <div className="flex flex-col gap-3 border-b border-zinc-100 px-5 py-4 sm:flex-row sm:items-center sm:justify-between dark:border-zinc-800/80">
              <div>
                <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
                  Version {picked.version} compared with the current version {current}
                </h3>
                <DiffLegend className="mt-1" />
              </div>
              <div className="flex flex-wrap items-center gap-2">
                <DiffModeToggle mode={mode} onChange={setMode} />
                {canRestore ? (
                  <Button variant="primary" onClick={() => setConfirming(true)}>
                    Restore this version
                  </Button>
                ) : null}
              </div>
            </div>
            <div className="px-5 py-4">
              {diff.isPending ? (
                <Spinner />
              ) : diff.error ? (
                <Alert>{errorMessage(diff.error)}</Alert>
              ) : (
                <FieldChangeList
                  changes={diff.data.changes}
                  mode={mode}
                  labelOf={labelOf}
                  beforeLabel={`Version ${picked.version}`}
                  afterLabel={`Current (version ${current})`}
                />
              )}
            </div>
          </Card>
        ) : null}
      </div>
      <Dialog
        open={confirming && picked !== undefined}
        onClose={() => !restore.isPending && setConfirming(false)}
        title={`Restore version ${picked?.version ?? ""}?`}
        description={`The settings of version ${picked?.version ?? ""} become a new version ${current + 1}. Nothing is lost: the current settings stay in the history. The Slack URL and webhook secrets stay as they are now.`}
        footer={
          <>
            <Button onClick={() => setConfirming(false)} disabled={restore.isPending}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={restore.isPending}
              onClick={() =>
                picked && restore.mutate({ projectKey, version: picked.version, expectedVersion: current })
              }
            >
              Restore version {picked?.version}
            </Button>
          </>
        }
      >
        {restore.error ? <Alert>{errorMessage(restore.error)}</Alert> : null}
      </Dialog>
    </SettingsSection>
  );
}
