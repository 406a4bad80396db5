"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";

import { ChevronDownIcon, ChevronRightIcon, PlusIcon, TrashIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { type WebhookEventType, webhookCreateInput } from "@/lib/schemas/webhooks";
import { useTRPC } from "@/lib/trpc/react";

import { EventTypePicker } from "./event-type-picker";
import { SettingsSection } from "./settings-section";

interface Webhook {
  id: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface AttemptOutcome {
  status: "SUCCEEDED" | "RETRY" | "FAILED";
  responseCode: number | null;
  durationMs: number | null;
  error: string | null;
}

const STATUS_TONE: Record<string, BadgeTone> = { SUCCEEDED: "green", FAILED: "red", PENDING: "amber" };
const STATUS_LABEL: Record<string, string> = { SUCCEEDED: "Delivered", FAILED: "Failed", PENDING: "Pending" };

function outcomeText(r: AttemptOutcome): string {
  const answer = r.responseCode ? `answered ${r.responseCode}` : (r.error ?? "no answer");
  const time = r.durationMs !== null ? ` in ${r.durationMs} ms` : "";
  if (r.status === "SUCCEEDED") return `Delivered: the receiver ${answer}${time}.`;
  return `Not delivered: ${r.responseCode ? `the receiver ${answer}${time}` : answer}.`;
}

export function WebhooksSection({
  projectKey,
  initialWebhooks,
  archived,
}: {
  projectKey: string;
  initialWebhooks: { items: Webhook[]; nextCursor: string | null };
  archived: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.webhook.list.queryOptions({ projectKey, limit: 100 }, { initialData: initialWebhooks }));
  const items = list.data?.items ?? [];
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.list.pathKey() });

  return (
    <SettingsSection
      id="webhooks"
      title="Webhooks"
      description={
        <>
          Specline POSTs a JSON body for each chosen event to your URL, signed with HMAC-SHA256 in the{" "}
          <code className="font-mono text-[12px]">x-specline-signature</code> header over{" "}
          <code className="font-mono text-[12px]">timestamp.body</code>. Failed deliveries are retried with backoff.
        </>
      }
    >
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              {items.length} {items.length === 1 ? "webhook" : "webhooks"}
              {list.isFetching ? <Spinner className="size-3.5 text-zinc-400" label="Refreshing webhooks" /> : null}
            </span>
          }
        />
        {!archived ? (
          <CreateWebhookForm
            projectKey={projectKey}
            onCreated={async (w) => {
              setCreated(w);
              await refresh();
            }}
          />
        ) : null}
        {created ? <SecretOnce url={created.url} secret={created.secret} onDismiss={() => setCreated(null)} /> : null}
        {items.length === 0 ? (
          <EmptyState
            title="No webhooks yet"
            description="Add a URL above to send this project's events to another system."
          />
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((w) => (
              <WebhookRow key={w.id} projectKey={projectKey} webhook={w} archived={archived} onChanged={refresh} />
            ))}
          </ul>
        )}
      </Card>
    </SettingsSection>
  );
}

function CreateWebhookForm({
  projectKey,
  onCreated,
}: {
  projectKey: string;
  onCreated: (w: { url: string; secret: string }) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [url, setUrl] = useState("");
  const [eventTypes, setEventTypes] = useState<WebhookEventType[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: async (w) => {
        setUrl("");
        setEventTypes([]);
        await onCreated({ url: w.url, secret: w.secret });
      },
      onError: (err) => {
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) setErrors(fields);
        else setFormError(errorMessage(err));
      },
    }),
  );

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = validate(webhookCreateInput, { projectKey, url, eventTypes });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    create.mutate(checked.data);
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Add webhook"
      className="space-y-4 border-b border-zinc-200 bg-zinc-50/60 px-5 py-4 dark:border-zinc-800 dark:bg-zinc-900/40"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="flex-1 space-y-1.5">
          <Label htmlFor="webhook-url">Payload URL</Label>
          <Input
            id="webhook-url"
            type="url"
            autoComplete="off"
            placeholder="https://example.com/specline-events"
            value={url}
            invalid={Boolean(errors.url)}
            aria-describedby={errors.url ? "webhook-url-error" : undefined}
            onChange={(e) => {
              setUrl(e.target.value);
              if (errors.url) setErrors({});
            }}
          />
          {errors.url ? (
            <p id="webhook-url-error" className="text-[13px] text-red-600 dark:text-red-400">
              {errors.url}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant="primary" loading={create.isPending} className="sm:mt-6">
          <PlusIcon />
          Add webhook
        </Button>
      </div>
      <EventTypePicker idPrefix="new-webhook" value={eventTypes} onChange={setEventTypes} />
      {errors.eventTypes ? <Alert>{errors.eventTypes}</Alert> : null}
      {formError ? <Alert>{formError}</Alert> : null}
    </form>
  );
}

