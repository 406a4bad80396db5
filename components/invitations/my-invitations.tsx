"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { MailIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { ProjectKey } from "@/components/project-key";
import { ProjectRoleBadge, projectRoleInSentence } from "@/components/role-badge";
import { errorCode, errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type Invitation = RouterOutputs["invitation"]["listMine"][number];

/**
 * The open invitations to the signed-in person's address, above their
 * projects. Accepting goes into the project; declining takes the invitation
 * off the list.
 */
export function MyInvitations({ initialInvitations }: { initialInvitations: Invitation[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const invitations = useQuery(trpc.invitation.listMine.queryOptions(undefined, { initialData: initialInvitations }));
  const items = invitations.data ?? [];
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function refresh() {
    await queryClient.invalidateQueries({ queryKey: trpc.invitation.listMine.pathKey() });
  }

  async function onError(err: unknown) {
    if (errorCode(err) === "NOT_FOUND") {
      setError("That invitation is not open any more: it was withdrawn or has expired.");
      await refresh();
    } else setError(errorMessage(err));
  }

  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({
      onSuccess: ({ projectKey }) => {
        // Marked stale only: refetched when the list is shown again, so the row stays put while the project opens.
        void queryClient.invalidateQueries({ queryKey: trpc.invitation.listMine.pathKey(), refetchType: "none" });
        router.push(`/projects/${projectKey}`);
      },
      onError,
    }),
  );
  const decline = useMutation(
    trpc.invitation.decline.mutationOptions({
      onSuccess: async (_data, vars) => {
        const declined = items.find((i) => "id" in vars && i.id === vars.id);
        setNotice(declined ? `You declined the invitation to ${declined.project.name}.` : "Invitation declined.");
        await refresh();
      },
      onError,
    }),
  );

  // Accepting stays busy until the project opens.
  const accepting = accept.isPending || accept.isSuccess;
  const acceptingId = accepting && accept.variables && "id" in accept.variables ? accept.variables.id : null;
  const decliningId = decline.isPending && decline.variables && "id" in decline.variables ? decline.variables.id : null;
  const busy = accepting || decline.isPending;

  if (items.length === 0 && !notice && !error) return null;

  return (
    <section aria-labelledby="my-invitations-heading" className="mt-6">
      <div className="overflow-hidden rounded-lg border border-indigo-200 bg-white shadow-xs dark:border-indigo-500/30 dark:bg-zinc-900/60">
        <h2
          id="my-invitations-heading"
          className="flex items-center gap-2 border-b border-indigo-100 bg-indigo-50/60 px-4 py-2.5 text-[13px] font-semibold text-indigo-900 sm:px-5 dark:border-indigo-500/20 dark:bg-indigo-500/10 dark:text-indigo-200"
        >
          <MailIcon className="size-3.5" />
          {items.length === 1 ? "Invitation" : "Invitations"}
          {items.length > 1 ? <span className="font-normal opacity-80">{items.length}</span> : null}
        </h2>
        {notice ? (
          <p
            role="status"
            className="border-b border-zinc-200 bg-emerald-50/60 px-4 py-2 text-[13px] text-emerald-800 sm:px-5 dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          >
            {notice}
          </p>
        ) : null}
        {error ? (
          <div className="border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
            <Alert>{error}</Alert>
          </div>
        ) : null}
        {items.length === 0 ? null : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((i) => (
              <li
                key={i.id}
                data-testid={`my-invitation-${i.project.key}`}
                className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center sm:px-5"
              >
                <div className="min-w-0 flex-1">
                  <p className="flex min-w-0 items-center gap-2">
                    <ProjectKey value={i.project.key} />
                    <span className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-50">
                      {i.project.name}
                    </span>
                    <ProjectRoleBadge role={i.role} />
                  </p>
                  <p className="mt-1 text-[13px] text-zinc-600 dark:text-zinc-400">
                    {i.invitedBy?.name ?? "Someone"} invited you as {projectRoleInSentence(i.role)} ·{" "}
                    <span className="text-zinc-500 dark:text-zinc-500">
                      expires <LocalTime date={i.expiresAt} mode="relative" />
                    </span>
                  </p>
                </div>
                <div className="flex shrink-0 gap-2">
                  <Button
                    size="sm"
                    variant="ghost"
                    className="flex-1 sm:flex-none"
                    aria-label={`Decline the invitation to ${i.project.name}`}
                    loading={decliningId === i.id}
                    disabled={busy}
                    onClick={() => {
                      setNotice(null);
                      setError(null);
                      decline.mutate({ id: i.id });
                    }}
                  >
                    Decline
                  </Button>
                  <Button
                    size="sm"
                    variant="primary"
                    className="flex-1 sm:flex-none"
                    aria-label={`Accept the invitation to ${i.project.name}`}
                    loading={acceptingId === i.id}
                    disabled={busy}
                    onClick={() => {
                      setNotice(null);
                      setError(null);
                      accept.mutate({ id: i.id });
                    }}
                  >
                    Accept
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
