"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

import { ChevronDownIcon, PlusIcon } from "@/components/icons";
import { attributeDefinitionsOf } from "@/components/requirements/attributes";
import { errorMessage, staleVersionOf } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardFooter } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import {
  ATTRIBUTE_TYPES,
  type AttributeDefinition,
  type AttributeType,
  attributeDefinition,
} from "@/lib/schemas/project";
import { useTRPC } from "@/lib/trpc/react";

import { SettingsSection } from "./settings-section";

const TYPE_LABELS: Record<AttributeType, string> = {
  text: "Text",
  richText: "Rich text",
  number: "Number",
  enum: "Single choice",
  multiEnum: "Multiple choice",
  date: "Date",
  dateTime: "Date and time",
  boolean: "Yes / no",
};

const hasOptions = (type: AttributeType) => type === "enum" || type === "multiEnum";

interface Saved {
  version: number;
  /** The whole settings object: a save sends it back with only `requirementAttributes` changed. */
  settings: unknown;
}

interface Conflict {
  currentVersion: number;
  current?: Saved;
  updatedBy: { name: string } | null;
}

/** One form per definition, so a saved list and an edited one compare equal when nothing changed. */
function normalize(d: AttributeDefinition): AttributeDefinition {
  return {
    key: d.key,
    label: d.label,
    type: d.type,
    required: d.required === true,
    ...(d.retired ? { retired: true } : {}),
    ...(hasOptions(d.type) ? { options: [...(d.options ?? [])] } : {}),
  };
}

const definitionsOf = (settings: unknown) => attributeDefinitionsOf(settings).map(normalize);

function settingsObject(settings: unknown): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings)
    ? (settings as Record<string, unknown>)
    : {};
}

