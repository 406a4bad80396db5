"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { KeyIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { errorCode, errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { copyStatus, useCopy } from "@/components/use-copy";
import { apiTokenCreateInput } from "@/lib/schemas/api-token";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

type ApiToken = RouterOutputs["apiToken"]["list"][number];
type CreatedApiToken = RouterOutputs["apiToken"]["create"];
type Scope = "read" | "write";

const SCOPES: { value: Scope; label: string; description: string }[] = [
  { value: "read", label: "Read only", description: "Sees what you can see. Every change is refused." },
  { value: "write", label: "Read and write", description: "Can also make any change you can make." },
];

/** Badge text in the list, shorter than the form's option labels. */
const ACCESS_BADGE: Record<ApiToken["scope"], string> = { READ: "Read", WRITE: "Read and write" };
const ACCESS_LABEL: Record<ApiToken["scope"], string> = { READ: "read only", WRITE: "read and write" };

/** One year is 366 days so a token made on 1 March still works on the same date a leap year later. */
const EXPIRY_OPTIONS = [
  { value: "30", label: "30 days", days: 30 },
  { value: "90", label: "90 days", days: 90 },
  { value: "366", label: "1 year", days: 366 },
  { value: "never", label: "Never", days: undefined },
] as const;
type Expiry = (typeof EXPIRY_OPTIONS)[number]["value"];

/**
 * The caller's API tokens: a form for a new one, the new token shown once
 * with Copy, and the list with Revoke. Revoking is confirmed because programs
 * using the token fail from their next call.
 */
export function ApiTokensSection({ initialTokens }: { initialTokens: ApiToken[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiToken.list.pathKey() });

  return (
    <>
      <section aria-labelledby="new-api-token-heading">
        <Card>
          <CardHeader
            id="new-api-token-heading"
            title="New token"
            description="Give each program its own token, so you can revoke one without stopping the others."
          />
          {created ? (
            <NewTokenBox
              created={created}
              onDone={() => {
                setCreated(null);
                requestAnimationFrame(() => nameRef.current?.focus());
              }}
            />
          ) : (
            <CreateTokenForm
              nameRef={nameRef}
              onCreated={async (token) => {
                setCreated(token);
                await refresh();
              }}
            />
          )}
        </Card>
      </section>
      <TokenList initialTokens={initialTokens} onChanged={refresh} />
    </>
  );
}

function CreateTokenForm({
  nameRef,
  onCreated,
}: {
  nameRef: React.RefObject<HTMLInputElement | null>;
  onCreated: (token: CreatedApiToken) => Promise<void>;
}) {
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("read");
  const [expiry, setExpiry] = useState<Expiry>("90");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.apiToken.create.mutationOptions({
      onSuccess: async (token) => {
        setName("");
        setScope("read");
        setExpiry("90");
        await onCreated(token);
      },
      onError: (err) => {
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else {
          setFormError(errorMessage(err));
        }
      },
    }),
  );

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const days = EXPIRY_OPTIONS.find((o) => o.value === expiry)?.days;
    const checked = validate(apiTokenCreateInput, { name, scope, expiresInDays: days });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    create.mutate(checked.data);
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="new-api-token-heading">
      <CardBody className="space-y-5 py-5">
        {formError ? <Alert>{formError}</Alert> : null}
        <Field
          id="api-token-name"
          label="Token name"
          hint="What will use it, such as “Nightly export”."
          error={errors.name}
        >
          <Input
            ref={nameRef}
            name="name"
            autoComplete="off"
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (errors.name) setErrors({});
            }}
          />
        </Field>
        <fieldset>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Access</legend>
          <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
            {SCOPES.map((s) => (
              <div
                key={s.value}
                className={cn(
                  "flex items-start gap-2.5 rounded-md border px-3 py-2.5 transition-colors",
                  scope === s.value
                    ? "border-indigo-500 bg-indigo-50/60 dark:border-indigo-400 dark:bg-indigo-500/10"
                    : "border-zinc-300 dark:border-zinc-700",
                )}
              >
                <input
                  id={`api-token-scope-${s.value}`}
                  type="radio"
                  name="scope"
                  value={s.value}
                  checked={scope === s.value}
                  onChange={() => setScope(s.value)}
                  aria-describedby={`api-token-scope-${s.value}-hint`}
                  className="mt-0.5 size-4 shrink-0 accent-indigo-600 dark:accent-indigo-400"
                />
                <div className="min-w-0">
                  <label
                    htmlFor={`api-token-scope-${s.value}`}
                    className="block text-sm font-medium text-zinc-900 dark:text-zinc-100"
                  >
                    {s.label}
                  </label>
                  <p id={`api-token-scope-${s.value}-hint`} className="text-[13px] text-zinc-500 dark:text-zinc-400">
                    {s.description}
                  </p>
                </div>
              </div>
            ))}
          </div>
        </fieldset>
        <Field
          id="api-token-expiry"
          label="Expires"
          hint={expiry === "never" ? "It works until you revoke it." : undefined}
          className="sm:max-w-56"
        >
          <Select name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value as Expiry)}>
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </Field>
      </CardBody>
      <CardFooter>
        <Button type="submit" size="sm" variant="primary" loading={create.isPending}>
          Create token
        </Button>
      </CardFooter>
    </form>
  );
}