function SecretOnce({ url, secret, onDismiss }: { url: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
      <Alert
        tone="success"
        title="Webhook added. Copy its signing secret now — it is not shown again."
        action={
          <div className="flex flex-wrap items-center gap-2">
            <Button
              size="sm"
              onClick={async () => {
                await navigator.clipboard.writeText(secret);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy secret"}
            </Button>
            <Button size="sm" variant="ghost" onClick={onDismiss}>
              Done
            </Button>
          </div>
        }
      >
        <p className="truncate text-[13px]">{url}</p>
        <code data-testid="webhook-secret" className="mt-1 block font-mono text-[12px] break-all select-all">
          {secret}
        </code>
      </Alert>
    </div>
  );
}

function WebhookRow({
  projectKey,
  webhook,
  archived,
  onChanged,
}: {
  projectKey: string;
  webhook: Webhook;
  archived: boolean;
  onChanged: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [showLog, setShowLog] = useState(false);
  const [editing, setEditing] = useState(false);
  const [eventTypes, setEventTypes] = useState<WebhookEventType[]>(webhook.eventTypes as WebhookEventType[]);
  const [deleting, setDeleting] = useState(false);
  const [testResult, setTestResult] = useState<AttemptOutcome | null>(null);
  const queryClient = useQueryClient();

  const update = useMutation(
    trpc.webhook.update.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await onChanged();
      },
    }),
  );
  const remove = useMutation(
    trpc.webhook.delete.mutationOptions({
      onSuccess: async () => {
        setDeleting(false);
        await onChanged();
      },
    }),
  );
  const sendTest = useMutation(
    trpc.webhook.sendTest.mutationOptions({
      onMutate: () => setTestResult(null),
      onSuccess: async (r) => {
        setTestResult(r);
        await queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.pathKey() });
      },
    }),
  );
  const rowError = update.error ?? sendTest.error;

  return (
    <li className="px-5 py-4" data-testid="webhook-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <p className="truncate font-mono text-[13px] text-zinc-900 dark:text-zinc-100" title={webhook.url}>
            {webhook.url}
          </p>
          <div className="mt-1.5 flex flex-wrap items-center gap-1.5">
            <Badge tone={webhook.active ? "green" : "neutral"}>{webhook.active ? "Active" : "Disabled"}</Badge>
            {webhook.eventTypes.length === 0 ? (
              <Badge tone="indigo">All events</Badge>
            ) : (
              webhook.eventTypes.map((t) => (
                <Badge key={t} className="font-mono">
                  {t}
                </Badge>
              ))
            )}
          </div>
        </div>
        {!archived ? (
          <div className="flex flex-wrap items-center gap-2">
            <Button
              size="sm"
              loading={sendTest.isPending}
              disabled={!webhook.active}
              onClick={() => sendTest.mutate({ projectKey, id: webhook.id })}
            >
              Send test
            </Button>
            <Button
              size="sm"
              loading={update.isPending && !editing}
              onClick={() => update.mutate({ projectKey, id: webhook.id, active: !webhook.active })}
            >
              {webhook.active ? "Disable" : "Enable"}
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
              Events
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="px-2 text-zinc-500 hover:text-red-600 dark:text-zinc-400 dark:hover:text-red-400"
              aria-label={`Delete webhook ${webhook.url}`}
              onClick={() => {
                remove.reset();
                setDeleting(true);
              }}
            >
              <TrashIcon />
            </Button>
          </div>
        ) : null}
      </div>

      {testResult ? (
        <Alert tone={testResult.status === "SUCCEEDED" ? "success" : "error"} className="mt-3">
          {outcomeText(testResult)}
        </Alert>
      ) : null}
      {rowError ? <Alert className="mt-3">{errorMessage(rowError)}</Alert> : null}

      {editing ? (
        <div className="mt-4 space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
          <EventTypePicker idPrefix={`webhook-${webhook.id}`} value={eventTypes} onChange={setEventTypes} />
          <div className="flex justify-end gap-2">
            <Button size="sm" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button
              size="sm"
              variant="primary"
              loading={update.isPending}
              onClick={() => update.mutate({ projectKey, id: webhook.id, eventTypes })}
            >
              Save events
            </Button>
          </div>
        </div>
      ) : null}

      <button
        type="button"
        className="mt-3 inline-flex items-center gap-1 rounded-sm text-[13px] font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
        aria-expanded={showLog}
        onClick={() => setShowLog((v) => !v)}
      >
        {showLog ? <ChevronDownIcon className="size-3.5" /> : <ChevronRightIcon className="size-3.5" />}
        Delivery log
      </button>
      {showLog ? <DeliveryLog projectKey={projectKey} webhookId={webhook.id} archived={archived} /> : null}

      <Dialog
        open={deleting}
        onClose={() => !remove.isPending && setDeleting(false)}
        title="Delete this webhook?"
        description="Nothing more is sent to this URL, and its delivery log is deleted with it."
        footer={
          <>
            <Button onClick={() => setDeleting(false)} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={remove.isPending}
              onClick={() => remove.mutate({ projectKey, id: webhook.id })}
            >
              Delete webhook
            </Button>
          </>
        }
      >
        {remove.error ? <Alert>{errorMessage(remove.error)}</Alert> : null}
      </Dialog>
    </li>
  );
}

