"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";

import { cn, focusRing } from "@/components/ui/cn";

import { PriorityBadge, RequirementKey, StatusBadge } from "./badges";
import { isStatus, STATUS_DOTS, STATUS_LABELS } from "./labels";
import { hasFilters, type ListState } from "./list-state";
import type { TreeNode } from "./types";

export interface VisibleRow {
  node: TreeNode;
  hasChildren: boolean;
  expanded: boolean;
  /** False for an ancestor shown only to place a matching descendant. */
  matches: boolean;
}

export interface VisibleTree {
  rows: VisibleRow[];
  matchCount: number;
  filtering: boolean;
  toggle: (key: string) => void;
  expandAll: () => void;
  collapseAll: () => void;
  collapseAt: (i: number, select: (i: number) => void) => void;
  expandAt: (i: number) => void;
}

function nodeMatches(n: TreeNode, s: ListState): boolean {
  if (s.status.length && !s.status.includes(n.status)) return false;
  if (s.type.length && !s.type.includes(n.type)) return false;
  if (s.priority.length && !s.priority.includes(n.priority)) return false;
  const q = s.q.trim().toLowerCase();
  if (q && !n.key.toLowerCase().includes(q) && !n.title.toLowerCase().includes(q)) return false;
  // Tree nodes carry no tags; a tag filter matches nothing here (the empty state says so).
  if (s.tag) return false;
  return true;
}

/**
 * The rows to show: collapsed branches hidden; while filtering, every match
 * with its ancestors (dimmed), whatever is collapsed.
 */
export function useVisibleTree(nodes: TreeNode[], state: ListState, projectKey: string): VisibleTree {
  const storageKey = `specline:tree-collapsed:${projectKey}`;
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());

  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) ?? "[]") as unknown;
      if (Array.isArray(saved)) setCollapsed(new Set(saved.filter((k): k is string => typeof k === "string")));
    } catch {
      /* ignore unreadable storage */
    }
  }, [storageKey]);

  const persist = (next: Set<string>) => {
    setCollapsed(next);
    try {
      localStorage.setItem(storageKey, JSON.stringify([...next]));
    } catch {
      /* storage may be unavailable */
    }
  };

  const filtering = hasFilters(state);

  const { rows, matchCount } = useMemo(() => {
    const hasChildren = nodes.map((n, i) => (nodes[i + 1]?.depth ?? -1) > n.depth);
    if (filtering) {
      const include = new Array<boolean>(nodes.length).fill(false);
      const match = nodes.map((n) => nodeMatches(n, state));
      const stack: number[] = [];
      nodes.forEach((n, i) => {
        stack.length = n.depth;
        if (match[i]) {
          include[i] = true;
          // Walk up only until an ancestor that is already shown (its own ancestors are then shown too).
          for (let s = stack.length - 1; s >= 0 && !include[stack[s] as number]; s--)
            include[stack[s] as number] = true;
        }
        stack.push(i);
      });
      const out: VisibleRow[] = [];
      nodes.forEach((n, i) => {
        if (include[i])
          out.push({ node: n, hasChildren: hasChildren[i] === true, expanded: true, matches: match[i] === true });
      });
      return { rows: out, matchCount: match.filter(Boolean).length };
    }
    const out: VisibleRow[] = [];
    let hideBelow = Number.POSITIVE_INFINITY;
    nodes.forEach((n, i) => {
      if (n.depth > hideBelow) return;
      hideBelow = Number.POSITIVE_INFINITY;
      const parent = hasChildren[i] === true;
      const isCollapsed = collapsed.has(n.key) && parent;
      out.push({ node: n, hasChildren: parent, expanded: !isCollapsed, matches: true });
      if (isCollapsed) hideBelow = n.depth;
    });
    return { rows: out, matchCount: nodes.length };
  }, [nodes, collapsed, filtering, state]);

  const toggle = (key: string) => {
    const next = new Set(collapsed);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    persist(next);
  };

  return {
    rows,
    matchCount,
    filtering,
    toggle,
    expandAll: () => persist(new Set()),
    collapseAll: () => {
      const parents = nodes.filter((n, i) => (nodes[i + 1]?.depth ?? -1) > n.depth).map((n) => n.key);
      persist(new Set(parents));
    },
    collapseAt: (i, select) => {
      const row = rows[i];
      if (!row || filtering) return;
      if (row.hasChildren && row.expanded) {
        toggle(row.node.key);
        return;
      }
      // Already collapsed or a leaf: go to the parent, as file trees do.
      const parent = rows.findIndex((r) => r.node.key === row.node.parentKey);
      if (parent >= 0) select(parent);
    },
    expandAt: (i) => {
      const row = rows[i];
      if (!row || filtering) return;
      if (row.hasChildren && !row.expanded) toggle(row.node.key);
    },
  };
}

