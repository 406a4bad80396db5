"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { errorCode, errorMessage, staleVersionOf } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { REQUIREMENT_TRANSITIONS } from "@/lib/schemas/requirement";
import { useTRPC } from "@/lib/trpc/react";

import { StatusBadge } from "./badges";
import { type RequirementStatus, transitionLabel } from "./labels";
import { indentLabel } from "./new-requirement-dialog";
import type { HistoryEntry, RequirementSaved } from "./types";

function staleMessage(err: unknown, key: string): string {
  const stale = staleVersionOf(err);
  return stale
    ? `${key} was changed by ${stale.updatedBy?.name ?? "someone else"} in the meantime. The page now shows the latest version — check it and try again.`
    : errorMessage(err);
}

/** A confirm dialog with an optional change note. */
function NoteDialog({
  open,
  onClose,
  title,
  description,
  confirmLabel,
  confirmVariant = "primary",
  pending,
  error,
  onConfirm,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: React.ReactNode;
  description?: React.ReactNode;
  confirmLabel: string;
  confirmVariant?: ButtonVariant;
  pending: boolean;
  error: string | null;
  onConfirm: (note: string) => void;
  children?: React.ReactNode;
}) {
  const [note, setNote] = useState("");
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (!open) setNote("");
  }
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const close = () => {
    if (pending) return;
    setNote("");
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      description={description}
      initialFocusRef={noteRef}
      footer={
        <>
          <Button onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button variant={confirmVariant} loading={pending} onClick={() => onConfirm(note.trim())}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(note.trim());
        }}
      >
        {error ? <Alert>{error}</Alert> : null}
        {children}
        <Field id="change-note" label="Note" optional hint="Kept with the new version in the history.">
          <Textarea
            ref={noteRef}
            rows={2}
            maxLength={500}
            value={note}
            disabled={pending}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                onConfirm(note.trim());
              }
            }}
          />
        </Field>
      </form>
    </Dialog>
  );
}

/** The workflow moves open to this person right now, as buttons; each asks for an optional note. */
export function StatusActions({
  reqKey,
  status,
  version,
  allowed,
  onChanged,
  onStale,
}: {
  reqKey: string;
  status: RequirementStatus;
  version: number;
  allowed: RequirementStatus[];
  onChanged: (saved: RequirementSaved) => void;
  onStale: () => void;
}) {
  const trpc = useTRPC();
  const [target, setTarget] = useState<RequirementStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const transition = useMutation(
    trpc.requirement.transition.mutationOptions({
      onSuccess(saved) {
        setTarget(null);
        onChanged(saved);
      },
      onError(err) {
        setError(staleMessage(err, reqKey));
        if (errorCode(err) === "CONFLICT") onStale();
      },
    }),
  );
  if (allowed.length === 0) return null;
  const forward = allowed.filter((s) => s !== "DEPRECATED" && s !== "DRAFT");
  return (
    <>
      {allowed.map((to) => (
        <Button
          key={to}
          size="sm"
          variant={forward[0] === to ? "primary" : "secondary"}
          className={to === "DEPRECATED" ? "text-red-700! dark:text-red-400!" : undefined}
          onClick={() => {
            setError(null);
            transition.reset();
            setTarget(to);
          }}
        >
          {transitionLabel(status, to)}
        </Button>
      ))}
      <NoteDialog
        open={target !== null}
        onClose={() => setTarget(null)}
        title={target ? `${transitionLabel(status, target)}: ${reqKey}` : ""}
        description={
          target ? (
            <span className="inline-flex flex-wrap items-center gap-1.5">
              <StatusBadge status={status} /> <span aria-hidden="true">→</span>
              <span className="sr-only">to</span> <StatusBadge status={target} />
              {target === "DEPRECATED" ? (
                <span className="basis-full pt-1">
                  Deprecated requirements leave future baselines and cannot change status again.
                </span>
              ) : null}
            </span>
          ) : undefined
        }
        confirmLabel={target ? transitionLabel(status, target) : ""}
        confirmVariant={target === "DEPRECATED" ? "danger" : "primary"}
        pending={transition.isPending}
        error={error}
        onConfirm={(note) =>
          target &&
          transition.mutate({
            key: reqKey,
            expectedVersion: version,
            to: target,
            ...(note ? { changeNote: note } : {}),
          })
        }
      />
    </>
  );
}

/** Transitions a role may make from a status (reporters: only their own drafts to review). */
export function allowedTransitions(opts: {
  status: RequirementStatus;
  canEdit: boolean;
  isReporter: boolean;
  isOwnDraft: boolean;
  archived: boolean;
}): RequirementStatus[] {
  if (opts.archived) return [];
  const all = [...REQUIREMENT_TRANSITIONS[opts.status]];
  if (opts.canEdit) return all;
  if (opts.isReporter && opts.isOwnDraft) return all.filter((s) => s === "IN_REVIEW");
  return [];
}

