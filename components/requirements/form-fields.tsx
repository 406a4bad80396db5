"use client";
/** The inputs a requirement form is made of, shared by "New requirement" and the edit form. */
import { useId, useRef, useState } from "react";

import { Markdown } from "@/components/markdown";
import { cn, focusRing } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { fieldStyles, Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import {
  ATTRIBUTE_RICH_TEXT_MAX,
  ATTRIBUTE_TEXT_MAX,
  REQUIREMENT_PRIORITIES,
  REQUIREMENT_TYPES,
  tag as tagSchema,
} from "@/lib/schemas/requirement";

import { type AttributeDefinition, activeAttributes, type RawAttributes } from "./attributes";
import { PRIORITY_LABELS, type RequirementPriority, type RequirementType, TYPE_LABELS } from "./labels";

interface ControlProps {
  id?: string;
  invalid?: boolean;
  "aria-describedby"?: string;
}

/** A Markdown textarea with Write / Preview tabs; the preview uses the same sanitising renderer as the page. */
export function MarkdownEditor({
  id,
  invalid,
  "aria-describedby": describedBy,
  value,
  onChange,
  rows = 8,
  placeholder,
  disabled,
  name,
  maxLength,
}: ControlProps & {
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  placeholder?: string;
  disabled?: boolean;
  name?: string;
  maxLength?: number;
}) {
  const [tab, setTab] = useState<"write" | "preview">("write");
  const base = useId();
  const writeRef = useRef<HTMLButtonElement>(null);
  const previewRef = useRef<HTMLButtonElement>(null);
  const tabs = [
    { value: "write" as const, label: "Write", ref: writeRef },
    { value: "preview" as const, label: "Preview", ref: previewRef },
  ];
  return (
    <div
      className={cn(
        "overflow-hidden rounded-md border bg-white shadow-xs dark:bg-zinc-900",
        invalid ? "border-red-500" : "border-zinc-300 dark:border-zinc-700",
      )}
    >
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 bg-zinc-50/80 px-1.5 dark:border-zinc-800 dark:bg-zinc-900/80">
        <div role="tablist" aria-label="Editor mode" className="flex gap-0.5 py-1">
          {tabs.map((t) => (
            <button
              key={t.value}
              ref={t.ref}
              type="button"
              role="tab"
              id={`${base}-${t.value}-tab`}
              aria-selected={tab === t.value}
              aria-controls={`${base}-${t.value}-panel`}
              tabIndex={tab === t.value ? 0 : -1}
              onClick={() => setTab(t.value)}
              onKeyDown={(e) => {
                if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                  e.preventDefault();
                  const next = tab === "write" ? "preview" : "write";
                  setTab(next);
                  (next === "write" ? writeRef : previewRef).current?.focus();
                }
              }}
              className={cn(
                "h-7 rounded-[5px] px-2.5 text-[13px] font-medium transition-colors",
                focusRing,
                "focus-visible:ring-offset-0",
                tab === t.value
                  ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-50 dark:ring-zinc-700"
                  : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              )}
            >
              {t.label}
            </button>
          ))}
        </div>
        <span className="pr-1.5 text-xs text-zinc-500 dark:text-zinc-400">Markdown supported</span>
      </div>
      <div role="tabpanel" id={`${base}-write-panel`} aria-labelledby={`${base}-write-tab`} hidden={tab !== "write"}>
        <textarea
          id={id}
          name={name}
          rows={rows}
          value={value}
          maxLength={maxLength}
          disabled={disabled}
          placeholder={placeholder}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
          className="block min-h-24 w-full resize-y border-0 bg-transparent px-3 py-2 text-sm leading-relaxed text-zinc-900 outline-none placeholder:text-zinc-400 focus-visible:bg-indigo-50/30 disabled:cursor-not-allowed dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:focus-visible:bg-indigo-500/5"
        />
      </div>
      <div
        role="tabpanel"
        id={`${base}-preview-panel`}
        aria-labelledby={`${base}-preview-tab`}
        hidden={tab !== "preview"}
        className="min-h-24 px-3 py-2"
      >
        {tab === "preview" ? (
          value.trim() ? (
            <Markdown>{value}</Markdown>
          ) : (
            <p className="text-sm text-zinc-400 italic dark:text-zinc-500">Nothing to preview.</p>
          )
        ) : null}
      </div>
    </div>
  );
}

