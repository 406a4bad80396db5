"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { PlusIcon } from "@/components/icons";
import { errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { ISSUE_SEVERITIES, issueCreateInput } from "@/lib/schemas/issue";
import { useTRPC } from "@/lib/trpc/react";

import { parseLabels, SEVERITY_LABELS } from "./issue-meta";
import { MarkdownEditor } from "./markdown-editor";

export function NewIssueButton({ projectKey, disabled }: { projectKey: string; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} disabled={disabled} aria-keyshortcuts="c">
        <PlusIcon className="size-4" />
        New issue
      </Button>
      <NewIssueDialog projectKey={projectKey} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function NewIssueDialog({ projectKey, open, onClose }: { projectKey: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const titleRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [severity, setSeverity] = useState<(typeof ISSUE_SEVERITIES)[number]>("MEDIUM");
  const [labels, setLabels] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.issue.create.mutationOptions({
      onSuccess: async (issue) => {
        await queryClient.invalidateQueries({ queryKey: trpc.issue.list.pathKey() });
        close();
        router.push(`/projects/${projectKey}/issues/${issue.key}`);
      },
      onError: (err) => {
        const fe = serverFieldErrors(err);
        setErrors(fe);
        if (Object.keys(fe).length === 0) setFormError(errorMessage(err));
      },
    }),
  );

  function close() {
    setTitle("");
    setDescription("");
    setSeverity("MEDIUM");
    setLabels("");
    setErrors({});
    setFormError(null);
    onClose();
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setFormError(null);
    const values = { projectKey, title, description, severity, labels: parseLabels(labels) };
    const result = validate(issueCreateInput, values);
    if (!result.ok) {
      setErrors(result.errors);
      titleRef.current?.focus();
      return;
    }
    setErrors({});
    create.mutate(result.data);
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New issue"
      description="Describe what is wrong or missing. Maintainers triage new issues."
      className="max-w-xl"
      initialFocusRef={titleRef}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="new-issue-title" label="Title" error={errors.title}>
          <Input
            ref={titleRef}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={200}
            autoComplete="off"
          />
        </Field>
        <div className="space-y-1.5">
          <Label htmlFor="new-issue-description">Description</Label>
          <MarkdownEditor
            id="new-issue-description"
            label="Description"
            value={description}
            onChange={setDescription}
            invalid={Boolean(errors.description)}
            placeholder="Steps to reproduce, expected and actual behaviour…"
          />
          {errors.description ? (
            <p className="text-[13px] text-red-600 dark:text-red-400">{errors.description}</p>
          ) : null}
        </div>
        <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
          <Field id="new-issue-severity" label="Severity" error={errors.severity}>
            <Select value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
              {ISSUE_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABELS[s]}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="new-issue-labels" label="Labels" optional hint="Separate with commas" error={errors.labels}>
            <Input
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
              placeholder="ui, payments"
              autoComplete="off"
            />
          </Field>
        </div>
        <div className="-mx-5 -mb-5 flex flex-col-reverse gap-2 rounded-b-xl border-t border-zinc-200 bg-zinc-50/80 px-5 py-3 sm:flex-row sm:justify-end dark:border-zinc-800 dark:bg-zinc-900/80">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" loading={create.isPending}>
            Create issue
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
