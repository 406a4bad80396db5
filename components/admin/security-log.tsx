"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";

import { Avatar } from "@/components/avatar";
import { ShieldIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import {
  describeSecurityDetail,
  isFailure,
  isInvitation,
  SECURITY_EVENT_OPTIONS,
  securityEventLabel,
} from "@/components/security-format";
import { errorCode, errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from "@/lib/schemas/security";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";
import { describeUserAgent } from "@/lib/user-agent";

const PAGE_SIZE = 25;

type SecurityEvent = RouterOutputs["securityLog"]["list"]["items"][number];
type Person = { id: string; name: string; email: string };

const isKind = (value: string): value is SecurityEventKind =>
  (SECURITY_EVENT_KINDS as readonly string[]).includes(value);

/** Who did it, when that is someone other than the person the entry is about. */
function byWhom(e: SecurityEvent, people: Map<string, Person>, currentUserId: string): string | null {
  if (!e.actorId || e.actorId === e.userId) return null;
  if (e.actorId === currentUserId) return "You";
  const known = people.get(e.actorId);
  if (known) return known.name || known.email;
  return e.kind === "user_deactivated" || e.kind === "user_reactivated" ? "An admin" : "Another user";
}

function None({ label }: { label: string }) {
  return (
    <>
      <span className="text-zinc-400 dark:text-zinc-600" aria-hidden="true">
        —
      </span>
      <span className="sr-only">{label}</span>
    </>
  );
}

/** The whole instance's security log for instance admins: newest first, by event and by person, page by page. */
export function SecurityLog({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const [kind, setKind] = useState<SecurityEventKind | "">("");
  const [person, setPerson] = useState<Person | null>(null);

  const events = useInfiniteQuery({
    ...trpc.securityLog.list.infiniteQueryOptions(
      {
        limit: PAGE_SIZE,
        ...(kind ? { kind } : {}),
        ...(person ? { userId: person.id } : {}),
      },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: (prev) => prev },
    ),
    // Sign-ins happen all the time; never trust a cached page.
    staleTime: 0,
    retry: (failures, err) => failures < 1 && !["BAD_REQUEST", "FORBIDDEN"].includes(errorCode(err) ?? ""),
  });
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(kind || person);
  // Names for the "By" column, from the people the loaded entries are about.
  const people = new Map<string, Person>();
  for (const e of items) if (e.user) people.set(e.user.id, e.user);

  return (
    <Card>
      <div className="flex flex-col gap-4 border-b border-zinc-200 px-5 py-4 lg:flex-row lg:items-end lg:justify-between dark:border-zinc-800">
        <div>
          <h2 className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">Security log</h2>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Sign-ins, failed attempts and changes to how people get in, newest first.
          </p>
        </div>
        <search aria-label="Filter security events">
          <form
            onSubmit={(e) => e.preventDefault()}
            className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,15rem)_auto] sm:items-end"
          >
            <div className="space-y-1.5">
              <Label htmlFor="security-kind" className="text-[13px]">
                Event
              </Label>
              <Select
                id="security-kind"
                compact
                value={kind}
                onChange={(e) => setKind(isKind(e.target.value) ? e.target.value : "")}
              >
                <option value="">All events</option>
                {SECURITY_EVENT_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </div>
            <Button
              size="sm"
              variant="ghost"
              disabled={!filtered}
              onClick={() => {
                setKind("");
                setPerson(null);
              }}
            >
              Clear filters
            </Button>
          </form>
        </search>
      </div>
      {person ? (
        <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-5 py-2.5 text-[13px] text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <span>
            Only events of{" "}
            <span className="font-medium text-zinc-900 dark:text-zinc-100">{person.name || person.email}</span>
          </span>
          <Button size="sm" variant="ghost" className="h-6 px-1.5 text-xs" onClick={() => setPerson(null)}>
            Show everyone
          </Button>
        </div>
      ) : null}

      {events.isPending ? (
        <div className="flex justify-center py-16 text-zinc-400">
          <Spinner className="size-5" label="Loading security events" />
        </div>
      ) : events.isError ? (
        <div className="p-5">
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
      ) : items.length === 0 ? (
        <EmptyState
          icon={<ShieldIcon className="size-5" />}
          title={filtered ? "No events match these filters" : "No events yet"}
          description={
            filtered ? "Try another event or person." : "Sign-ins and account changes appear here as they happen."
          }
        />
      ) : (
        <Table
          aria-label="Security events"
          aria-busy={events.isFetching || undefined}
          className={cn("transition-opacity", events.isPlaceholderData && "opacity-60")}
        >
          <THead>
            <tr>
              <Th className="hidden md:table-cell">Time</Th>
              <Th>Event</Th>
              <Th className="hidden sm:table-cell">Person</Th>
              <Th className="hidden lg:table-cell">By</Th>
              <Th className="hidden md:table-cell">Address</Th>
              <Th className="hidden lg:table-cell">Browser</Th>
            </tr>
          </THead>
          <TBody>
            {items.map((e) => (
              <SecurityRow key={e.id} event={e} by={byWhom(e, people, currentUserId)} onPerson={(p) => setPerson(p)} />
            ))}
          </TBody>
        </Table>
      )}
      {items.length > 0 ? (
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <p role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
            {items.length} {items.length === 1 ? "event" : "events"}
            {filtered ? " matching these filters" : ""}
            {events.hasNextPage ? " so far" : ", that's everything"}.
          </p>
          {events.hasNextPage ? (
            <Button size="sm" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              Load more
            </Button>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

/** An address kept only as its hash: typed at a sign-in or reset that matched no account, or invited. */
const hashedAddressLabel = (kind: string) => (isInvitation(kind) ? "Invited address" : "Unknown address");

function PersonCell({ event, onPerson }: { event: SecurityEvent; onPerson: (p: Person) => void }) {
  const { user } = event;
  if (user) {
    return (
      <div className="flex items-center gap-2">
        <Avatar size="sm" name={user.name || user.email} email={user.email} seed={user.id} />
        <div className="min-w-0">
          <button
            type="button"
            title="Show only this person's events"
            onClick={() => onPerson(user)}
            className={cn(
              "block max-w-44 truncate rounded-sm text-left text-[13px] font-medium text-zinc-900 hover:underline dark:text-zinc-100",
              focusRing,
            )}
          >
            {user.name || user.email}
          </button>
          <p className="max-w-44 truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>
        </div>
      </div>
    );
  }
  if (event.emailHash) {
    const short = event.emailHash.slice(0, 8);
    return (
      <div title={`SHA-256 of the address typed: ${short}…`}>
        <p className="text-[13px] text-zinc-700 italic dark:text-zinc-300">{hashedAddressLabel(event.kind)}</p>
        <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
          <span className="sr-only">Address hash </span>
          {short}
        </p>
      </div>
    );
  }
  return <None label={event.userId ? "A deleted account" : "No one"} />;
}

function SecurityRow({
  event: e,
  by,
  onPerson,
}: {
  event: SecurityEvent;
  by: string | null;
  onPerson: (p: Person) => void;
}) {
  const failed = isFailure(e.kind);
  const detail = describeSecurityDetail(e.kind, e.detail);
  const browser = e.userAgent ? describeUserAgent(e.userAgent).label : null;
  const who = e.user ? e.user.name || e.user.email : e.emailHash ? hashedAddressLabel(e.kind) : null;
  return (
    <Tr>
      <Td className="hidden text-[13px] whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
        <LocalTime date={e.at} mode="datetime" />
      </Td>
      <Td className="w-full max-w-0 sm:w-auto sm:max-w-none">
        <p
          className={cn(
            "text-[13px] font-medium",
            failed ? "text-red-700 dark:text-red-400" : "text-zinc-900 dark:text-zinc-100",
          )}
        >
          {securityEventLabel(e.kind)}
        </p>
        {detail ? <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{detail}</p> : null}
        {/* What the hidden columns hold, on narrow screens. */}
        {who || by ? (
          <p className="mt-0.5 text-xs text-zinc-500 sm:hidden dark:text-zinc-400">
            {[who, by ? `by ${by}` : null].filter(Boolean).join(" · ")}
          </p>
        ) : null}
        <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-zinc-500 lg:hidden dark:text-zinc-400">
          <span className="md:hidden">
            <LocalTime date={e.at} mode="datetime" />
          </span>
          {e.ip ? <span className="break-all tabular-nums md:hidden">{e.ip}</span> : null}
          {browser ? <span>{browser}</span> : null}
          {by ? <span className="hidden sm:inline">by {by}</span> : null}
        </p>
      </Td>
      <Td className="hidden sm:table-cell">
        <PersonCell event={e} onPerson={onPerson} />
      </Td>
      <Td className="hidden text-[13px] text-zinc-700 lg:table-cell dark:text-zinc-300">
        {by ? (
          <span title={e.actorId ?? undefined} className="block max-w-36 truncate">
            {by}
          </span>
        ) : (
          <None label="The person themselves" />
        )}
      </Td>
      <Td className="hidden font-mono text-xs text-zinc-600 md:table-cell dark:text-zinc-400">
        {e.ip ? <span className="break-all">{e.ip}</span> : <None label="No address" />}
      </Td>
      <Td className="hidden text-[13px] text-zinc-700 lg:table-cell dark:text-zinc-300">
        {browser ? (
          <span title={e.userAgent ?? undefined} className="block max-w-44 truncate">
            {browser}
          </span>
        ) : (
          <None label="No browser recorded" />
        )}
      </Td>
    </Tr>
  );
}
