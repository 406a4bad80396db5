"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { PlusIcon } from "@/components/icons";
import { errorCode, errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input, Textarea } from "@/components/ui/input";
import { projectCreateInput } from "@/lib/schemas/project";
import { useTRPC } from "@/lib/trpc/react";

/** A key suggestion from the name: initials of several words, or the first letters of one. */
function suggestKey(name: string): string {
  const words = name
    .toUpperCase()
    .replace(/[^A-Z\s]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return "";
  const key = rest.length > 0 ? words.map((w) => w[0]).join("") : first.slice(0, 4);
  return key.slice(0, 10);
}

const empty = { name: "", key: "", description: "" };

export function NewProjectButton({ label = "New project" }: { label?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        <PlusIcon />
        {label}
      </Button>
      <NewProjectDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

export function NewProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const nameRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(empty);
  const [keyTouched, setKeyTouched] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.project.create.mutationOptions({
      onSuccess(project) {
        router.push(`/projects/${project.key}`);
        router.refresh();
      },
      onError(err) {
        if (errorCode(err) === "CONFLICT") {
          setErrors({ key: err.message });
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
    setValues(empty);
    setKeyTouched(false);
    setErrors({});
    setFormError(null);
    onClose();
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = validate(projectCreateInput, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    create.mutate(checked.data);
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create a project"
      description="Projects hold requirements, issues and the people who work on them."
      initialFocusRef={nameRef}
      footer={
        <>
          <Button onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            form="new-project-form"
            variant="primary"
            loading={create.isPending || create.isSuccess}
          >
            Create project
          </Button>
        </>
      }
    >
      <form ref={formRef} id="new-project-form" onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="project-name" label="Name" error={errors.name}>
          <Input
            ref={nameRef}
            name="name"
            value={values.name}
            autoComplete="off"
            placeholder="Flight Control Software"
            onChange={(e) => {
              const name = e.target.value;
              setValues((v) => ({ ...v, name, key: keyTouched ? v.key : suggestKey(name) }));
              if (errors.name) setErrors((p) => ({ ...p, name: undefined }));
            }}
          />
        </Field>
        <Field
          id="project-key"
          label="Key"
          error={errors.key}
          hint="2–10 upper-case letters (A–Z). Prefixes item IDs such as FCS-12 and can't be changed later."
        >
          <Input
            name="key"
            value={values.key}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={10}
            placeholder="FCS"
            className="font-mono tracking-wide uppercase placeholder:normal-case"
            onChange={(e) => {
              setKeyTouched(true);
              setValues((v) => ({ ...v, key: e.target.value.toUpperCase().replace(/\s/g, "") }));
              if (errors.key) setErrors((p) => ({ ...p, key: undefined }));
            }}
          />
        </Field>
        <Field id="project-description" label="Description" optional error={errors.description}>
          <Textarea
            name="description"
            rows={3}
            value={values.description}
            placeholder="What is this project about?"
            onChange={(e) => setValues((v) => ({ ...v, description: e.target.value }))}
          />
        </Field>
      </form>
    </Dialog>
  );
}