/** Tags as removable chips; Enter or comma adds, Backspace on an empty input removes the last one. */
export function TagInput({
  id,
  invalid,
  "aria-describedby": describedBy,
  value,
  onChange,
  onInvalid,
  disabled,
}: ControlProps & {
  value: string[];
  onChange: (tags: string[]) => void;
  onInvalid?: (message: string | undefined) => void;
  disabled?: boolean;
}) {
  const [text, setText] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);

  function commit(raw: string): boolean {
    const parts = raw
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) return true;
    const next = [...value];
    for (const p of parts) {
      const parsed = tagSchema.safeParse(p);
      if (!parsed.success) {
        onInvalid?.(parsed.error.issues[0]?.message ?? "Invalid tag");
        setText(p);
        return false;
      }
      if (!next.includes(parsed.data)) next.push(parsed.data);
    }
    if (next.length > 30) {
      onInvalid?.("At most 30 tags");
      return false;
    }
    onInvalid?.(undefined);
    onChange(next);
    setText("");
    return true;
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click on the box around the chips focuses its text input, which keyboard users reach directly with Tab
    // biome-ignore lint/a11y/useKeyWithClickEvents: the click only forwards focus to the text input, which is in the tab order itself
    <div
      className={cn(
        fieldStyles(invalid),
        "flex min-h-9 cursor-text flex-wrap items-center gap-1 px-1.5 py-1 focus-within:ring-2 focus-within:ring-indigo-500 dark:focus-within:ring-indigo-400",
        invalid && "focus-within:ring-red-500/60",
      )}
      onClick={() => inputRef.current?.focus()}
    >
      <ul className="contents" aria-label="Selected tags">
        {value.map((t) => (
          <li
            key={t}
            className="inline-flex h-6 items-center gap-0.5 rounded border border-zinc-200 bg-zinc-50 pr-0.5 pl-1.5 text-xs font-medium text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
          >
            {t}
            <button
              type="button"
              disabled={disabled}
              aria-label={`Remove tag ${t}`}
              onClick={(e) => {
                e.stopPropagation();
                onChange(value.filter((x) => x !== t));
                inputRef.current?.focus();
              }}
              className={cn(
                "rounded-sm p-0.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100",
                focusRing,
                "focus-visible:ring-offset-0",
              )}
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-3"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
                strokeLinecap="round"
              >
                <path d="m4.5 4.5 7 7M11.5 4.5l-7 7" />
              </svg>
            </button>
          </li>
        ))}
      </ul>
      <input
        ref={inputRef}
        id={id}
        value={text}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        spellCheck={false}
        placeholder={value.length ? "" : "Add tags…"}
        onChange={(e) => {
          const v = e.target.value;
          if (v.endsWith(",")) commit(v.slice(0, -1));
          else setText(v);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit(text);
          } else if (e.key === "Backspace" && text === "" && value.length > 0) {
            onChange(value.slice(0, -1));
          }
        }}
        onBlur={() => {
          if (text.trim()) commit(text);
        }}
        className="h-7 min-w-24 flex-1 border-0 bg-transparent px-1.5 text-sm text-zinc-900 outline-none placeholder:text-zinc-400 dark:text-zinc-100 dark:placeholder:text-zinc-500"
      />
    </div>
  );
}

export function TypeSelect(
  props: ControlProps & { value: RequirementType; onChange: (v: RequirementType) => void; disabled?: boolean },
) {
  const { value, onChange, invalid, ...rest } = props;
  return (
    <Select {...rest} invalid={invalid} value={value} onChange={(e) => onChange(e.target.value as RequirementType)}>
      {REQUIREMENT_TYPES.map((t) => (
        <option key={t} value={t}>
          {TYPE_LABELS[t]}
        </option>
      ))}
    </Select>
  );
}

export function PrioritySelect(
  props: ControlProps & { value: RequirementPriority; onChange: (v: RequirementPriority) => void; disabled?: boolean },
) {
  const { value, onChange, invalid, ...rest } = props;
  return (
    <Select {...rest} invalid={invalid} value={value} onChange={(e) => onChange(e.target.value as RequirementPriority)}>
      {REQUIREMENT_PRIORITIES.map((p) => (
        <option key={p} value={p}>
          {PRIORITY_LABELS[p]}
        </option>
      ))}
    </Select>
  );
}

