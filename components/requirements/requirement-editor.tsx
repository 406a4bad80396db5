"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";

import { useRemoteEdit } from "@/components/live/live-updates";
import { RemoteEditNotice } from "@/components/live/remote-edit-notice";
import { LocalTime } from "@/components/local-time";
import { errorDetails, errorMessage, serverFieldErrors, staleVersionOf } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";
import { diffSnapshots } from "@/lib/diff";
import { useTRPC } from "@/lib/trpc/react";

import { type AttributeDefinition, attributeLabels, attributeTypes } from "./attributes";
import { type DiffMode, DiffModeToggle, FieldChangeList } from "./diff-view";
import {
  changedFields,
  checkDraft,
  draftErrorsFrom,
  draftFrom,
  type RequirementFields,
  snapshotOf,
  snapshotOfDraft,
} from "./draft";
import { type DraftErrors, type DraftValues, RequirementFieldset } from "./form-fields";
import { fieldLabel } from "./labels";
import type { RequirementSaved } from "./types";

export type EditableRequirement = RequirementFields & { key: string; version: number };

interface Conflict {
  version: number;
  current: EditableRequirement;
  /** Who saved `version`, and when (null when unknown: a system change or a deleted user). */
  updatedBy: { name: string } | null;
  updatedAt: Date;
}

function asEditable(value: unknown, fallback: EditableRequirement, version: number): EditableRequirement {
  const v = (value && typeof value === "object" ? value : {}) as Partial<EditableRequirement>;
  return {
    key: v.key ?? fallback.key,
    version: typeof v.version === "number" ? v.version : version,
    title: v.title ?? fallback.title,
    statement: v.statement ?? fallback.statement,
    rationale: v.rationale ?? fallback.rationale,
    type: v.type ?? fallback.type,
    priority: v.priority ?? fallback.priority,
    status: v.status ?? fallback.status,
    tags: v.tags ?? fallback.tags,
    attributes: v.attributes ?? fallback.attributes,
    parentKey: v.parentKey === undefined ? fallback.parentKey : v.parentKey,
    position: v.position ?? fallback.position,
  };
}

/**
 * The edit form. It remembers the version it started from and sends it as
 * expectedVersion; when someone else saved in between, it keeps the draft and
 * shows what they changed, with "re-apply mine on top" and "discard mine".
 */