/** The token itself, shown this once; focus moves here so a screen reader starts with the warning. */
function NewTokenBox({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  const boxRef = useRef<HTMLElement>(null);
  const headingId = useId();
  const detailsId = useId();
  const tokenCopy = useCopy();
  const status = copyStatus(tokenCopy.state, "Token copied.");

  useEffect(() => {
    boxRef.current?.focus();
  }, []);

  return (
    <>
      <CardBody className="py-5">
        <section
          ref={boxRef}
          tabIndex={-1}
          aria-labelledby={headingId}
          aria-describedby={detailsId}
          className="space-y-3 rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3.5 outline-none focus-visible:ring-2 focus-visible:ring-emerald-500 dark:border-emerald-500/40 dark:bg-emerald-500/10 dark:focus-visible:ring-emerald-400"
        >
          <div>
            <h3 id={headingId} className="text-sm font-semibold text-emerald-900 dark:text-emerald-100">
              Copy your new token now — it is not shown again
            </h3>
            <p id={detailsId} className="mt-1 text-[13px] text-emerald-800 dark:text-emerald-200">
              “{created.name}”, {ACCESS_LABEL[created.scope]},{" "}
              {created.expiresAt ? (
                <>
                  works until <LocalTime date={created.expiresAt} />
                </>
              ) : (
                "never expires"
              )}
              . Specline keeps only a hash of it: if you lose it, revoke it and create another.
            </p>
          </div>
          <div className="space-y-1.5">
            <label
              htmlFor="new-api-token"
              className="block text-[13px] font-medium text-emerald-900 dark:text-emerald-100"
            >
              Your new token
            </label>
            <div className="flex gap-2">
              <Input
                id="new-api-token"
                data-testid="new-api-token"
                readOnly
                value={created.token}
                spellCheck={false}
                autoComplete="off"
                onFocus={(e) => e.currentTarget.select()}
                className="min-w-0 flex-1 font-mono text-[13px]"
              />
              <Button onClick={() => void tokenCopy.copy(created.token)}>Copy</Button>
            </div>
            <p
              role="status"
              className={cn(
                "min-h-5 text-[13px]",
                tokenCopy.state === "failed"
                  ? "text-amber-700 dark:text-amber-400"
                  : "text-emerald-700 dark:text-emerald-400",
              )}
            >
              {status}
            </p>
          </div>
        </section>
      </CardBody>
      <CardFooter>
        <Button size="sm" variant="primary" onClick={onDone}>
          Done
        </Button>
      </CardFooter>
    </>
  );
}

function TokenList({ initialTokens, onChanged }: { initialTokens: ApiToken[]; onChanged: () => Promise<void> }) {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.apiToken.list.queryOptions(undefined, { initialData: initialTokens }));
  // Tokens that still work first, each group newest first as the server sends them.
  const items = [...(tokens.data ?? [])].sort((a, b) => Number(a.expired) - Number(b.expired));

  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  // The revoked row disappears with its button; focus goes to the message saying so.
  function announce(message: string) {
    setNotice(message);
    requestAnimationFrame(() => noticeRef.current?.focus());
  }

  const revoke = useMutation(trpc.apiToken.revoke.mutationOptions());

  function confirmRevoke(token: ApiToken) {
    revoke.mutate(
      { id: token.id },
      {
        onSuccess: async () => {
          await onChanged();
          setRevoking(null);
          announce(`Revoked “${token.name}”. Programs using it can no longer call Specline.`);
        },
        onError: async (err) => {
          if (errorCode(err) !== "NOT_FOUND") return;
          await onChanged();
          setRevoking(null);
          announce(`“${token.name}” was already revoked.`);
        },
      },
    );
  }

  return (
    <section aria-labelledby="api-tokens-heading">
      <Card>
        <CardHeader
          id="api-tokens-heading"
          title={
            <span className="flex items-center gap-2">
              Your tokens
              {tokens.isFetching ? <Spinner className="size-3.5 text-zinc-400" label="Refreshing tokens" /> : null}
            </span>
          }
          description="Revoke any token you no longer use or that may have been seen by someone else."
        />
        {notice ? (
          <p
            ref={noticeRef}
            tabIndex={-1}
            role="status"
            className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 outline-none dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          >
            {notice}
          </p>
        ) : null}
        {tokens.isError ? (
          <div className="px-5 py-4">
            <Alert
              action={
                <Button size="sm" onClick={() => void tokens.refetch()}>
                  Try again
                </Button>
              }
            >
              {errorMessage(tokens.error)}
            </Alert>
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            icon={<KeyIcon className="size-5" />}
            title="No tokens yet"
            description="Create one above for each script or program that should use Specline as you."
          />
        ) : (
          <ul aria-labelledby="api-tokens-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((t) => (
              <TokenRow
                key={t.id}
                token={t}
                onRevoke={() => {
                  revoke.reset();
                  setNotice(null);
                  setRevoking(t);
                }}
              />
            ))}
          </ul>
        )}
      </Card>
      <Dialog
        open={revoking !== null}
        onClose={() => !revoke.isPending && setRevoking(null)}
        title={revoking ? `Revoke “${revoking.name}”?` : "Revoke this token?"}
        description="Programs using it stop working at once. This cannot be undone."
        footer={
          <>
            <Button onClick={() => setRevoking(null)} disabled={revoke.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={revoke.isPending}
              onClick={() => {
                if (revoking) confirmRevoke(revoking);
              }}
            >
              Revoke token
            </Button>
          </>
        }
      >
        {revoke.error && errorCode(revoke.error) !== "NOT_FOUND" ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
      </Dialog>
    </section>
  );
}