/** One custom attribute, rendered by its type. */
function AttributeControl({
  def,
  value,
  onChange,
  disabled,
  ...control
}: ControlProps & {
  def: AttributeDefinition;
  value: string;
  onChange: (v: string) => void;
  disabled?: boolean;
}) {
  const common = { ...control, disabled, "aria-required": def.required || undefined };
  switch (def.type) {
    case "enum":
      return (
        <Select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{def.required ? "Choose…" : "Not set"}</option>
          {(def.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </Select>
      );
    case "boolean":
      return (
        <Select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{def.required ? "Choose…" : "Not set"}</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </Select>
      );
    case "number":
      return (
        <Input
          {...common}
          type="number"
          inputMode="decimal"
          step="any"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "date":
      return <Input {...common} type="date" value={value} onChange={(e) => onChange(e.target.value)} />;
    case "dateTime":
      // Seconds (and milliseconds) appear only for a value that has them, so a stored time is never cut short.
      return (
        <Input
          {...common}
          type="datetime-local"
          min="0001-01-01T00:00"
          max="9999-12-31T23:59:59.999"
          step={/\.\d/.test(value) ? 0.001 : /T\d{2}:\d{2}:\d{2}/.test(value) ? 1 : undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "richText":
      return (
        <MarkdownEditor
          {...control}
          disabled={disabled}
          rows={4}
          maxLength={ATTRIBUTE_RICH_TEXT_MAX}
          value={value}
          onChange={onChange}
        />
      );
    default:
      return (
        <Input {...common} value={value} maxLength={ATTRIBUTE_TEXT_MAX} onChange={(e) => onChange(e.target.value)} />
      );
  }
}

/**
 * The options of a multi-valued enum as checkboxes that wrap onto as many lines as the width needs. A chosen
 * option the project has since removed stays listed, marked, so it can be cleared.
 */
function OptionChecklist({
  id,
  describedBy,
  def,
  value,
  invalid,
  onChange,
  disabled,
}: {
  id: string;
  describedBy?: string;
  def: AttributeDefinition;
  value: string[];
  invalid?: boolean;
  onChange: (v: string[]) => void;
  disabled?: boolean;
}) {
  const options = def.options ?? [];
  const shown = [...options, ...value.filter((v) => !options.includes(v))];
  return (
    <fieldset id={id} aria-describedby={describedBy} className="min-w-0 space-y-1.5">
      <legend className="flex w-full items-baseline justify-between gap-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
        <span>{def.label}</span>
        <RequiredMark required={def.required} />
      </legend>
      <div
        className={cn(
          "flex flex-wrap gap-1.5 rounded-md border p-1.5",
          invalid ? "border-red-500" : "border-zinc-300 dark:border-zinc-700",
        )}
      >
        {shown.map((o) => {
          const checked = value.includes(o);
          const stale = !options.includes(o);
          return (
            <label
              key={o}
              className={cn(
                "flex min-h-8 max-w-full cursor-pointer items-center gap-2 rounded-md border px-2.5 py-1 text-[13px] break-words has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500",
                checked
                  ? "border-indigo-300 bg-indigo-50 text-indigo-900 dark:border-indigo-500/50 dark:bg-indigo-500/10 dark:text-indigo-100"
                  : "border-zinc-200 text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800",
              )}
            >
              <input
                type="checkbox"
                checked={checked}
                disabled={disabled}
                aria-invalid={invalid || undefined}
                onChange={() => onChange(checked ? value.filter((v) => v !== o) : [...value, o])}
                className="size-3.5 shrink-0 rounded border-zinc-300 accent-indigo-600 outline-none dark:border-zinc-600"
              />
              <span className="min-w-0">
                {o}
                {stale ? <span className="text-zinc-500 dark:text-zinc-400"> (no longer an option)</span> : null}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

function RequiredMark({ required }: { required: boolean }) {
  return required ? (
    <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">
      <span aria-hidden="true" className="text-red-600 dark:text-red-400">
        *{" "}
      </span>
      Required
    </span>
  ) : (
    <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">Optional</span>
  );
}

/**
 * The project's active custom attributes in a two-column grid (rich text across both); required ones are
 * marked. Retired attributes take no new values, so they have no input.
 */
export function AttributeFields({
  idPrefix,
  defs,
  values,
  errors,
  onChange,
  disabled,
}: {
  idPrefix: string;
  defs: AttributeDefinition[];
  values: RawAttributes;
  errors: Record<string, string | undefined>;
  onChange: (key: string, value: string | string[]) => void;
  disabled?: boolean;
}) {
  const active = activeAttributes(defs);
  if (active.length === 0) return null;
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Attributes</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        {active.map((d) => {
          const id = `${idPrefix}-attr-${d.key}`;
          const error = errors[d.key];
          const value = values[d.key] ?? (d.type === "multiEnum" ? [] : "");
          const describedBy = error ? `${id}-error` : undefined;
          return (
            <div key={d.key} className={cn("min-w-0 space-y-1.5", d.type === "richText" && "sm:col-span-2")}>
              {Array.isArray(value) ? (
                <OptionChecklist
                  id={id}
                  describedBy={describedBy}
                  def={d}
                  value={value}
                  invalid={Boolean(error)}
                  disabled={disabled}
                  onChange={(v) => onChange(d.key, v)}
                />
              ) : (
                <>
                  <Label htmlFor={id} className="flex items-baseline justify-between gap-2">
                    <span>{d.label}</span>
                    <RequiredMark required={d.required} />
                  </Label>
                  <AttributeControl
                    id={id}
                    def={d}
                    value={value}
                    invalid={Boolean(error)}
                    aria-describedby={describedBy}
                    disabled={disabled}
                    onChange={(v) => onChange(d.key, v)}
                  />
                </>
              )}
              {error ? (
                <p id={`${id}-error`} className="text-[13px] text-red-600 dark:text-red-400">
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export interface DraftValues {
  title: string;
  statement: string;
  rationale: string;
  type: RequirementType;
  priority: RequirementPriority;
  tags: string[];
  attributes: RawAttributes;
}

export type DraftErrors = Partial<
  Record<"title" | "statement" | "rationale" | "type" | "priority" | "tags" | "parentKey" | "changeNote", string>
> & {
  attributes?: Record<string, string | undefined>;
};

/** Title, statement, rationale, classification, tags and custom attributes. */
export function RequirementFieldset({
  idPrefix,
  values,
  onChange,
  errors,
  setErrors,
  defs,
  disabled,
  afterClassification,
  autoFocusRef,
}: {
  idPrefix: string;
  values: DraftValues;
  onChange: (patch: Partial<DraftValues>) => void;
  errors: DraftErrors;
  setErrors: (update: (e: DraftErrors) => DraftErrors) => void;
  defs: AttributeDefinition[];
  disabled?: boolean;
  afterClassification?: React.ReactNode;
  autoFocusRef?: React.Ref<HTMLInputElement>;
}) {
  const clear = (k: keyof Omit<DraftErrors, "attributes">) => {
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };
  return (
    <div className="space-y-4">
      <Field id={`${idPrefix}-title`} label="Title" error={errors.title}>
        <Input
          ref={autoFocusRef}
          name="title"
          value={values.title}
          disabled={disabled}
          autoComplete="off"
          maxLength={200}
          placeholder="The system shall…"
          onChange={(e) => {
            onChange({ title: e.target.value });
            clear("title");
          }}
        />
      </Field>
      <Field id={`${idPrefix}-statement`} label="Statement" error={errors.statement}>
        <MarkdownEditor
          name="statement"
          value={values.statement}
          disabled={disabled}
          rows={7}
          placeholder="What must be true, stated so it can be verified."
          onChange={(v) => {
            onChange({ statement: v });
            clear("statement");
          }}
        />
      </Field>
      <Field id={`${idPrefix}-rationale`} label="Rationale" optional error={errors.rationale}>
        <MarkdownEditor
          name="rationale"
          value={values.rationale}
          disabled={disabled}
          rows={3}
          placeholder="Why this requirement exists."
          onChange={(v) => {
            onChange({ rationale: v });
            clear("rationale");
          }}
        />
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id={`${idPrefix}-type`} label="Type" error={errors.type}>
          <TypeSelect value={values.type} disabled={disabled} onChange={(type) => onChange({ type })} />
        </Field>
        <Field id={`${idPrefix}-priority`} label="Priority" error={errors.priority}>
          <PrioritySelect value={values.priority} disabled={disabled} onChange={(priority) => onChange({ priority })} />
        </Field>
      </div>
      <Field
        id={`${idPrefix}-tags`}
        label="Tags"
        optional
        error={errors.tags}
        hint="Press Enter or comma to add a tag."
      >
        <TagInput
          value={values.tags}
          disabled={disabled}
          onChange={(tags) => onChange({ tags })}
          onInvalid={(message) => setErrors((e) => ({ ...e, tags: message }))}
        />
      </Field>
      {afterClassification}
      <AttributeFields
        idPrefix={idPrefix}
        defs={defs}
        values={values.attributes}
        errors={errors.attributes ?? {}}
        disabled={disabled}
        onChange={(key, v) => {
          onChange({ attributes: { ...values.attributes, [key]: v } });
          if (errors.attributes?.[key]) setErrors((e) => ({ ...e, attributes: { ...e.attributes, [key]: undefined } }));
        }}
      />
    </div>
  );
}
