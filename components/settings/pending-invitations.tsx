"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ChevronRightIcon, MailIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { ProjectRoleBadge } from "@/components/role-badge";
import { errorCode, errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

export type Invitation = RouterOutputs["project"]["invitations"]["list"][number];

const STATUS: Record<Invitation["status"], { label: string; tone: BadgeTone }> = {
  open: { label: "Open", tone: "sky" },
  accepted: { label: "Accepted", tone: "green" },
  declined: { label: "Declined", tone: "neutral" },
  revoked: { label: "Revoked", tone: "neutral" },
  expired: { label: "Expired", tone: "amber" },
};

/** When a closed invitation was closed: answered, revoked, or run out. */
function closedAt(i: Invitation): Date {
  return i.acceptedAt ?? i.declinedAt ?? i.revokedAt ?? i.expiresAt;
}

/**
 * The project's invitations: the open ones with a way to revoke them, and
 * (folded away) the ones answered, revoked or expired.
 */
export function PendingInvitations({
  projectKey,
  initialInvitations,
}: {
  projectKey: string;
  initialInvitations: Invitation[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(
    trpc.project.invitations.list.queryOptions({ projectKey }, { initialData: initialInvitations }),
  );
  const all = invitations.data ?? [];
  const open = all.filter((i) => i.status === "open");
  const closed = all.filter((i) => i.status !== "open");

  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function refresh() {
    await queryClient.invalidateQueries({ queryKey: trpc.project.invitations.list.pathKey() });
  }

  const revoke = useMutation(
    trpc.project.invitations.revoke.mutationOptions({
      onSuccess: async () => {
        setNotice(revoking ? `The invitation to ${revoking.email} was revoked.` : null);
        setRevoking(null);
        await refresh();
      },
      onError: async (err) => {
        // Answered or expired while the dialog was open: the list shows what happened to it.
        if (errorCode(err) === "NOT_FOUND") await refresh();
      },
    }),
  );

  if (all.length === 0) return null;

  return (
    <Card className="mt-4">
      <CardHeader
        id="pending-invitations-heading"
        title={
          <span className="flex items-center gap-2">
            Pending invitations
            <span className="text-sm font-normal text-zinc-500 dark:text-zinc-400">{open.length}</span>
            {invitations.isFetching ? (
              <Spinner className="size-3.5 text-zinc-400" label="Refreshing invitations" />
            ) : null}
          </span>
        }
      />
      {notice ? (
        <p
          role="status"
          className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
        >
          {notice}
        </p>
      ) : null}
      {open.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-500 dark:text-zinc-400">
          No open invitations. Invite someone above and they appear here until they answer.
        </p>
      ) : (
        <ul aria-labelledby="pending-invitations-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {open.map((i) => (
            <li
              key={i.id}
              data-testid={`invitation-row-${i.email}`}
              className="flex items-center gap-3 px-4 py-3 sm:px-5"
            >
              <span className="hidden size-8 shrink-0 items-center justify-center rounded-full border border-dashed border-zinc-300 text-zinc-400 sm:flex dark:border-zinc-700 dark:text-zinc-500">
                <MailIcon className="size-3.5" />
              </span>
              <div className="min-w-0 flex-1">
                <p className="flex items-center gap-2">
                  <span className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{i.email}</span>
                  <ProjectRoleBadge role={i.role} />
                </p>
                <p className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
                  {i.invitedBy ? `Invited by ${i.invitedBy.name} · expires ` : "Expires "}
                  <LocalTime date={i.expiresAt} mode="relative" />
                </p>
              </div>
              <Button
                size="sm"
                variant="ghost"
                className="text-zinc-600 hover:text-red-600 dark:text-zinc-400 dark:hover:text-red-400"
                aria-label={`Revoke the invitation to ${i.email}`}
                onClick={() => {
                  revoke.reset();
                  setNotice(null);
                  setRevoking(i);
                }}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
      {closed.length > 0 ? (
        <details className="group border-t border-zinc-200 dark:border-zinc-800">
          <summary
            className={cn(
              "flex cursor-pointer list-none items-center gap-1.5 rounded-b-lg px-5 py-2.5 text-[13px] font-medium text-zinc-600 select-none hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100 [&::-webkit-details-marker]:hidden",
              focusRing,
              "focus-visible:ring-offset-0",
            )}
          >
            <ChevronRightIcon className="size-3.5 transition-transform group-open:rotate-90 motion-reduce:transition-none" />
            Answered and expired
            <span className="font-normal text-zinc-500 dark:text-zinc-400">{closed.length}</span>
          </summary>
          <ul className="divide-y divide-zinc-200 border-t border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {closed.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5 text-[13px] sm:px-5">
                <span className="min-w-0 flex-1 truncate text-zinc-700 dark:text-zinc-300">{i.email}</span>
                <span className="flex items-center gap-2 text-zinc-500 dark:text-zinc-400">
                  <Badge tone={STATUS[i.status].tone}>{STATUS[i.status].label}</Badge>
                  <LocalTime date={closedAt(i)} mode="relative" />
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <Dialog
        open={revoking !== null}
        onClose={() => !revoke.isPending && setRevoking(null)}
        title="Revoke this invitation?"
        description={
          revoking
            ? `The link sent to ${revoking.email} stops working and they will not join the project. You can invite them again later.`
            : undefined
        }
        footer={
          <>
            <Button onClick={() => setRevoking(null)} disabled={revoke.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={revoke.isPending}
              disabled={errorCode(revoke.error) === "NOT_FOUND"}
              onClick={() => revoking && revoke.mutate({ projectKey, id: revoking.id })}
            >
              Revoke invitation
            </Button>
          </>
        }
      >
        {revoke.error ? (
          <Alert>
            {errorCode(revoke.error) === "NOT_FOUND"
              ? "This invitation is not open any more: it was answered or has expired."
              : errorMessage(revoke.error)}
          </Alert>
        ) : null}
      </Dialog>
    </Card>
  );
}
