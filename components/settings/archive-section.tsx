"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { ArchiveIcon } from "@/components/icons";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/lib/trpc/react";

import { SettingsSection } from "./settings-section";

export function ArchiveSection({
  projectKey,
  projectName,
  archived,
}: {
  projectKey: string;
  projectName: string;
  archived: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const archive = useMutation(
    trpc.project.archive.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        router.refresh();
      },
    }),
  );

  return (
    <SettingsSection
      id="archive"
      title={archived ? "Restore project" : "Archive project"}
      description={
        archived
          ? "Restoring makes the project editable again and lists it with your active projects."
          : "Archiving makes the project read-only and hides it from project lists. Nothing is deleted."
      }
    >
      <Card className={archived ? undefined : "border-red-200 dark:border-red-500/25"}>
        <div className="flex flex-col gap-4 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div className="text-sm">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">
              {archived ? "This project is archived" : "Archive this project"}
            </p>
            <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">
              {archived ? "Members can still read it, but nobody can change it." : "You can restore it at any time."}
            </p>
          </div>
          {archived ? (
            <Button
              loading={archive.isPending}
              onClick={() => archive.mutate({ projectKey, archived: false })}
              className="self-start sm:self-auto"
            >
              Restore project
            </Button>
          ) : (
            <Button
              variant="secondary"
              className="self-start text-red-700 sm:self-auto dark:text-red-400"
              onClick={() => {
                archive.reset();
                setConfirming(true);
              }}
            >
              <ArchiveIcon />
              Archive project
            </Button>
          )}
        </div>
        {archived && archive.error ? (
          <div className="px-5 pb-4">
            <Alert>{errorMessage(archive.error)}</Alert>
          </div>
        ) : null}
      </Card>
      <Dialog
        open={confirming}
        onClose={() => !archive.isPending && setConfirming(false)}
        title={`Archive ${projectName}?`}
        description="The project becomes read-only and disappears from project lists. Members keep read access and you can restore it later."
        footer={
          <>
            <Button onClick={() => setConfirming(false)} disabled={archive.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={archive.isPending}
              onClick={() => archive.mutate({ projectKey, archived: true })}
            >
              Archive project
            </Button>
          </>
        }
      >
        {archive.error ? <Alert>{errorMessage(archive.error)}</Alert> : null}
      </Dialog>
    </SettingsSection>
  );
}
