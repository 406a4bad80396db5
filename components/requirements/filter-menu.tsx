"use client";

import { ChevronDownIcon } from "@/components/icons";
import { cn, focusRing } from "@/components/ui/cn";
import { usePopover } from "@/components/ui/use-popover";

/** A compact multi-select: a button that opens a checkbox list. Escape or a click outside closes it. */
export function FilterMenu<T extends string>({
  label,
  options,
  selected,
  onChange,
  renderOption,
}: {
  label: string;
  options: readonly T[];
  selected: T[];
  onChange: (values: T[]) => void;
  renderOption: (value: T) => React.ReactNode;
}) {
  const { open, setOpen, rootRef, buttonRef, panelId, handlers: menuHandlers } = usePopover({ items: "input" });

  const count = selected.length;
  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        {...menuHandlers}
        className={cn(
          "inline-flex h-8 items-center gap-1.5 rounded-md border px-2.5 text-[13px] font-medium shadow-xs transition-colors",
          focusRing,
          count
            ? "border-indigo-300 bg-indigo-50 text-indigo-800 hover:bg-indigo-100 dark:border-indigo-500/40 dark:bg-indigo-500/10 dark:text-indigo-200 dark:hover:bg-indigo-500/20"
            : "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800",
        )}
      >
        {label}
        {count ? (
          <span className="inline-flex h-4 min-w-4 items-center justify-center rounded bg-indigo-600 px-1 text-[10px] font-semibold text-white tabular-nums dark:bg-indigo-500">
            {count}
            <span className="sr-only"> selected</span>
          </span>
        ) : null}
        <ChevronDownIcon className="size-3.5 text-zinc-400" />
      </button>
      <fieldset
        id={panelId}
        aria-label={`${label} filter`}
        hidden={!open}
        {...menuHandlers}
        className="absolute top-full left-0 z-20 mt-1 w-52 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg shadow-zinc-950/10 dark:border-zinc-700 dark:bg-zinc-900 dark:shadow-black/40"
      >
        {options.map((o) => {
          const checked = selected.includes(o);
          return (
            <label
              key={o}
              className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-[13px] text-zinc-800 hover:bg-zinc-100 has-[:focus-visible]:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800 dark:has-[:focus-visible]:bg-zinc-800"
            >
              <input
                type="checkbox"
                checked={checked}
                onChange={() => onChange(checked ? selected.filter((s) => s !== o) : [...selected, o])}
                className="size-3.5 rounded border-zinc-300 accent-indigo-600 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600"
              />
              {renderOption(o)}
            </label>
          );
        })}
        {count ? (
          <button
            type="button"
            onClick={() => onChange([])}
            className={cn(
              "mt-1 w-full rounded-md border-t border-zinc-100 px-2 py-1.5 text-left text-[13px] text-zinc-600 hover:bg-zinc-100 dark:border-zinc-800 dark:text-zinc-400 dark:hover:bg-zinc-800",
              focusRing,
              "focus-visible:ring-offset-0",
            )}
          >
            Clear {label.toLowerCase()}
          </button>
        ) : null}
      </fieldset>
    </div>
  );
}