export function RestoreDialog({
  reqKey,
  version,
  entry,
  onClose,
  onRestored,
  onStale,
}: {
  reqKey: string;
  version: number;
  entry: HistoryEntry | null;
  onClose: () => void;
  onRestored: (saved: RequirementSaved) => void;
  onStale: () => void;
}) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const restore = useMutation(
    trpc.requirement.restore.mutationOptions({
      onSuccess(saved) {
        onRestored(saved);
      },
      onError(err) {
        setError(staleMessage(err, reqKey));
        if (errorCode(err) === "CONFLICT") onStale();
      },
    }),
  );
  return (
    <NoteDialog
      open={entry !== null}
      onClose={() => {
        setError(null);
        onClose();
      }}
      title={entry ? `Restore version ${entry.version}?` : ""}
      description={
        entry
          ? `This saves a new version ${version + 1} of ${reqKey} with the title, text, classification, status, tags and attributes of version ${entry.version}. Its place in the tree stays as it is, and nothing in the history is lost.`
          : undefined
      }
      confirmLabel={entry ? `Restore version ${entry.version}` : "Restore"}
      pending={restore.isPending}
      error={error}
      onConfirm={(note) =>
        entry &&
        restore.mutate({
          key: reqKey,
          expectedVersion: version,
          version: entry.version,
          ...(note ? { changeNote: note } : {}),
        })
      }
    >
      {entry ? (
        <p className="flex flex-wrap items-center gap-1.5 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-[13px] text-zinc-700 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-300">
          <span className="font-mono text-xs">v{entry.version}</span>
          <span className="min-w-0 flex-1 truncate font-medium">{entry.title}</span>
          <StatusBadge status={entry.status} />
        </p>
      ) : null}
    </NoteDialog>
  );
}

/** Move under another parent (or to the top level), optionally before a sibling. */
export function MoveDialog({
  open,
  onClose,
  projectKey,
  reqKey,
  version,
  parentKey,
  onMoved,
  onStale,
}: {
  open: boolean;
  onClose: () => void;
  projectKey: string;
  reqKey: string;
  version: number;
  parentKey: string | null;
  onMoved: (saved: RequirementSaved) => void;
  onStale: () => void;
}) {
  const trpc = useTRPC();
  const tree = useQuery(trpc.requirement.tree.queryOptions({ projectKey }, { enabled: open, staleTime: 0 }));
  const [parent, setParent] = useState(parentKey ?? "");
  const [before, setBefore] = useState("");
  const [error, setError] = useState<string | null>(null);
  const parentRef = useRef<HTMLSelectElement>(null);

  const nodes = tree.data?.nodes ?? [];
  // Itself and its descendants cannot become its parent.
  const selfIndex = nodes.findIndex((n) => n.key === reqKey);
  const self = nodes[selfIndex];
  const excluded = new Set<string>();
  if (self) {
    excluded.add(reqKey);
    for (const n of nodes.slice(selfIndex + 1)) {
      if (n.depth <= self.depth) break;
      excluded.add(n.key);
    }
  }
  const siblings = nodes.filter((n) => (n.parentKey ?? "") === parent && n.key !== reqKey);

  const move = useMutation(
    trpc.requirement.move.mutationOptions({
      onSuccess(saved) {
        onMoved(saved);
      },
      onError(err) {
        setError(staleMessage(err, reqKey));
        if (errorCode(err) === "CONFLICT") onStale();
      },
    }),
  );

  const close = () => {
    if (move.isPending) return;
    setError(null);
    setParent(parentKey ?? "");
    setBefore("");
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Move ${reqKey}`}
      description="Choose its new place in the tree. Moving writes a new version."
      initialFocusRef={parentRef}
      footer={
        <>
          <Button onClick={close} disabled={move.isPending}>
            Cancel
          </Button>
          <Button
            variant="primary"
            loading={move.isPending}
            onClick={() =>
              move.mutate({
                key: reqKey,
                expectedVersion: version,
                parentKey: parent || null,
                beforeKey: before || null,
              })
            }
          >
            Move
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        {error ? <Alert>{error}</Alert> : null}
        <Field id="move-parent" label="Parent">
          <Select
            ref={parentRef}
            value={parent}
            onChange={(e) => {
              setParent(e.target.value);
              setBefore("");
            }}
          >
            <option value="">Top level</option>
            {nodes
              .filter((n) => !excluded.has(n.key))
              .map((n) => (
                <option key={n.key} value={n.key}>
                  {indentLabel(n.depth, `${n.key} · ${n.title}`)}
                </option>
              ))}
          </Select>
        </Field>
        <Field id="move-before" label="Position" hint="Where it goes among its new siblings.">
          <Select value={before} onChange={(e) => setBefore(e.target.value)} disabled={tree.isPending}>
            <option value="">At the end</option>
            {siblings.map((n) => (
              <option key={n.key} value={n.key}>
                Before {n.key} · {n.title}
              </option>
            ))}
          </Select>
        </Field>
        {tree.error ? <Alert>{errorMessage(tree.error)}</Alert> : null}
      </div>
    </Dialog>
  );
}