export function RequirementTree({
  projectKey,
  visible,
  selected,
  linkRefs,
  onFocusRow,
  onOpen,
}: {
  projectKey: string;
  visible: VisibleTree;
  selected: number;
  linkRefs: React.RefObject<(HTMLAnchorElement | null)[]>;
  onFocusRow: (i: number) => void;
  onOpen: (i: number) => void;
}) {
  const anyParents = visible.rows.some((r) => r.hasChildren);
  return (
    <div>
      {anyParents && !visible.filtering ? (
        <div className="flex items-center gap-3 border-b border-zinc-100 px-4 py-1.5 dark:border-zinc-800/80">
          <button
            type="button"
            onClick={visible.expandAll}
            className={cn(
              "rounded-sm text-xs font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              focusRing,
            )}
          >
            Expand all
          </button>
          <button
            type="button"
            onClick={visible.collapseAll}
            className={cn(
              "rounded-sm text-xs font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              focusRing,
            )}
          >
            Collapse all
          </button>
        </div>
      ) : null}
      <ul aria-label="Requirement tree" className="divide-y divide-zinc-100 py-0.5 dark:divide-zinc-800/60">
        {visible.rows.map((r, i) => {
          const n = r.node;
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut for the whole row; the title link in it is the keyboard path, and the list opens the selected row with Enter
            // biome-ignore lint/a11y/useAriaPropsSupportedByRole: WAI-ARIA 1.2 supports aria-level on listitem; it carries the tree depth of this flat list
            <li
              key={n.key}
              data-row
              data-key={n.key}
              data-selected={selected === i || undefined}
              aria-level={n.depth + 1}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a, button")) return;
                onOpen(i);
              }}
              className={cn(
                "group flex min-h-10 cursor-pointer items-center gap-2 border-l-2 py-1.5 pr-4 transition-colors",
                selected === i
                  ? "border-l-indigo-500 bg-indigo-50/70 dark:border-l-indigo-400 dark:bg-indigo-500/10"
                  : "border-l-transparent hover:bg-zinc-50 dark:hover:bg-zinc-800/40",
              )}
              style={{ paddingLeft: `${0.5 + Math.min(n.depth, 12) * 1.25}rem` }}
            >
              {r.hasChildren ? (
                <button
                  type="button"
                  aria-expanded={r.expanded}
                  aria-label={`${r.expanded ? "Collapse" : "Expand"} ${n.key}`}
                  disabled={visible.filtering}
                  onClick={() => visible.toggle(n.key)}
                  className={cn(
                    "flex size-5 shrink-0 items-center justify-center rounded text-zinc-500 hover:bg-zinc-200/70 hover:text-zinc-900 disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-700 dark:hover:text-zinc-100",
                    focusRing,
                    "focus-visible:ring-offset-0",
                  )}
                >
                  <svg
                    aria-hidden="true"
                    viewBox="0 0 16 16"
                    className={cn("size-3.5 transition-transform", r.expanded && "rotate-90")}
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.75"
                    strokeLinecap="round"
                    strokeLinejoin="round"
                  >
                    <path d="m6 4 4 4-4 4" />
                  </svg>
                </button>
              ) : (
                <span aria-hidden="true" className="flex size-5 shrink-0 items-center justify-center">
                  <span className="size-1 rounded-full bg-zinc-300 dark:bg-zinc-600" />
                </span>
              )}
              <RequirementKey value={n.key} className={cn("shrink-0 sm:w-20", !r.matches && "opacity-60")} />
              <Link
                ref={(el) => {
                  linkRefs.current[i] = el;
                }}
                href={`/projects/${projectKey}/requirements/${n.key}`}
                onFocus={() => onFocusRow(i)}
                className={cn(
                  "min-w-0 flex-1 truncate rounded-sm text-sm outline-none group-hover:text-indigo-700 focus-visible:underline focus-visible:decoration-indigo-500 focus-visible:underline-offset-4 dark:group-hover:text-indigo-300",
                  r.matches ? "font-medium text-zinc-900 dark:text-zinc-100" : "text-zinc-500 dark:text-zinc-500",
                )}
              >
                {n.title}
              </Link>
              <span className="hidden w-16 shrink-0 md:block">
                <PriorityBadge priority={n.priority} />
              </span>
              <span className="hidden w-24 shrink-0 sm:flex">
                <StatusBadge status={n.status} className={cn(!r.matches && "opacity-60")} />
              </span>
              {/* Phones: a dot keeps the title readable; the label is still announced. */}
              <span
                className="flex size-4 shrink-0 items-center justify-center sm:hidden"
                title={isStatus(n.status) ? STATUS_LABELS[n.status] : n.status}
              >
                <span
                  aria-hidden="true"
                  className={cn("size-2 rounded-full", isStatus(n.status) ? STATUS_DOTS[n.status] : "bg-zinc-400")}
                />
                <span className="sr-only">{isStatus(n.status) ? STATUS_LABELS[n.status] : n.status}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