function DeliveryLog({
  projectKey,
  webhookId,
  archived,
}: {
  projectKey: string;
  webhookId: string;
  archived: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery(trpc.webhook.deliveries.queryOptions({ projectKey, webhookId, limit: 25 }));
  const [open, setOpen] = useState<string | null>(null);
  const redeliver = useMutation(
    trpc.webhook.redeliver.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.webhook.deliveries.pathKey() }),
    }),
  );

  if (deliveries.isPending) return <Spinner className="mt-3 size-4 text-zinc-400" label="Loading deliveries" />;
  if (deliveries.error) return <Alert className="mt-3">{errorMessage(deliveries.error)}</Alert>;
  const items = deliveries.data.items;
  if (items.length === 0) {
    return (
      <p className="mt-3 text-[13px] text-zinc-500 dark:text-zinc-400">
        No deliveries yet. Send a test to try the URL.
      </p>
    );
  }
  return (
    <div className="mt-3 overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
      {redeliver.error ? <Alert className="m-3">{errorMessage(redeliver.error)}</Alert> : null}
      <Table aria-label="Deliveries">
        <THead>
          <tr>
            <Th className="w-8">
              <span className="sr-only">Attempts</span>
            </Th>
            <Th>Status</Th>
            <Th>Event</Th>
            <Th>Response</Th>
            <Th className="hidden sm:table-cell">Duration</Th>
            <Th>Attempts</Th>
            <Th className="hidden md:table-cell">Time</Th>
            {!archived ? (
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            ) : null}
          </tr>
        </THead>
        <TBody>
          {items.map((d) => (
            <Fragment key={d.id}>
              <Tr>
                <Td>
                  <button
                    type="button"
                    aria-expanded={open === d.id}
                    aria-label={`Attempts of delivery ${d.id}`}
                    className="rounded-sm text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
                    onClick={() => setOpen(open === d.id ? null : d.id)}
                  >
                    {open === d.id ? (
                      <ChevronDownIcon className="size-3.5" />
                    ) : (
                      <ChevronRightIcon className="size-3.5" />
                    )}
                  </button>
                </Td>
                <Td>
                  <Badge tone={STATUS_TONE[d.status] ?? "neutral"}>{STATUS_LABEL[d.status] ?? d.status}</Badge>
                </Td>
                <Td className="font-mono text-[12px]">{d.eventType}</Td>
                <Td className="text-[13px]">
                  {d.responseCode ?? <span className="text-zinc-500">{d.error ? "—" : ""}</span>}
                </Td>
                <Td className="hidden text-[13px] sm:table-cell">
                  {d.durationMs !== null ? `${d.durationMs} ms` : "—"}
                </Td>
                <Td className="text-[13px]">{d.attempts}</Td>
                <Td className="hidden text-[13px] whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
                  <LocalTime date={d.createdAt} mode="relative" />
                </Td>
                {!archived ? (
                  <Td className="text-right">
                    {d.status === "FAILED" ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        loading={redeliver.isPending && redeliver.variables?.deliveryId === d.id}
                        onClick={() => redeliver.mutate({ projectKey, deliveryId: d.id })}
                      >
                        Redeliver
                      </Button>
                    ) : null}
                  </Td>
                ) : null}
              </Tr>
              {open === d.id ? (
                <tr className="bg-zinc-50/60 dark:bg-zinc-900/40">
                  <td colSpan={archived ? 7 : 8} className="px-5 py-3">
                    {d.attemptsLog.length === 0 ? (
                      <p className="text-[13px] text-zinc-500 dark:text-zinc-400">Not attempted yet.</p>
                    ) : (
                      <ol className="space-y-1 text-[13px]">
                        {d.attemptsLog.map((a) => (
                          <li key={a.attempt} className="flex flex-wrap gap-x-3 text-zinc-700 dark:text-zinc-300">
                            <span className="font-medium">Attempt {a.attempt}</span>
                            <span>{a.responseCode ?? "no response"}</span>
                            <span>{a.durationMs} ms</span>
                            <LocalTime date={a.createdAt} mode="datetime" />
                            {a.error ? <span className="text-red-700 dark:text-red-400">{a.error}</span> : null}
                          </li>
                        ))}
                      </ol>
                    )}
                    {d.status === "PENDING" && d.nextAttemptAt ? (
                      <p className="mt-1 text-[13px] text-zinc-500 dark:text-zinc-400">
                        Next attempt <LocalTime date={d.nextAttemptAt} mode="relative" />
                      </p>
                    ) : null}
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
