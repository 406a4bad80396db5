"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { BaselineSummary } from "@/components/requirements/types";
import { errorCode, errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input, Textarea } from "@/components/ui/input";
import { baselineCreateInput } from "@/lib/schemas/baseline";
import { useTRPC } from "@/lib/trpc/react";

export function CreateBaselineDialog({
  open,
  onClose,
  projectKey,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  projectKey: string;
  onCreated: (b: BaselineSummary) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const nameRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.baseline.create.mutationOptions({
      async onSuccess(b) {
        await queryClient.invalidateQueries({ queryKey: trpc.baseline.pathKey() });
        setName("");
        setNote("");
        onCreated(b);
      },
      onError(err) {
        if (errorCode(err) === "CONFLICT") {
          setErrors({ name: err.message });
          focusFirstInvalid(formRef.current);
          return;
        }
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else setFormError(errorMessage(err));
      },
    }),
  );

  function close() {
    if (create.isPending) return;
    setErrors({});
    setFormError(null);
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create a baseline"
      description="Freezes the current version of every requirement that is not deprecated. Later edits never change a baseline."
      initialFocusRef={nameRef}
      footer={
        <>
          <Button onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="create-baseline-form" variant="primary" loading={create.isPending}>
            Create baseline
          </Button>
        </>
      }
    >
      <form
        ref={formRef}
        id="create-baseline-form"
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setFormError(null);
          const checked = validate(baselineCreateInput, { projectKey, name, note });
          if (!checked.ok) {
            setErrors(checked.errors);
            focusFirstInvalid(e.currentTarget);
            return;
          }
          setErrors({});
          create.mutate(checked.data);
        }}
      >
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="baseline-name" label="Name" error={errors.name} hint="e.g. SRS 1.0 or Design review, March">
          <Input
            ref={nameRef}
            name="name"
            value={name}
            maxLength={100}
            autoComplete="off"
            onChange={(e) => {
              setName(e.target.value);
              if (errors.name) setErrors((x) => ({ ...x, name: undefined }));
            }}
          />
        </Field>
        <Field id="baseline-note" label="Note" optional error={errors.note}>
          <Textarea
            name="note"
            rows={3}
            maxLength={2000}
            value={note}
            placeholder="What this baseline was taken for."
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
      </form>
    </Dialog>
  );
}
