"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useRef, useState } from "react";

import { LocalTime } from "@/components/local-time";
import { errorCode, errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardFooter, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";
import { describeUserAgent } from "@/lib/user-agent";

type Session = RouterOutputs["user"]["sessions"]["list"][number];

/** Where the caller is signed in: each browser with its address and last activity, one sign-out per browser or for all. */
export function SessionsSection({ initialSessions }: { initialSessions: Session[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.user.sessions.list.queryOptions(undefined, { initialData: initialSessions }));
  // The current browser first, then the others as the server orders them (most recently active first).
  const items = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  const others = items.filter((s) => !s.current).length;

  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  async function refresh() {
    await queryClient.invalidateQueries({ queryKey: trpc.user.sessions.list.pathKey() });
  }

  // The row just signed out of disappears with its button; focus goes to the message saying so.
  function announce(message: string) {
    setNotice(message);
    requestAnimationFrame(() => noticeRef.current?.focus());
  }

  const revoke = useMutation(trpc.user.sessions.revoke.mutationOptions());

  function signOutOf(session: Session, label: string) {
    setNotice(null);
    setError(null);
    revoke.mutate(
      { id: session.id },
      {
        onSuccess: async () => {
          await refresh();
          announce(`Signed out of ${label}.`);
        },
        onError: async (err) => {
          if (errorCode(err) === "NOT_FOUND") {
            await refresh();
            announce(`${label} was already signed out.`);
          } else {
            setError(errorMessage(err));
          }
        },
      },
    );
  }

  const everywhere = useMutation(
    trpc.user.signOutEverywhere.mutationOptions({
      // The server has ended this session too; signing out here clears its cookie and leaves the app.
      onSuccess: () => void signOut({ callbackUrl: "/sign-in" }),
    }),
  );
  const leaving = everywhere.isPending || everywhere.isSuccess;

  return (
    <section aria-labelledby="sessions-heading">
      <Card>
        <CardHeader
          id="sessions-heading"
          title={
            <span className="flex items-center gap-2">
              Sessions
              {sessions.isFetching ? <Spinner className="size-3.5 text-zinc-400" label="Refreshing sessions" /> : null}
            </span>
          }
          description="Browsers signed in to your account. Sign out of any you do not recognise."
        />
        {error ? (
          <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
            <Alert>{error}</Alert>
          </div>
        ) : notice ? (
          <p
            ref={noticeRef}
            tabIndex={-1}
            role="status"
            className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 outline-none dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          >
            {notice}
          </p>
        ) : null}
        {sessions.isError ? (
          <div className="px-5 py-4">
            <Alert
              action={
                <Button size="sm" onClick={() => void sessions.refetch()}>
                  Try again
                </Button>
              }
            >
              {errorMessage(sessions.error)}
            </Alert>
          </div>
        ) : (
          <ul aria-labelledby="sessions-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((s) => (
              <SessionRow
                key={s.id}
                session={s}
                pending={revoke.isPending && revoke.variables?.id === s.id}
                onSignOut={(label) => signOutOf(s, label)}
              />
            ))}
          </ul>
        )}
        <CardFooter className="justify-between">
          <p className="min-w-0 flex-1 text-[13px] text-zinc-500 dark:text-zinc-400">
            {others === 0 ? "You are not signed in anywhere else." : "Signs out every browser, this one included."}
          </p>
          <Button
            size="sm"
            className="text-red-700 dark:text-red-400"
            onClick={() => {
              everywhere.reset();
              setConfirming(true);
            }}
          >
            Sign out of all sessions
          </Button>
        </CardFooter>
      </Card>
      <Dialog
        open={confirming}
        onClose={() => !leaving && setConfirming(false)}
        title="Sign out of all sessions?"
        description={`Every browser signed in to your account is signed out at once${
          others > 0 ? ` (${others + 1} in all)` : ""
        }, this one included. You will need to sign in again wherever you use Specline.`}
        footer={
          <>
            <Button onClick={() => setConfirming(false)} disabled={leaving}>
              Cancel
            </Button>
            <Button variant="danger" loading={leaving} onClick={() => everywhere.mutate()}>
              Sign out everywhere
            </Button>
          </>
        }
      >
        {everywhere.error ? <Alert>{errorMessage(everywhere.error)}</Alert> : null}
      </Dialog>
    </section>
  );
}

function SessionRow({
  session,
  pending,
  onSignOut,
}: {
  session: Session;
  pending: boolean;
  onSignOut: (label: string) => void;
}) {
  const { label } = describeUserAgent(session.userAgent);
  return (
    <li className="flex items-center gap-3 px-5 py-3.5">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium text-zinc-900 dark:text-zinc-100">
          <span className="min-w-0 truncate" title={session.userAgent ?? undefined}>
            {label}
          </span>
          {session.current ? <Badge tone="green">This device</Badge> : null}
        </p>
        <p className="mt-0.5 flex flex-wrap gap-x-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          {session.ip ? (
            <>
              <span className="break-all tabular-nums">{session.ip}</span>
              <span aria-hidden="true">·</span>
            </>
          ) : null}
          <span className="whitespace-nowrap">
            Last active <LocalTime date={session.lastSeenAt} mode="relative" />
          </span>
          <span aria-hidden="true" className="hidden sm:inline">
            ·
          </span>
          <span className="hidden whitespace-nowrap sm:inline">
            Signed in <LocalTime date={session.createdAt} />
          </span>
        </p>
      </div>
      {session.current ? null : (
        <Button
          size="sm"
          loading={pending}
          aria-label={`Sign out of ${label}${session.ip ? ` at ${session.ip}` : ""}`}
          onClick={() => onSignOut(label)}
        >
          Sign out
        </Button>
      )}
    </li>
  );
}
