"use client";
/**
 * The global search: a box in the top bar and a command palette on Ctrl/Cmd-K
 * with results as you type, grouped into requirements and issues, navigable
 * with the arrow keys. Snippets come as text segments; matches are wrapped in
 * <mark>, never injected as HTML.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";

import { SearchIcon } from "@/components/icons";
import { errorMessage } from "@/components/trpc-errors";
import { cn, focusRing } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { useDebounced } from "@/components/use-debounced";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

export type SearchItem = RouterOutputs["search"]["query"]["items"][number];

function hrefOf(item: SearchItem) {
  return item.kind === "issue"
    ? `/projects/${item.projectKey}/issues/${item.key}`
    : `/projects/${item.projectKey}/requirements/${item.key}`;
}

function useIsMac() {
  const [mac, setMac] = useState(false);
  useEffect(() => setMac(/Mac|iPhone|iPad/.test(navigator.platform)), []);
  return mac;
}

export function SearchPalette() {
  const [open, setOpen] = useState(false);
  const mac = useIsMac();
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.metaKey || e.ctrlKey) && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen((o) => !o);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        className={cn(
          "flex h-8 items-center gap-2 rounded-md border border-zinc-200 bg-zinc-50 px-2 text-[13px] text-zinc-500 transition-colors hover:border-zinc-300 hover:text-zinc-700 sm:w-56 sm:px-2.5 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-700 dark:hover:text-zinc-200",
          focusRing,
        )}
      >
        <SearchIcon className="size-3.5 shrink-0" />
        <span className="hidden sm:inline">Search…</span>
        <span className="sr-only sm:hidden">Search</span>
        <kbd className="ml-auto hidden rounded border border-zinc-200 bg-white px-1 font-sans text-[10px] font-medium text-zinc-500 sm:inline dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-400">
          {mac ? "⌘K" : "Ctrl K"}
        </kbd>
      </button>
      {open ? <Palette onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function Palette({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const currentProject = /^\/projects\/([A-Z]{2,10})(?:\/|$)/.exec(pathname)?.[1];
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [q, setQ] = useState("");
  const [scope, setScope] = useState<"all" | "project">(currentProject ? "project" : "all");
  const [active, setActive] = useState(0);
  const debounced = useDebounced(q.trim(), 180);
  const projectKey = scope === "project" ? currentProject : undefined;

  useEffect(() => {
    const dialog = dialogRef.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    inputRef.current?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  const search = useQuery(
    trpc.search.query.queryOptions(
      { q: debounced, projectKey, limit: 20 },
      // The signal cancels a search still in flight when the words change.
      {
        enabled: debounced.length > 0,
        staleTime: 10_000,
        retry: false,
        placeholderData: keepPreviousData,
        trpc: { abortOnUnmount: true },
      },
    ),
  );

  const items = useMemo(() => (debounced ? (search.data?.items ?? []) : []), [search.data, debounced]);
  const groups = useMemo(() => {
    const reqs = items.filter((i) => i.kind === "requirement");
    const issues = items.filter((i) => i.kind === "issue");
    return [
      { label: "Requirements", items: reqs },
      { label: "Issues", items: issues },
    ].filter((g) => g.items.length > 0);
  }, [items]);
  const flat = groups.flatMap((g) => g.items);
  // New words or a new scope start again from the first result.
  const resultsFor = `${projectKey ?? ""} ${debounced}`;
  const [activeFor, setActiveFor] = useState(resultsFor);
  if (activeFor !== resultsFor) {
    setActiveFor(resultsFor);
    setActive(0);
  }

  function go(item: SearchItem | undefined) {
    if (!item) return;
    onClose();
    router.push(hrefOf(item));
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => (flat.length ? (a + 1) % flat.length : 0));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => (flat.length ? (a - 1 + flat.length) % flat.length : 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      go(flat[active]);
    }
  }

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: "nearest" });
  }, [active, listId]);

  let index = -1;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes the dialog; keyboard users close it with Escape (onCancel)
    <dialog
      ref={dialogRef}
      aria-label="Search"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      className="mx-auto mt-[12vh] w-[calc(100%-1.5rem)] max-w-xl overflow-hidden rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl shadow-zinc-950/25 backdrop:bg-zinc-950/40 backdrop:backdrop-blur-[2px] dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100 dark:backdrop:bg-black/60"
    >
      <div className="flex items-center gap-2.5 border-b border-zinc-200 px-4 dark:border-zinc-800">
        <SearchIcon className="size-4 shrink-0 text-zinc-400" />
        <input
          ref={inputRef}
          type="text"
          role="combobox"
          aria-label="Search requirements and issues"
          aria-expanded={flat.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={flat.length ? `${listId}-${active}` : undefined}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Search requirements and issues…"
          autoComplete="off"
          spellCheck={false}
          className="h-12 min-w-0 flex-1 bg-transparent text-[15px] outline-none placeholder:text-zinc-400 dark:placeholder:text-zinc-500"
        />
        {search.isFetching ? <Spinner className="size-4 text-zinc-400" /> : null}
        {currentProject ? (
          <fieldset
            aria-label="Search scope"
            className="hidden shrink-0 gap-0.5 rounded-md bg-zinc-100 p-0.5 text-xs sm:flex dark:bg-zinc-800"
          >
            {(["project", "all"] as const).map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={scope === s}
                onClick={() => {
                  setScope(s);
                  inputRef.current?.focus();
                }}
                className={cn(
                  "rounded px-1.5 py-0.5 font-medium",
                  focusRing,
                  "focus-visible:ring-offset-0",
                  scope === s
                    ? "bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-zinc-50"
                    : "text-zinc-500 dark:text-zinc-400",
                )}
              >
                {s === "project" ? currentProject : "All projects"}
              </button>
            ))}
          </fieldset>
        ) : null}
      </div>
      <div className="max-h-[min(60vh,26rem)] overflow-y-auto">
        {!debounced ? (
          <p className="px-4 py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
            Type to search titles, text and keys.
          </p>
        ) : search.isError ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-zinc-600 dark:text-zinc-400">
            {errorMessage(search.error, "Search failed. Try again.")}
          </p>
        ) : search.isPending ? (
          <p className="px-4 py-8 text-center text-sm text-zinc-500">Searching…</p>
        ) : flat.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">
            No results for “<span className="font-medium text-zinc-700 dark:text-zinc-300">{debounced}</span>”
          </p>
        ) : (
          <div id={listId} role="listbox" aria-label="Search results" className="py-1.5">
            {groups.map((g) => (
              <fieldset key={g.label} aria-label={g.label} className="min-w-0">
                <p
                  aria-hidden="true"
                  className="px-4 pt-2 pb-1 text-[11px] font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
                >
                  {g.label}
                </p>
                {g.items.map((item) => {
                  index += 1;
                  const i = index;
                  return (
                    // biome-ignore lint/a11y/useFocusableInteractive: combobox pattern with aria-activedescendant; focus stays on the input, which handles the arrow keys and Enter
                    // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keyboard for every option (aria-activedescendant)
                    <div
                      key={`${item.kind}-${item.key}`}
                      id={`${listId}-${i}`}
                      role="option"
                      aria-selected={i === active}
                      onMouseMove={() => setActive(i)}
                      onClick={() => go(item)}
                      className={cn(
                        "mx-1.5 flex cursor-pointer items-start gap-3 rounded-md px-2.5 py-2",
                        i === active ? "bg-indigo-50 dark:bg-indigo-500/15" : "",
                      )}
                    >
                      <span className="mt-0.5 min-w-20 shrink-0 whitespace-nowrap font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {item.key}
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="block truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">
                          {item.titleSnippet.length ? <Snippet segments={item.titleSnippet} /> : item.title}
                        </span>
                        {item.snippet.length ? (
                          <span className="mt-0.5 line-clamp-2 block text-xs text-zinc-600 dark:text-zinc-400">
                            <Snippet segments={item.snippet} />
                          </span>
                        ) : null}
                      </span>
                      <span className="mt-0.5 shrink-0 text-[11px] text-zinc-500 dark:text-zinc-400">
                        {item.status.charAt(0) + item.status.slice(1).toLowerCase().replace(/_/g, " ")}
                      </span>
                    </div>
                  );
                })}
              </fieldset>
            ))}
          </div>
        )}
      </div>
      <div className="flex items-center gap-4 border-t border-zinc-200 bg-zinc-50/80 px-4 py-2 text-[11px] text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/80 dark:text-zinc-400">
        <span>
          <Kbd>↑</Kbd> <Kbd>↓</Kbd> to move
        </span>
        <span>
          <Kbd>Enter</Kbd> to open
        </span>
        <span>
          <Kbd>Esc</Kbd> to close
        </span>
        {search.data?.limited ? (
          <span className="ml-auto">Many matches: best of the most recent shown — add words to narrow it down</span>
        ) : null}
      </div>
    </dialog>
  );
}

function SnippetText({ segment }: { segment: SearchItem["snippet"][number] }) {
  if (!segment.highlight) return <span>{segment.text}</span>;
  return (
    <mark className="rounded-[2px] bg-amber-100 px-px text-zinc-900 dark:bg-amber-400/25 dark:text-amber-100">
      {segment.text}
    </mark>
  );
}

function Snippet({ segments }: { segments: SearchItem["snippet"] }) {
  // biome-ignore lint/suspicious/noArrayIndexKey: snippet segments have no identity but their position in an immutable server response (the same text can repeat)
  return segments.map((s, i) => <SnippetText key={i} segment={s} />);
}

function Kbd({ children }: { children: React.ReactNode }) {
  return (
    <kbd className="rounded border border-zinc-200 bg-white px-1 font-sans text-[10px] font-medium dark:border-zinc-700 dark:bg-zinc-800">
      {children}
    </kbd>
  );
}
