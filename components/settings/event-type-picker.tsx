"use client";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/lib/schemas/webhooks";

const GROUPS = ["requirement", "issue", "traceLink", "baseline", "project"] as const;
const GROUP_LABEL: Record<(typeof GROUPS)[number], string> = {
  requirement: "Requirements",
  issue: "Issues",
  traceLink: "Trace links",
  baseline: "Baselines",
  project: "Project",
};

/** Event-type checkboxes grouped by domain; none ticked means every event. */
export function EventTypePicker({
  idPrefix,
  value,
  onChange,
  disabled,
}: {
  idPrefix: string;
  value: string[];
  onChange: (next: WebhookEventType[]) => void;
  disabled?: boolean;
}) {
  const selected = new Set(value);
  function toggle(type: WebhookEventType) {
    const next = new Set(selected);
    if (next.has(type)) next.delete(type);
    else next.add(type);
    onChange(WEBHOOK_EVENT_TYPES.filter((t) => next.has(t)));
  }
  return (
    <fieldset disabled={disabled} className="space-y-3">
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
        Events <span className="font-normal text-zinc-500 dark:text-zinc-400">— none ticked sends every event</span>
      </legend>
      <div className="grid gap-x-6 gap-y-3 sm:grid-cols-2 lg:grid-cols-3">
        {GROUPS.map((group) => (
          <div key={group}>
            <p className="text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400">{GROUP_LABEL[group]}</p>
            <ul className="mt-1 space-y-1">
              {WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(`${group}.`)).map((type) => (
                <li key={type} className="flex items-center gap-2">
                  <input
                    id={`${idPrefix}-${type}`}
                    type="checkbox"
                    className="size-3.5 rounded border-zinc-300 text-indigo-600 dark:border-zinc-600"
                    checked={selected.has(type)}
                    onChange={() => toggle(type)}
                  />
                  <label
                    htmlFor={`${idPrefix}-${type}`}
                    className="font-mono text-[12px] text-zinc-700 dark:text-zinc-300"
                  >
                    {type.slice(group.length + 1)}
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
