"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { errorDetails, errorMessage, serverFieldErrors } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/react";

import { type AttributeDefinition, toRawAttributes } from "./attributes";
import { checkDraft, draftErrorsFrom } from "./draft";
import { type DraftErrors, type DraftValues, RequirementFieldset } from "./form-fields";

function emptyDraft(defs: AttributeDefinition[]): DraftValues {
  return {
    title: "",
    statement: "",
    rationale: "",
    type: "FUNCTIONAL",
    priority: "SHOULD",
    tags: [],
    attributes: toRawAttributes(defs, {}),
  };
}

/** Indents an option label by tree depth (native options cannot be styled), like the tree: at most 12 steps. */
export function indentLabel(depth: number, text: string): string {
  return `${"\u00a0\u00a0\u00a0".repeat(Math.min(depth, 12))}${text}`;
}

export function NewRequirementDialog({
  open,
  onClose,
  projectKey,
  defs,
  defaultParentKey,
}: {
  open: boolean;
  onClose: () => void;
  projectKey: string;
  defs: AttributeDefinition[];
  defaultParentKey?: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const titleRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<DraftValues>(() => emptyDraft(defs));
  const [parentKey, setParentKey] = useState<string>(defaultParentKey ?? "");
  const [errors, setErrors] = useState<DraftErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const tree = useQuery(trpc.requirement.tree.queryOptions({ projectKey }, { enabled: open }));

  const create = useMutation(
    trpc.requirement.create.mutationOptions({
      async onSuccess(req) {
        await queryClient.invalidateQueries({ queryKey: trpc.requirement.pathKey() });
        router.push(`/projects/${projectKey}/requirements/${req.key}`);
      },
      onError(err) {
        const mapped = draftErrorsFrom(serverFieldErrors(err), errorDetails(err), err.message);
        if (mapped) {
          setErrors(mapped);
          focusFirstInvalid(formRef.current);
        } else {
          setFormError(errorMessage(err));
        }
      },
    }),
  );

  function close() {
    if (create.isPending) return;
    setValues(emptyDraft(defs));
    setParentKey(defaultParentKey ?? "");
    setErrors({});
    setFormError(null);
    create.reset();
    onClose();
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = checkDraft(values, defs);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    create.mutate({
      projectKey,
      title: values.title.trim(),
      statement: values.statement,
      rationale: values.rationale,
      type: values.type,
      priority: values.priority,
      tags: values.tags,
      attributes: checked.attributes,
      parentKey: parentKey || null,
    });
  }

  const nodes = tree.data?.nodes ?? [];

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New requirement"
      description="It starts as a draft. Every later change is kept as a new version."
      initialFocusRef={titleRef}
      // Long form: the dialog scrolls and its footer stays in view.
      className="max-h-[calc(100dvh-2rem)]! max-w-2xl! overflow-y-auto! [&>div>div:last-child]:sticky [&>div>div:last-child]:bottom-0 [&>div>div:last-child]:bg-zinc-50 dark:[&>div>div:last-child]:bg-zinc-900"
      footer={
        <>
          <Button onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            form="new-requirement-form"
            variant="primary"
            loading={create.isPending || create.isSuccess}
          >
            Create requirement
          </Button>
        </>
      }
    >
      <form ref={formRef} id="new-requirement-form" onSubmit={onSubmit} noValidate>
        {formError ? <Alert className="mb-4">{formError}</Alert> : null}
        <RequirementFieldset
          idPrefix="new-req"
          values={values}
          onChange={(patch) => setValues((v) => ({ ...v, ...patch }))}
          errors={errors}
          setErrors={setErrors}
          defs={defs}
          disabled={create.isPending}
          autoFocusRef={titleRef}
          afterClassification={
            <Field
              id="new-req-parent"
              label="Parent"
              optional
              error={errors.parentKey}
              hint="Nest it under another requirement."
            >
              <Select value={parentKey} onChange={(e) => setParentKey(e.target.value)} disabled={create.isPending}>
                <option value="">None (top level)</option>
                {parentKey && !nodes.some((n) => n.key === parentKey) ? (
                  <option value={parentKey}>{parentKey}</option>
                ) : null}
                {nodes.map((n) => (
                  <option key={n.key} value={n.key}>
                    {indentLabel(n.depth, `${n.key} · ${n.title}`)}
                  </option>
                ))}
              </Select>
            </Field>
          }
        />
      </form>
    </Dialog>
  );
}
