"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { errorMessage, type FieldErrors, serverFieldErrors, staleVersionOf, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input, Textarea } from "@/components/ui/input";
import { projectUpdateInput } from "@/lib/schemas/project";
import { useTRPC } from "@/lib/trpc/react";

import { SettingsSection } from "./settings-section";

interface Details {
  key: string;
  name: string;
  description: string;
  version: number;
}

interface Conflict {
  currentVersion: number;
  current?: { name: string; description: string; version: number };
  updatedBy: { name: string } | null;
}

export function ProjectDetailsForm({ project, archived }: { project: Details; archived: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  // `base` is the version the edits apply to; it only moves on a save or an explicit reload.
  const [base, setBase] = useState(project);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [changeNote, setChangeNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState(false);

  const dirty = name !== base.name || description !== base.description;

  // A newer version arriving from the server (after a refresh) replaces an unedited form.
  const [seenVersion, setSeenVersion] = useState(project.version);
  if (project.version !== seenVersion) {
    setSeenVersion(project.version);
    if (!dirty && project.version > base.version) {
      setBase(project);
      setName(project.name);
      setDescription(project.description);
    }
  }

  const update = useMutation(
    trpc.project.update.mutationOptions({
      onSuccess(p) {
        const next = { key: p.key, name: p.name, description: p.description, version: p.version };
        setBase(next);
        setName(next.name);
        setDescription(next.description);
        setChangeNote("");
        setSaved(true);
        router.refresh();
      },
      onError(err) {
        const stale = staleVersionOf<Conflict["current"]>(err);
        if (stale) {
          setConflict({ currentVersion: stale.currentVersion, current: stale.current, updatedBy: stale.updatedBy });
          return;
        }
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) setErrors(fields);
        else setFormError(errorMessage(err));
      },
    }),
  );

  function reloadLatest() {
    if (conflict?.current) {
      const latest = { ...base, ...conflict.current, version: conflict.currentVersion };
      setBase(latest);
      setName(latest.name);
      setDescription(latest.description);
    }
    setConflict(null);
    router.refresh();
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    setFormError(null);
    setConflict(null);
    const input = {
      projectKey: base.key,
      expectedVersion: base.version,
      name,
      description,
      ...(changeNote.trim() ? { changeNote: changeNote.trim() } : {}),
    };
    const checked = validate(projectUpdateInput, input);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    update.mutate(checked.data);
  }

  const disabled = archived || update.isPending;

  return (
    <SettingsSection
      id="general"
      title="General"
      description="The project's name and description. Every change is versioned, so you can see who changed what."
    >
      <Card>
        <form onSubmit={onSubmit} noValidate>
          <CardBody className="space-y-4 py-5">
            {conflict ? (
              <Alert
                tone="warning"
                title="Someone else changed this project"
                action={
                  <Button size="sm" onClick={reloadLatest}>
                    Reload latest version
                  </Button>
                }
              >
                You were editing version {base.version}, but{" "}
                {conflict.updatedBy ? `${conflict.updatedBy.name} saved` : "it is now at"} version{" "}
                {conflict.currentVersion}. Reload to see their changes — your unsaved edits will be replaced.
              </Alert>
            ) : null}
            {formError ? <Alert>{formError}</Alert> : null}
            <Field id="settings-name" label="Project name" error={errors.name}>
              <Input
                name="name"
                value={name}
                disabled={disabled}
                onChange={(e) => {
                  setName(e.target.value);
                  setSaved(false);
                }}
              />
            </Field>
            <Field id="settings-description" label="Description" optional error={errors.description}>
              <Textarea
                name="description"
                rows={5}
                value={description}
                disabled={disabled}
                placeholder="What is this project about? Who is it for?"
                onChange={(e) => {
                  setDescription(e.target.value);
                  setSaved(false);
                }}
              />
            </Field>
            {dirty ? (
              <Field
                id="settings-change-note"
                label="Change note"
                optional
                error={errors.changeNote}
                hint="A short reason, kept with this version in the history."
              >
                <Input
                  name="changeNote"
                  value={changeNote}
                  disabled={disabled}
                  placeholder="e.g. Clarified scope after kickoff"
                  onChange={(e) => setChangeNote(e.target.value)}
                />
              </Field>
            ) : null}
          </CardBody>
          <CardFooter className="justify-between">
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400" aria-live="polite">
              {saved && !dirty ? (
                <span className="text-emerald-700 dark:text-emerald-400">Saved as version {base.version}</span>
              ) : (
                <>Version {base.version}</>
              )}
            </p>
            <div className="flex gap-2">
              {dirty ? (
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={update.isPending}
                  onClick={() => {
                    setName(base.name);
                    setDescription(base.description);
                    setChangeNote("");
                    setErrors({});
                  }}
                >
                  Discard
                </Button>
              ) : null}
              <Button
                type="submit"
                size="sm"
                variant="primary"
                disabled={!dirty || archived}
                loading={update.isPending}
              >
                Save changes
              </Button>
            </div>
          </CardFooter>
        </form>
      </Card>
    </SettingsSection>
  );
}