/** A key suggested from the label: "Verification method" → "verificationMethod". */
function keyFromLabel(label: string): string {
  const words = label
    .normalize("NFKD")
    .replace(/[^a-zA-Z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  const joined = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
  return (/^[a-z]/.test(joined) ? joined : joined ? `attr${joined}` : "").slice(0, 40);
}

/**
 * The project's custom requirement attributes: add, edit, reorder, retire. Changes collect in the list and
 * are saved together as one new project version, against the version the page was loaded with.
 */
export function AttributesSection({ project, archived }: { project: Saved & { key: string }; archived: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [base, setBase] = useState<Saved>(project);
  const [defs, setDefs] = useState<AttributeDefinition[]>(() => definitionsOf(project.settings));
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const [focusAfterMove, setFocusAfterMove] = useState<{ key: string; dir: "up" | "down" } | null>(null);
  const moveButtons = useRef(new Map<string, HTMLButtonElement | null>());
  const addButton = useRef<HTMLButtonElement>(null);

  const savedDefs = definitionsOf(base.settings);
  const savedKeys = new Set(savedDefs.map((d) => d.key));
  const dirty = JSON.stringify(defs) !== JSON.stringify(savedDefs);

  // A newer version arriving from the server (after a refresh) replaces an unedited list.
  const [seenVersion, setSeenVersion] = useState(project.version);
  if (project.version !== seenVersion) {
    setSeenVersion(project.version);
    if (!dirty && editing === null && project.version > base.version) {
      setBase(project);
      setDefs(definitionsOf(project.settings));
    }
  }

  // Keyboard focus follows the row that moved; at either end it lands on the button that can still move it.
  useEffect(() => {
    if (!focusAfterMove) return;
    const index = defs.findIndex((d) => d.key === focusAfterMove.key);
    const atEdge = focusAfterMove.dir === "up" ? index === 0 : index === defs.length - 1;
    const dir = atEdge ? (focusAfterMove.dir === "up" ? "down" : "up") : focusAfterMove.dir;
    moveButtons.current.get(`${focusAfterMove.key}:${dir}`)?.focus();
    setFocusAfterMove(null);
  }, [focusAfterMove, defs]);

  const update = useMutation(
    trpc.project.update.mutationOptions({
      onSuccess(p) {
        setBase({ version: p.version, settings: p.settings });
        setDefs(definitionsOf(p.settings));
        setSaved(true);
        router.refresh();
      },
      onError(err) {
        const stale = staleVersionOf<Saved>(err);
        if (stale) {
          setConflict({ currentVersion: stale.currentVersion, current: stale.current, updatedBy: stale.updatedBy });
          return;
        }
        setError(errorMessage(err));
      },
    }),
  );

  function change(next: AttributeDefinition[]) {
    setDefs(next);
    setSaved(false);
    setError(null);
  }

  function move(index: number, dir: "up" | "down") {
    const to = dir === "up" ? index - 1 : index + 1;
    const moved = defs[index];
    if (!moved || to < 0 || to >= defs.length) return;
    const next = [...defs];
    next.splice(index, 1);
    next.splice(to, 0, moved);
    change(next);
    setAnnouncement(`${moved.label} moved to position ${to + 1} of ${defs.length}`);
    setFocusAfterMove({ key: moved.key, dir });
  }

  function save() {
    if (update.isPending) return;
    setError(null);
    setConflict(null);
    setSaved(false);
    update.mutate({
      projectKey: project.key,
      expectedVersion: base.version,
      settings: { ...settingsObject(base.settings), requirementAttributes: defs },
      changeNote: "Requirement attributes changed",
    });
  }

  function reloadLatest() {
    if (conflict?.current) {
      const latest = { version: conflict.currentVersion, settings: conflict.current.settings };
      setBase(latest);
      setDefs(definitionsOf(latest.settings));
    }
    setEditing(null);
    setConflict(null);
    router.refresh();
  }

  const locked = archived || update.isPending;

  return (
    <SettingsSection
      id="attributes"
      title="Attributes"
      description="Custom fields every requirement in this project can carry. Retire an attribute to stop new values while keeping the ones requirements already hold."
    >
      <Card>
        {conflict ? (
          <div className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
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
              {conflict.currentVersion}. Nothing was saved. Reload to see their changes; your unsaved attribute changes
              will be replaced.
            </Alert>
          </div>
        ) : error ? (
          <div className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <Alert title="Not saved">{error}</Alert>
          </div>
        ) : null}

        {defs.length === 0 && editing !== "new" ? (
          <div className="px-5 py-8 text-center">
            <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">No attributes yet</p>
            <p className="mt-1 text-[13px] text-zinc-500 dark:text-zinc-400">
              Add fields such as a verification method, an owner or a due date.
            </p>
          </div>
        ) : (
          <ul aria-label="Attributes" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {defs.map((d, i) =>
              editing === d.key ? (
                <li key={d.key} className="bg-zinc-50/60 dark:bg-zinc-900/40">
                  <AttributeEditor
                    initial={d}
                    keyLocked={savedKeys.has(d.key)}
                    takenKeys={defs.filter((o) => o.key !== d.key).map((o) => o.key)}
                    onCancel={() => setEditing(null)}
                    onApply={(next) => {
                      change(defs.map((o) => (o.key === d.key ? next : o)));
                      setEditing(null);
                    }}
                    onDelete={() => {
                      change(defs.filter((o) => o.key !== d.key));
                      setEditing(null);
                      setAnnouncement(`${d.label} removed from the list`);
                      addButton.current?.focus();
                    }}
                  />
                </li>
              ) : (
                <li key={d.key} className="flex items-center gap-3 px-5 py-3">
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
                      <span
                        className={cn(
                          "text-sm font-medium break-words",
                          d.retired ? "text-zinc-500 dark:text-zinc-400" : "text-zinc-900 dark:text-zinc-100",
                        )}
                      >
                        {d.label}
                      </span>
                      <code className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{d.key}</code>
                    </div>
                    <div className="mt-1 flex flex-wrap items-center gap-1.5">
                      <Badge>{TYPE_LABELS[d.type]}</Badge>
                      {d.required ? <Badge tone="indigo">Required</Badge> : null}
                      {d.retired ? <Badge tone="amber">Retired</Badge> : null}
                      {!savedKeys.has(d.key) ? <Badge tone="sky">Not saved</Badge> : null}
                      {d.options?.length ? (
                        <span className="min-w-0 truncate text-xs text-zinc-500 dark:text-zinc-400">
                          {d.options.join(" · ")}
                        </span>
                      ) : null}
                    </div>
                  </div>
                  <div className="flex shrink-0 items-center gap-0.5">
                    <MoveButton
                      ref={(el) => {
                        moveButtons.current.set(`${d.key}:up`, el);
                      }}
                      dir="up"
                      label={d.label}
                      disabled={locked || editing !== null || i === 0}
                      onClick={() => move(i, "up")}
                    />
                    <MoveButton
                      ref={(el) => {
                        moveButtons.current.set(`${d.key}:down`, el);
                      }}
                      dir="down"
                      label={d.label}
                      disabled={locked || editing !== null || i === defs.length - 1}
                      onClick={() => move(i, "down")}
                    />
                    <Button
                      size="sm"
                      variant="ghost"
                      className="ml-1"
                      disabled={locked || editing !== null}
                      aria-label={`Edit ${d.label}`}
                      onClick={() => setEditing(d.key)}
                    >
                      Edit
                    </Button>
                  </div>
                </li>
              ),
            )}
            {editing === "new" ? (
              <li className="bg-zinc-50/60 dark:bg-zinc-900/40">
                <AttributeEditor
                  initial={null}
                  keyLocked={false}
                  takenKeys={defs.map((o) => o.key)}
                  onCancel={() => {
                    setEditing(null);
                    addButton.current?.focus();
                  }}
                  onApply={(next) => {
                    change([...defs, next]);
                    setEditing(null);
                    setAnnouncement(`${next.label} added; save to keep it`);
                  }}
                />
              </li>
            ) : null}
          </ul>
        )}

        <CardFooter>
          <Button
            ref={addButton}
            size="sm"
            variant="ghost"
            className="mr-auto -ml-2"
            disabled={locked || editing !== null || defs.length >= 50}
            onClick={() => {
              setEditing("new");
              setSaved(false);
            }}
          >
            <PlusIcon className="size-3.5" />
            Add attribute
          </Button>
          <div className="flex items-center gap-3">
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400" aria-live="polite">
              {saved && !dirty ? (
                <span className="text-emerald-700 dark:text-emerald-400">Saved as version {base.version}</span>
              ) : dirty ? (
                "Unsaved changes"
              ) : null}
            </p>
            {dirty ? (
              <Button
                size="sm"
                variant="ghost"
                disabled={update.isPending}
                onClick={() => {
                  setDefs(savedDefs);
                  setEditing(null);
                  setError(null);
                }}
              >
                Discard
              </Button>
            ) : null}
            <Button
              size="sm"
              variant="primary"
              disabled={!dirty || archived || editing !== null}
              loading={update.isPending}
              onClick={save}
            >
              Save changes
            </Button>
          </div>
        </CardFooter>
        <p className="sr-only" aria-live="polite">
          {announcement}
        </p>
        {archived ? (
          <p className="rounded-b-lg border-t border-zinc-200 px-5 py-2 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            This project is archived; restore it to change its attributes.
          </p>
        ) : null}
      </Card>
    </SettingsSection>
  );
}

function MoveButton({
  ref,
  dir,
  label,
  disabled,
  onClick,
}: {
  ref: React.Ref<HTMLButtonElement>;
  dir: "up" | "down";
  label: string;
  disabled: boolean;
  onClick: () => void;
}) {
  return (
    <button
      ref={ref}
      type="button"
      aria-label={`Move ${label} ${dir}`}
      title={dir === "up" ? "Move up" : "Move down"}
      disabled={disabled}
      onClick={onClick}
      className={cn(
        "inline-flex size-7 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 disabled:pointer-events-none disabled:opacity-30 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
        focusRing,
      )}
    >
      <ChevronDownIcon className={cn("size-3.5", dir === "up" && "rotate-180")} />
    </button>
  );
}

type EditorErrors = Partial<Record<"label" | "key" | "options", string>>;

/** Adds or edits one definition; checked with the server's schema before it joins the list. */
function AttributeEditor({
  initial,
  keyLocked,
  takenKeys,
  onApply,
  onCancel,
  onDelete,
}: {
  initial: AttributeDefinition | null;
  keyLocked: boolean;
  takenKeys: string[];
  onApply: (def: AttributeDefinition) => void;
  onCancel: () => void;
  onDelete?: () => void;
}) {
  const id = useId();
  const [label, setLabel] = useState(initial?.label ?? "");
  const [key, setKey] = useState(initial?.key ?? "");
  const [keyEdited, setKeyEdited] = useState(initial !== null);
  const [type, setType] = useState<AttributeType>(initial?.type ?? "text");
  const [options, setOptions] = useState((initial?.options ?? []).join("\n"));
  const [required, setRequired] = useState(initial?.required ?? false);
  const [retired, setRetired] = useState(initial?.retired ?? false);
  const [errors, setErrors] = useState<EditorErrors>({});
  const labelRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    labelRef.current?.focus();
  }, []);

  function apply() {
    const optionList = [
      ...new Set(
        options
          .split("\n")
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    ];
    const candidate = {
      key: key.trim(),
      label,
      type,
      required,
      ...(retired ? { retired: true } : {}),
      ...(hasOptions(type) ? { options: optionList } : {}),
    };
    const parsed = attributeDefinition.safeParse(candidate);
    const next: EditorErrors = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === "label" || field === "key" || field === "options") && !next[field]) {
          next[field] = field === "label" && !label.trim() ? "Give the attribute a label" : issue.message;
        }
      }
    }
    if (!next.key && takenKeys.includes(candidate.key)) next.key = "Another attribute already uses this key";
    if (Object.keys(next).length > 0 || !parsed.success) {
      setErrors(next);
      return;
    }
    onApply(normalize(parsed.data));
  }

  return (
    <form
      noValidate
      aria-label={initial ? `Edit ${initial.label}` : "New attribute"}
      className="space-y-4 px-5 py-4"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${id}-label`} label="Label" error={errors.label}>
          <Input
            ref={labelRef}
            value={label}
            maxLength={60}
            autoComplete="off"
            placeholder="e.g. Verification method"
            onChange={(e) => {
              setLabel(e.target.value);
              if (!keyEdited) setKey(keyFromLabel(e.target.value));
              setErrors((x) => ({ ...x, label: undefined }));
            }}
          />
        </Field>
        <Field
          id={`${id}-key`}
          label="Key"
          error={errors.key}
          hint={keyLocked ? "Fixed once saved." : "Used by the API and imports; fixed once saved."}
        >
          <Input
            value={key}
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            readOnly={keyLocked}
            className="font-mono read-only:bg-zinc-50 read-only:text-zinc-500 dark:read-only:bg-zinc-800/60"
            onChange={(e) => {
              setKey(e.target.value);
              setKeyEdited(true);
              setErrors((x) => ({ ...x, key: undefined }));
            }}
          />
        </Field>
        <Field
          id={`${id}-type`}
          label="Type"
          hint={keyLocked ? "Can only change while no requirement holds a value for it." : undefined}
        >
          <Select value={type} onChange={(e) => setType(e.target.value as AttributeType)}>
            {ATTRIBUTE_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </Select>
        </Field>
        {hasOptions(type) ? (
          <Field
            id={`${id}-options`}
            label="Options"
            error={errors.options}
            hint="One per line. Options requirements use cannot be removed."
          >
            <Textarea
              rows={4}
              value={options}
              placeholder={"Test\nAnalysis\nInspection"}
              onChange={(e) => {
                setOptions(e.target.value);
                setErrors((x) => ({ ...x, options: undefined }));
              }}
            />
          </Field>
        ) : null}
      </div>
      <div className="space-y-3">
        <SwitchRow
          id={`${id}-required`}
          label="Required"
          description="New requirements, and edits that change attribute values, must fill it in. Versions written before stay valid."
          checked={required}
          onChange={setRequired}
        />
        {initial ? (
          <SwitchRow
            id={`${id}-retired`}
            label="Retired"
            description="Values requirements already hold stay readable everywhere, but no new values can be set and it leaves the requirement form."
            checked={retired}
            onChange={setRetired}
          />
        ) : null}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 pt-1">
        {onDelete ? (
          <Button size="sm" variant="ghost" className="text-red-600 dark:text-red-400" onClick={onDelete}>
            Delete
          </Button>
        ) : (
          <span />
        )}
        <div className="flex gap-2">
          <Button size="sm" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button size="sm" type="submit">
            {initial ? "Done" : "Add to list"}
          </Button>
        </div>
      </div>
    </form>
  );
}

function SwitchRow({
  id,
  label,
  description,
  checked,
  onChange,
}: {
  id: string;
  label: string;
  description: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="flex items-start justify-between gap-4">
      <div className="min-w-0 text-sm">
        <label htmlFor={id} className="font-medium text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
        <p id={`${id}-description`} className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          {description}
        </p>
      </div>
      <Switch id={id} checked={checked} aria-describedby={`${id}-description`} onCheckedChange={onChange} />
    </div>
  );
}