function TokenRow({ token, onRevoke }: { token: ApiToken; onRevoke: () => void }) {
  return (
    <li className="px-5 py-4" data-testid="api-token-row">
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium text-zinc-900 dark:text-zinc-100">
            <span className="min-w-0 break-words">{token.name}</span>
            <Badge tone={token.scope === "WRITE" ? "amber" : "neutral"}>{ACCESS_BADGE[token.scope]}</Badge>
            {token.expired ? <Badge tone="red">Expired</Badge> : null}
          </p>
          <p className="mt-0.5 font-mono text-[12px] text-zinc-500 dark:text-zinc-400">
            <span className="sr-only">Starts with </span>
            {token.prefix}…
          </p>
          <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-2 text-[13px] sm:grid-cols-3">
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Created</dt>
              <dd className="text-zinc-800 dark:text-zinc-200">
                <LocalTime date={token.createdAt} />
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Expires</dt>
              <dd className={cn(token.expired ? "text-red-700 dark:text-red-400" : "text-zinc-800 dark:text-zinc-200")}>
                {token.expiresAt ? <LocalTime date={token.expiresAt} /> : "Never"}
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Last used</dt>
              <dd className="text-zinc-800 dark:text-zinc-200">
                {token.lastUsedAt ? <LocalTime date={token.lastUsedAt} mode="relative" /> : "Never used"}
              </dd>
            </div>
          </dl>
        </div>
        <Button size="sm" aria-label={`Revoke ${token.name}`} onClick={onRevoke}>
          Revoke
        </Button>
      </div>
    </li>
  );
}
