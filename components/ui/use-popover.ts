"use client";
/**
 * The one behaviour of a button that opens a panel (menus, filter and export
 * popovers): opening focuses the panel's first `items` element; a pointer
 * down outside, focus leaving (Tab away) or Escape close it, Escape returning
 * focus to the button; ArrowUp/ArrowDown on the button open it, and in the
 * panel ArrowUp/ArrowDown/Home/End move between `items`. Spread `handlers`
 * on the button and on the panel.
 */
import { useEffect, useId, useRef, useState } from "react";

export function usePopover({ items }: { items: string }) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    visibleItems(rootRef.current, items)[0]?.focus();
    const onPointerDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open, items]);

  function close(focusButton: boolean) {
    setOpen(false);
    if (focusButton) buttonRef.current?.focus();
  }

  const handlers = {
    onKeyDown: (e: React.KeyboardEvent) => {
      if (!open) {
        if (e.target === buttonRef.current && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
          e.preventDefault();
          setOpen(true);
        }
        return;
      }
      const list = visibleItems(rootRef.current, items);
      const index = list.indexOf(document.activeElement as HTMLElement);
      const move: Record<string, number | undefined> = {
        ArrowDown: (index + 1) % list.length,
        ArrowUp: (index - 1 + list.length) % list.length,
        Home: 0,
        End: list.length - 1,
      };
      const next = move[e.key];
      if (next !== undefined && list[next]) {
        e.preventDefault();
        list[next].focus();
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close(true);
      }
    },
    onBlur: (e: React.FocusEvent) => {
      if (open && !rootRef.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
    },
  };

  return { open, setOpen, close, rootRef, buttonRef, panelId, handlers };
}

/** The items under `root`, without those hidden at this width (display: none). */
function visibleItems(root: HTMLElement | null, items: string): HTMLElement[] {
  return [...(root?.querySelectorAll<HTMLElement>(items) ?? [])].filter((el) => el.getClientRects().length > 0);
}
