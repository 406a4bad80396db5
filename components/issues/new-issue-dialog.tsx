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
import { formatBytes } from "./attachments";
import { parseLabels, SEVERITY_LABELS } from "./issue-meta";
import { MarkdownEditor } from "./markdown-editor";
import { uploadFile } from "./upload";

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
  const [files, setFiles] = useState<File[]>([]);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const [attaching, setAttaching] = useState<string | null>(null);
  /** Filed, but some files could not be attached: say which, and let the person go on to the issue. */
  const [partly, setPartly] = useState<{ key: string; failed: string[] } | null>(null);

  const create = useMutation(
    trpc.issue.create.mutationOptions({
      onSuccess: async (issue) => {
        await queryClient.invalidateQueries({ queryKey: trpc.issue.list.pathKey() });
        const failed: string[] = [];
        for (const [i, file] of files.entries()) {
          setAttaching(`Attaching ${file.name} (${i + 1} of ${files.length})…`);
          await uploadFile(issue.key, file).catch((err: unknown) =>
            failed.push(`${file.name}: ${err instanceof Error ? err.message : String(err)}`),
          );
        }
        setAttaching(null);
        if (failed.length) {
          setPartly({ key: issue.key, failed });
          return;
        }
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
    setFiles([]);
    setPartly(null);
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
        <section
          aria-label="Attachments"
          className="space-y-2"
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes("Files")) e.preventDefault();
          }}
          onDrop={(e) => {
            if (!e.dataTransfer.files.length) return;
            e.preventDefault();
            const dropped = [...e.dataTransfer.files];
            setFiles((f) => [...f, ...dropped]);
          }}
        >
          <div className="flex items-center justify-between gap-2">
            <span className="text-sm font-medium text-zinc-900 dark:text-zinc-100">Attachments</span>
            <input
              ref={fileInputRef}
              type="file"
              multiple
              className="hidden"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => {
                // Copied before the input is cleared: the FileList is live.
                const chosen = [...(e.target.files ?? [])];
                if (chosen.length) setFiles((f) => [...f, ...chosen]);
                e.target.value = "";
              }}
            />
            <Button size="sm" onClick={() => fileInputRef.current?.click()}>
              Add files
            </Button>
          </div>
          {files.length ? (
            <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 text-[13px] dark:divide-zinc-800 dark:border-zinc-800">
              {files.map((f, i) => (
                <li key={`${f.name}-${f.size}-${f.lastModified}`} className="flex items-center gap-2 px-3 py-1.5">
                  <span className="min-w-0 flex-1 truncate">{f.name}</span>
                  <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">{formatBytes(f.size)}</span>
                  <button
                    type="button"
                    className="shrink-0 text-xs font-medium text-zinc-600 hover:text-red-600 dark:text-zinc-400 dark:hover:text-red-400"
                    aria-label={`Do not attach ${f.name}`}
                    onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              Screenshots, logs or documents: add or drop them here.
            </p>
          )}
        </section>
        {attaching ? (
          <p role="status" className="text-[13px] text-zinc-600 dark:text-zinc-400">
            {attaching}
          </p>
        ) : null}
        {partly ? (
          <Alert
            action={
              <Button
                size="sm"
                onClick={() => {
                  const key = partly.key;
                  close();
                  router.push(`/projects/${projectKey}/issues/${key}`);
                }}
              >
                Open {partly.key}
              </Button>
            }
          >
            {partly.key} was filed, but {partly.failed.length === 1 ? "one file" : "some files"} could not be attached:{" "}
            {partly.failed.join("; ")}
          </Alert>
        ) : null}
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
