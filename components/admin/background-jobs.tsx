"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/react";

function formatAge(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

function Stat({ label, value, tone }: { label: string; value: React.ReactNode; tone?: "red" }) {
  return (
    <div>
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd
        className={
          tone === "red"
            ? "mt-1 text-2xl font-semibold text-red-600 tabular-nums dark:text-red-400"
            : "mt-1 text-2xl font-semibold text-zinc-900 tabular-nums dark:text-zinc-50"
        }
      >
        {value}
      </dd>
    </div>
  );
}

export function OutboxHealth() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Refetched when the tab's live stream says the jobs changed (components/live/live-updates.tsx).
  const health = useQuery(trpc.jobs.outbox.queryOptions(undefined, { staleTime: 0 }));
  const retry = useMutation(
    trpc.jobs.retry.mutationOptions({
      onMutate: () => {
        setError(null);
        setNotice(null);
      },
      onSuccess: async () => {
        setNotice("The event is queued again.");
        await queryClient.invalidateQueries({ queryKey: trpc.jobs.outbox.queryKey() });
      },
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const h = health.data;
  return (
    <Card>
      <CardHeader
        title="Event delivery"
        description={
          h
            ? h.mode === "inngest"
              ? "Domain events are relayed to Inngest, which runs the background functions."
              : "Domain events are handled in this server process (no Inngest configured)."
            : undefined
        }
        actions={
          h ? (
            <Badge tone={h.dispatcherRunning ? "green" : "amber"}>
              {h.dispatcherRunning ? "Dispatcher running" : "Dispatcher not running here"}
            </Badge>
          ) : null
        }
      />
      <CardBody className="space-y-5">
        {health.isPending ? (
          <Spinner />
        ) : health.isError ? (
          <Alert>{errorMessage(health.error)}</Alert>
        ) : (
          <>
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
              <Stat label="Waiting" value={health.data.pending} />
              <Stat label="Oldest waiting" value={formatAge(health.data.oldestPendingAgeSeconds)} />
              <Stat label="Retrying" value={health.data.retrying} />
              <Stat label="Failed" value={health.data.failed} tone={health.data.failed > 0 ? "red" : undefined} />
            </dl>
            {error ? <Alert>{error}</Alert> : null}
            {notice ? <Alert tone="success">{notice}</Alert> : null}
            {health.data.failures.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No failed deliveries.</p>
            ) : (
              <Table>
                <THead>
                  <Tr>
                    <Th>Event</Th>
                    <Th>Attempts</Th>
                    <Th>Last error</Th>
                    <Th>State</Th>
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  </Tr>
                </THead>
                <TBody>
                  {health.data.failures.map((f) => (
                    <Tr key={f.id}>
                      <Td>
                        <div className="font-mono text-xs">{f.type}</div>
                        <div className="text-xs text-zinc-500 dark:text-zinc-400">
                          <LocalTime date={f.createdAt} mode="datetime" />
                        </div>
                      </Td>
                      <Td className="tabular-nums">{f.attempts}</Td>
                      <Td className="max-w-md text-xs break-words text-zinc-700 dark:text-zinc-300">{f.lastError}</Td>
                      <Td>{f.failedAt ? <Badge tone="red">Gave up</Badge> : <Badge tone="amber">Retrying</Badge>}</Td>
                      <Td>
                        <Button
                          size="sm"
                          loading={retry.isPending && retry.variables?.id === f.id}
                          onClick={() => retry.mutate({ id: f.id })}
                        >
                          Retry now
                        </Button>
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}

export function MailFolder() {
  const trpc = useTRPC();
  const [open, setOpen] = useState<string | null>(null);
  const mail = useQuery(trpc.jobs.mail.list.queryOptions({ limit: 50 }, { staleTime: 0 }));
  const message = useQuery(trpc.jobs.mail.read.queryOptions({ name: open ?? "" }, { enabled: open !== null }));
  return (
    <Card>
      <CardHeader
        title="Outgoing mail"
        description="Without SMTP_URL, email is written to the data folder (DATA_DIR/mail) instead of being sent. The newest 50 messages."
      />
      <CardBody>
        {mail.isPending ? (
          <Spinner />
        ) : mail.isError ? (
          <Alert>{errorMessage(mail.error)}</Alert>
        ) : mail.data.items.length === 0 ? (
          <EmptyState title="No mail yet" description="Notification emails appear here once someone is notified." />
        ) : (
          <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
            <ul
              className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
              aria-label="Messages"
            >
              {mail.data.items.map((m) => (
                <li key={m.name}>
                  <button
                    type="button"
                    aria-current={open === m.name ? "true" : undefined}
                    onClick={() => setOpen(m.name)}
                    className="block w-full px-3 py-2 text-left text-sm hover:bg-zinc-50 aria-[current=true]:bg-indigo-50 dark:hover:bg-zinc-900 dark:aria-[current=true]:bg-indigo-950/30"
                  >
                    <div className="truncate font-medium text-zinc-900 dark:text-zinc-50">
                      {m.subject || "(no subject)"}
                    </div>
                    <div className="truncate text-xs text-zinc-500 dark:text-zinc-400">
                      To {m.to} · {m.date}
                    </div>
                  </button>
                </li>
              ))}
            </ul>
            <div className="min-w-0 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
              {open === null ? (
                <p className="text-zinc-500 dark:text-zinc-400">Choose a message to read it.</p>
              ) : message.isPending ? (
                <Spinner />
              ) : message.isError ? (
                <Alert>{errorMessage(message.error)}</Alert>
              ) : (
                <article>
                  <h3 className="font-medium text-zinc-900 dark:text-zinc-50">{message.data.subject}</h3>
                  <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                    From {message.data.from} to {message.data.to} · {message.data.date}
                  </p>
                  <pre className="mt-3 text-xs break-words whitespace-pre-wrap text-zinc-800 dark:text-zinc-200">
                    {message.data.text}
                  </pre>
                </article>
              )}
            </div>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