export function RequirementEditor({
  requirement,
  defs,
  onCancel,
  onSaved,
  onDiscarded,
}: {
  requirement: EditableRequirement;
  defs: AttributeDefinition[];
  onCancel: () => void;
  onSaved: (saved: RequirementSaved) => void;
  onDiscarded: (latest: EditableRequirement) => void;
}) {
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const conflictRef = useRef<HTMLElement>(null);
  // The version the edits apply to; it never moves on its own.
  const [base] = useState<EditableRequirement>(requirement);
  const [draft, setDraft] = useState<DraftValues>(() => draftFrom(requirement, defs));
  const [changeNote, setChangeNote] = useState("");
  const [errors, setErrors] = useState<DraftErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const queryClient = useQueryClient();
  // Someone else's save, known at once from the live stream.
  const remote = useRemoteEdit(base.key, conflict?.version ?? base.version);
  const [loadingLatest, setLoadingLatest] = useState(false);

  useEffect(() => {
    titleRef.current?.focus();
  }, []);

  /** The requirement as it is now, for "show changes" and "reload". */
  async function readLatest(): Promise<Conflict | null> {
    setLoadingLatest(true);
    try {
      const latest = await queryClient.fetchQuery({
        ...trpc.requirement.byKey.queryOptions({ key: base.key }),
        staleTime: 0,
      });
      return {
        version: latest.version,
        current: asEditable(latest, base, latest.version),
        updatedBy: remote ? { name: remote.by } : null,
        updatedAt: latest.updatedAt,
      };
    } catch (err) {
      setFormError(errorMessage(err));
      return null;
    } finally {
      setLoadingLatest(false);
    }
  }

  const changes = changedFields(base, draft, defs);
  const dirty = Object.keys(changes).length > 0;

  const update = useMutation(
    trpc.requirement.update.mutationOptions({
      onSuccess: (saved) => onSaved(saved),
      onError(err) {
        const stale = staleVersionOf(err);
        if (stale) {
          const version = stale.currentVersion;
          setConflict({
            version,
            current: asEditable(stale.current, base, version),
            updatedBy: stale.updatedBy,
            updatedAt: stale.updatedAt,
          });
          requestAnimationFrame(() => conflictRef.current?.focus());
          return;
        }
        const mapped = draftErrorsFrom(serverFieldErrors(err), errorDetails(err), err.message);
        if (mapped) {
          setErrors(mapped);
          focusFirstInvalid(formRef.current);
        } else setFormError(errorMessage(err));
      },
    }),
  );

  function submit(expectedVersion: number) {
    setFormError(null);
    const checked = checkDraft(draft, defs, base.attributes);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    const fields = changedFields(base, draft, defs);
    if (fields.title !== undefined) fields.title = fields.title.trim();
    update.mutate({
      key: base.key,
      expectedVersion,
      ...fields,
      ...(changeNote.trim() ? { changeNote: changeNote.trim() } : {}),
    });
  }

  return (
    <Card>
      <form
        ref={formRef}
        aria-label={`Edit ${base.key}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (conflict) return;
          submit(base.version);
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape" && !dirty && !conflict) onCancel();
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && !conflict) {
            e.preventDefault();
            submit(base.version);
          }
        }}
      >
        <div className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5 dark:border-zinc-800">
          <h3 className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">Edit {base.key}</h3>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Editing version {base.version}</span>
        </div>
        <CardBody className="space-y-4 py-5">
          {remote && !conflict ? (
            <RemoteEditNotice
              edit={remote}
              busy={loadingLatest}
              onShowChanges={async () => {
                const latest = await readLatest();
                if (!latest) return;
                setConflict(latest);
                requestAnimationFrame(() => conflictRef.current?.focus());
              }}
              onReload={async () => {
                const latest = await readLatest();
                if (latest) onDiscarded(latest.current);
              }}
            />
          ) : null}
          {conflict ? (
            <ConflictPanel
              ref={conflictRef}
              base={base}
              conflict={conflict}
              draft={draft}
              defs={defs}
              saving={update.isPending}
              onReapply={() => submit(conflict.version)}
              onDiscard={() => onDiscarded(conflict.current)}
            />
          ) : null}
          {formError ? <Alert>{formError}</Alert> : null}
          <RequirementFieldset
            idPrefix="edit-req"
            values={draft}
            onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
            errors={errors}
            setErrors={setErrors}
            defs={defs}
            disabled={update.isPending}
            autoFocusRef={titleRef}
          />
          <Field
            id="edit-req-note"
            label="Change note"
            optional
            error={errors.changeNote}
            hint="A short reason, kept with this version in the history."
          >
            <Input
              name="changeNote"
              value={changeNote}
              maxLength={500}
              disabled={update.isPending}
              placeholder="e.g. Tightened the response time after review"
              onChange={(e) => setChangeNote(e.target.value)}
            />
          </Field>
        </CardBody>
        <CardFooter className="justify-between">
          <p className="text-[13px] text-zinc-500 dark:text-zinc-400" aria-live="polite">
            {dirty
              ? `${Object.keys(changes).length} ${Object.keys(changes).length === 1 ? "field" : "fields"} changed`
              : "No changes yet"}
          </p>
          <div className="flex gap-2">
            <Button size="sm" variant="ghost" onClick={onCancel} disabled={update.isPending}>
              Cancel
            </Button>
            {conflict ? null : (
              <Button type="submit" size="sm" variant="primary" disabled={!dirty} loading={update.isPending}>
                Save changes
              </Button>
            )}
          </div>
        </CardFooter>
      </form>
    </Card>
  );
}

function ConflictPanel({
  ref,
  base,
  conflict,
  draft,
  defs,
  saving,
  onReapply,
  onDiscard,
}: {
  ref: React.Ref<HTMLElement>;
  base: EditableRequirement;
  conflict: Conflict;
  draft: DraftValues;
  defs: AttributeDefinition[];
  saving: boolean;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const [mode, setMode] = useState<DiffMode>("inline");
  const labels = attributeLabels(defs);
  const types = attributeTypes(defs);
  const theirs = useMemo(() => diffSnapshots(snapshotOf(base), snapshotOf(conflict.current)), [base, conflict.current]);
  const mine = useMemo(() => diffSnapshots(snapshotOf(base), snapshotOfDraft(base, draft, defs)), [base, draft, defs]);
  const overlap = mine.map((c) => c.field).filter((f) => theirs.some((t) => t.field === f));

  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby="conflict-heading"
      data-testid="conflict-panel"
      className="rounded-lg border border-amber-300 bg-amber-50/70 outline-none focus-visible:ring-2 focus-visible:ring-amber-500 dark:border-amber-500/40 dark:bg-amber-500/[0.07]"
    >
      <div className="flex gap-2.5 px-4 pt-3.5">
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M8 6v2.75M8 11h.01M6.86 2.66 1.6 11.75A1.33 1.33 0 0 0 2.75 13.75h10.5a1.33 1.33 0 0 0 1.15-2l-5.26-9.09a1.33 1.33 0 0 0-2.28 0Z" />
        </svg>
        <div className="min-w-0 flex-1">
          <h4 id="conflict-heading" className="text-sm font-semibold text-amber-950 dark:text-amber-100">
            Someone else saved version {conflict.version}
          </h4>
          <p className="mt-0.5 text-[13px] text-amber-900/90 dark:text-amber-200/90">
            {conflict.updatedBy?.name ?? "Someone"} saved it <LocalTime date={conflict.updatedAt} mode="relative" />{" "}
            while you were editing version {base.version}. Your edits are still in the form below — nothing has been
            lost.
          </p>
        </div>
      </div>
      <div className="mt-3 space-y-3 px-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-[13px] font-semibold text-amber-950 dark:text-amber-100">
            Their changes{" "}
            <span className="font-normal text-amber-900/80 dark:text-amber-200/80">
              · v{base.version} → v{conflict.version}
            </span>
          </p>
          <DiffModeToggle mode={mode} onChange={setMode} />
        </div>
        <div
          className="rounded-md border border-amber-200/80 bg-white p-3 dark:border-amber-500/20 dark:bg-zinc-900"
          data-testid="conflict-theirs"
        >
          <FieldChangeList
            changes={theirs}
            mode={mode}
            attributeLabels={labels}
            attributeTypes={types}
            beforeLabel={`Version ${base.version}`}
            afterLabel={`Version ${conflict.version}`}
          />
        </div>
        <p className="text-[13px] font-semibold text-amber-950 dark:text-amber-100">
          Your changes <span className="font-normal text-amber-900/80 dark:text-amber-200/80">· still in the form</span>
        </p>
        <div
          className="rounded-md border border-amber-200/80 bg-white p-3 dark:border-amber-500/20 dark:bg-zinc-900"
          data-testid="conflict-mine"
        >
          <FieldChangeList
            changes={mine}
            mode={mode}
            attributeLabels={labels}
            attributeTypes={types}
            beforeLabel={`Version ${base.version}`}
            afterLabel="Your draft"
          />
        </div>
        {overlap.length ? (
          <p className="text-[13px] text-amber-900 dark:text-amber-200">
            You both changed{" "}
            <strong className="font-semibold">{overlap.map((f) => fieldLabel(f, labels)).join(", ")}</strong>.
            Re-applying replaces their text in {overlap.length === 1 ? "that field" : "those fields"} with yours; their
            other changes stay.
          </p>
        ) : theirs.length ? (
          <p className="text-[13px] text-amber-900 dark:text-amber-200">
            You changed different fields, so re-applying keeps their changes and adds yours.
          </p>
        ) : null}
      </div>
      <div className="mt-3 flex flex-col-reverse gap-2 border-t border-amber-200/80 px-4 py-3 sm:flex-row sm:items-center sm:justify-end dark:border-amber-500/20">
        <Button size="sm" onClick={onDiscard} disabled={saving}>
          Discard mine
        </Button>
        <Button size="sm" variant="primary" onClick={onReapply} loading={saving} disabled={mine.length === 0}>
          Re-apply my changes on top of version {conflict.version}
        </Button>
      </div>
    </section>
  );
}
