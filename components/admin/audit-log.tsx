"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";

import { AUDIT_ACTIONS, actorName, describeEvent } from "@/components/audit-format";
import { Avatar } from "@/components/avatar";
import { ChevronRightIcon, ListIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { ProjectKey } from "@/components/project-key";
import { errorCode, errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { useDebounced } from "@/components/use-debounced";
import { useTRPC } from "@/lib/trpc/react";

const PAGE_SIZE = 25;
const KEY_PATTERN = /^[A-Z]{2,10}$/;

export function AuditLog() {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [projectKeyInput, setProjectKeyInput] = useState("");
  const projectKey = useDebounced(projectKeyInput.trim(), 350);
  const keyValid = projectKey === "" || KEY_PATTERN.test(projectKey);
  const [expanded, setExpanded] = useState<string | null>(null);

  const events = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(
      {
        limit: PAGE_SIZE,
        ...(action ? { action } : {}),
        ...(projectKey && keyValid ? { projectKey } : {}),
      },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: (prev) => prev },
    ),
    enabled: keyValid,
    // The log changes with every action elsewhere in the app; never trust a cached page.
    staleTime: 0,
    // A missing project or a bad filter will not fix itself; show it at once.
    retry: (failures, err) => failures < 1 && !["NOT_FOUND", "BAD_REQUEST", "FORBIDDEN"].includes(errorCode(err) ?? ""),
  });
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(action || projectKey);
  const notFound = events.isError && errorCode(events.error) === "NOT_FOUND";

  return (
    <Card>
      <div className="flex flex-col gap-4 border-b border-zinc-200 px-5 py-4 lg:flex-row lg:items-end lg:justify-between dark:border-zinc-800">
        <div>
          <h2 className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">Audit log</h2>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Every change on this instance, newest first.
          </p>
        </div>
        <search aria-label="Filter audit events">
          <form
            onSubmit={(e) => e.preventDefault()}
            className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,14rem)_minmax(0,9rem)_auto] sm:items-end"
          >
            <div className="space-y-1.5">
              <Label htmlFor="audit-action" className="text-[13px]">
                Action
              </Label>
              <Select id="audit-action" compact value={action} onChange={(e) => setAction(e.target.value)}>
                <option value="">All actions</option>
                {AUDIT_ACTIONS.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="audit-project" className="text-[13px]">
                Project key
              </Label>
              <Input
                id="audit-project"
                value={projectKeyInput}
                placeholder="Any"
                maxLength={10}
                spellCheck={false}
                autoComplete="off"
                invalid={!keyValid}
                aria-describedby={!keyValid ? "audit-project-error" : undefined}
                compact
                className="font-mono uppercase placeholder:font-sans placeholder:normal-case"
                onChange={(e) => setProjectKeyInput(e.target.value.toUpperCase().replace(/\s/g, ""))}
              />
            </div>
            <Button
              size="sm"
              variant="ghost"
              disabled={!filtered && !projectKeyInput}
              onClick={() => {
                setAction("");
                setProjectKeyInput("");
              }}
            >
              Clear filters
            </Button>
            {!keyValid ? (
              <p id="audit-project-error" className="text-[13px] text-red-600 sm:col-span-3 dark:text-red-400">
                Project keys are 2–10 letters, A–Z.
              </p>
            ) : null}
          </form>
        </search>
      </div>

      {!keyValid ? (
        <EmptyState
          icon={<ListIcon className="size-5" />}
          title="Enter a valid project key"
          description="Keys are the 2–10 letter prefixes shown on each project, such as DEMO."
        />
      ) : events.isPending ? (
        <div className="flex justify-center py-16 text-zinc-400">
          <Spinner className="size-5" label="Loading audit events" />
        </div>
      ) : notFound ? (
        <EmptyState
          icon={<ListIcon className="size-5" />}
          title={`No project with key ${projectKey}`}
          description="Check the key and try again."
        />
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
          icon={<ListIcon className="size-5" />}
          title={filtered ? "No events match these filters" : "No events yet"}
          description={filtered ? "Try another action or project." : "Changes appear here as people use Specline."}
        />
      ) : (
        <Table
          aria-label="Audit events"
          aria-busy={events.isFetching || undefined}
          className={cn("transition-opacity", events.isPlaceholderData && "opacity-60")}
        >
          <THead>
            <tr>
              <Th className="hidden md:table-cell">Time</Th>
              <Th className="hidden sm:table-cell">Actor</Th>
              <Th>Action</Th>
              <Th className="hidden lg:table-cell">Entity</Th>
              <Th>Project</Th>
              <Th className="w-10">
                <span className="sr-only">Details</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {items.map((e) => {
              const open = expanded === e.id;
              return (
                <Fragment key={e.id}>
                  <Tr className={cn(open && "bg-zinc-50/80 dark:bg-zinc-800/30")}>
                    <Td className="hidden text-[13px] whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
                      <LocalTime date={e.createdAt} mode="datetime" />
                    </Td>
                    <Td className="hidden sm:table-cell">
                      <div className="flex items-center gap-2">
                        <Avatar size="sm" name={actorName(e)} seed={e.actor?.id ?? "system"} />
                        <div className="min-w-0">
                          <p className="max-w-44 truncate text-[13px] font-medium text-zinc-900 dark:text-zinc-100">
                            {actorName(e)}
                          </p>
                          {e.actor ? (
                            <p className="max-w-44 truncate text-xs text-zinc-500 dark:text-zinc-400">
                              {e.actor.email}
                            </p>
                          ) : null}
                        </div>
                      </div>
                    </Td>
                    <Td className="w-full max-w-0 sm:w-auto sm:max-w-none">
                      <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all text-zinc-800 sm:whitespace-nowrap dark:bg-zinc-800 dark:text-zinc-200">
                        {e.action}
                      </code>
                      <p className="mt-1 text-xs text-zinc-600 sm:max-w-80 dark:text-zinc-400">
                        <span className="font-medium text-zinc-800 sm:hidden dark:text-zinc-200">{actorName(e)} </span>
                        {describeEvent(e)}
                      </p>
                      <p className="mt-0.5 text-xs text-zinc-500 md:hidden dark:text-zinc-400">
                        <LocalTime date={e.createdAt} mode="datetime" />
                      </p>
                    </Td>
                    <Td className="hidden lg:table-cell">
                      <span className="text-[13px] text-zinc-700 dark:text-zinc-300">{e.entityType}</span>
                      <span
                        className="block max-w-36 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400"
                        title={e.entityId}
                      >
                        {e.entityId}
                      </span>
                    </Td>
                    <Td>
                      {e.project ? (
                        <Link href={`/projects/${e.project.key}`} className={cn("rounded", focusRing)}>
                          <ProjectKey value={e.project.key} />
                        </Link>
                      ) : (
                        <>
                          <span className="text-zinc-400 dark:text-zinc-600" aria-hidden="true">
                            —
                          </span>
                          <span className="sr-only">No project</span>
                        </>
                      )}
                    </Td>
                    <Td className="text-right">
                      <button
                        type="button"
                        aria-expanded={open}
                        aria-controls={`audit-details-${e.id}`}
                        aria-label={open ? "Hide details" : "Show details"}
                        onClick={() => setExpanded(open ? null : e.id)}
                        className={cn(
                          "rounded-md p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
                          focusRing,
                        )}
                      >
                        <ChevronRightIcon className={cn("size-4 transition-transform", open && "rotate-90")} />
                      </button>
                    </Td>
                  </Tr>
                  {open ? (
                    <tr id={`audit-details-${e.id}`} className="bg-zinc-50/80 dark:bg-zinc-800/30">
                      <td colSpan={6} className="px-4 pt-1 pb-4 sm:px-5">
                        {/* Zero width, full min-width: long JSON must not widen the table. */}
                        <div className="w-0 min-w-full">
                          <EventDetails
                            before={e.before}
                            after={e.after}
                            requestId={e.requestId}
                            entity={`${e.entityType} ${e.entityId}`}
                          />
                        </div>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </TBody>
        </Table>
      )}
      {events.hasNextPage ? (
        <div className="flex justify-center border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <Button size="sm" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : items.length > 0 ? (
        <p className="border-t border-zinc-200 px-5 py-3 text-center text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          That's everything{filtered ? " matching these filters" : ""}.
        </p>
      ) : null}
    </Card>
  );
}

function EventDetails({
  before,
  after,
  requestId,
  entity,
}: {
  before: unknown;
  after: unknown;
  requestId: string | null;
  entity: string;
}) {
  const block = (label: string, value: unknown) => (
    <div className="min-w-0">
      <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</p>
      <pre className="max-h-64 overflow-auto rounded-md break-all whitespace-pre-wrap border border-zinc-200 bg-white p-3 font-mono text-xs leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-300">
        {value === null || value === undefined ? "—" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
  return (
    <div className="space-y-3">
      <div className="grid gap-3 md:grid-cols-2">
        {block("Before", before)}
        {block("After", after)}
      </div>
      <p className="font-mono text-xs break-all text-zinc-500 dark:text-zinc-400">
        {entity}
        {requestId ? ` · request ${requestId}` : ""}
      </p>
    </div>
  );
}
