"use client";
import { useEffect, useState } from "react";

import { QUICK_ACTION_KEYS } from "@/components/issues/quick-actions";
import { isTypingTarget } from "@/components/requirements/use-list-keyboard";
import { Dialog } from "@/components/ui/dialog";

/** Opens the sheet from elsewhere (the account menu). */
export const SHOW_SHORTCUTS_EVENT = "specline:show-shortcuts";

/** Every shortcut of the app, by where it works. */
export const SHORTCUTS: { group: string; items: { keys: string[]; does: string }[] }[] = [
  {
    group: "Anywhere",
    items: [
      { keys: ["Ctrl", "K"], does: "Search everything (⌘K on a Mac)" },
      { keys: ["?"], does: "Show these shortcuts" },
    ],
  },
  {
    group: "Requirement and issue lists",
    items: [
      { keys: ["j"], does: "Next row (or ↓)" },
      { keys: ["k"], does: "Previous row (or ↑)" },
      { keys: ["Enter"], does: "Open the current row" },
      { keys: ["c"], does: "Create a requirement or an issue" },
      { keys: ["/"], does: "Search the list" },
    ],
  },
  {
    group: "Requirement tree",
    items: [
      { keys: ["h"], does: "Collapse (or ←)" },
      { keys: ["l"], does: "Expand (or →)" },
    ],
  },
  {
    group: "Issue list (maintainers)",
    items: [
      { keys: ["x"], does: "Select the current issue for a bulk change" },
      { keys: [QUICK_ACTION_KEYS.status], does: "Change the current issue's status" },
      { keys: [QUICK_ACTION_KEYS.assign], does: "Assign the current issue" },
      { keys: [QUICK_ACTION_KEYS.label], does: "Edit the current issue's labels" },
    ],
  },
  {
    group: "A requirement",
    items: [{ keys: ["e"], does: "Edit" }],
  },
];

const kbd =
  "inline-flex min-w-6 items-center justify-center rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-sans text-xs font-medium text-zinc-700 shadow-[0_1px_0_var(--color-zinc-300)] dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200 dark:shadow-[0_1px_0_var(--color-zinc-700)]";

/** `?` anywhere (not while typing) opens the sheet of every shortcut. */
export function ShortcutsHelp() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== "?" || e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
      if (isTypingTarget(e.target) || document.querySelector("dialog[open]")) return;
      e.preventDefault();
      setOpen(true);
    }
    const show = () => setOpen(true);
    document.addEventListener("keydown", onKeyDown);
    window.addEventListener(SHOW_SHORTCUTS_EVENT, show);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      window.removeEventListener(SHOW_SHORTCUTS_EVENT, show);
    };
  }, []);
  if (!open) return null;
  return (
    <Dialog open onClose={() => setOpen(false)} title="Keyboard shortcuts" className="max-w-lg">
      <div className="max-h-[65vh] space-y-5 overflow-y-auto">
        {SHORTCUTS.map((g) => (
          <section key={g.group}>
            <h3 className="mb-1.5 text-xs font-semibold text-zinc-500 dark:text-zinc-400">{g.group}</h3>
            <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {g.items.map((item) => (
                <div key={item.does} className="flex items-center justify-between gap-4 py-1.5 text-sm">
                  <dt className="text-zinc-700 dark:text-zinc-300">{item.does}</dt>
                  <dd className="flex shrink-0 gap-1">
                    {item.keys.map((k) => (
                      <kbd key={k} className={kbd}>
                        {k}
                      </kbd>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
