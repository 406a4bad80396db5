"use client";
import { useQuery } from "@tanstack/react-query";

import { LocalTime } from "@/components/local-time";
import { failureReason, isFailure, signInMethod } from "@/components/security-format";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Spinner } from "@/components/ui/spinner";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";
import { describeUserAgent } from "@/lib/user-agent";

type SignInEvent = RouterOutputs["securityLog"]["mine"][number];

/**
 * The caller's last sign-ins and failed attempts, from the security log.
 * Loaded in the browser: the page around it is also shown to an account
 * still being set up, which may not read the log yet.
 */
export function RecentSignInsSection() {
  const trpc = useTRPC();
  const events = useQuery(trpc.securityLog.mine.queryOptions(undefined, { staleTime: 0 }));

  return (
    <section aria-labelledby="recent-sign-ins-heading">
      <Card>
        <CardHeader
          id="recent-sign-ins-heading"
          title={
            <span className="flex items-center gap-2">
              Recent sign-ins
              {events.isFetching && !events.isPending ? (
                <Spinner className="size-3.5 text-zinc-400" label="Refreshing sign-ins" />
              ) : null}
            </span>
          }
          description="The last 20 sign-ins and failed attempts on your account. If one is not you, change your password and sign out of all sessions."
        />
        {events.isPending ? (
          <div className="flex justify-center py-10 text-zinc-400">
            <Spinner className="size-5" label="Loading recent sign-ins" />
          </div>
        ) : events.isError ? (
          <div className="px-5 py-4">
            <Alert
              action={
                <Button size="sm" onClick={() => void events.refetch()}>
                  Try again
                </Button>
              }
            >
              {errorMessage(events.error)}
            </Alert>
          </div>
        ) : events.data.length === 0 ? (
          <p className="px-5 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">No sign-ins recorded yet.</p>
        ) : (
          <ul aria-labelledby="recent-sign-ins-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {events.data.map((e) => (
              <SignInRow key={e.id} event={e} />
            ))}
          </ul>
        )}
      </Card>
    </section>
  );
}

function SignInRow({ event }: { event: SignInEvent }) {
  const { label } = describeUserAgent(event.userAgent);
  const failed = isFailure(event.kind);
  const reason = failed ? failureReason(event.detail) : undefined;
  const method = signInMethod(event.detail);
  return (
    <li className="px-5 py-3.5">
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium text-zinc-900 dark:text-zinc-100">
        {failed ? (
          <Badge tone="red">{reason ? `Failed: ${reason}` : "Failed"}</Badge>
        ) : (
          <Badge tone="green">Signed in</Badge>
        )}
        <span className="min-w-0 truncate" title={event.userAgent ?? undefined}>
          {label}
        </span>
      </p>
      <p className="mt-1 flex flex-wrap gap-x-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
        <span className="whitespace-nowrap">
          <LocalTime date={event.at} mode="datetime" />
        </span>
        {method ? (
          <>
            <span aria-hidden="true">·</span>
            <span className="whitespace-nowrap">{method === "Password" ? "With password" : `With ${method}`}</span>
          </>
        ) : null}
        {event.ip ? (
          <>
            <span aria-hidden="true">·</span>
            <span className="break-all tabular-nums">{event.ip}</span>
          </>
        ) : null}
      </p>
    </li>
  );
}
