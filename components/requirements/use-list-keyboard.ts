"use client";
import { useEffect, useRef } from "react";

/** True for elements where a key press is text input, so list shortcuts must stay out of the way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  return el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable;
}

export interface ListKeyHandlers {
  next: () => void;
  prev: () => void;
  open: () => void;
  create?: () => void;
  search?: () => void;
  collapse?: () => void;
  expand?: () => void;
  /** x: add the current row to the selection, or take it out. */
  toggleSelect?: () => void;
  /** Further single-key actions on the current row (the issue list's s, a, l). */
  actions?: Record<string, () => void>;
}

/**
 * Linear-style list shortcuts: j/k or ↓/↑ move the selection, Enter opens it,
 * c creates, / focuses search, ←/→ collapse and expand in the tree, x selects
 * for a bulk change, and any `actions` by their key. Ignored
 * while typing, with modifier keys, and while a dialog is open.
 */
export function useListKeyboard(handlers: ListKeyHandlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey) return;
      if (isTypingTarget(e.target)) return;
      if (document.querySelector("dialog[open]")) return;
      const h = ref.current;
      // A view's own keys come first (the issue list's l, where the tree would expand).
      const action = h.actions?.[e.key];
      if (action) {
        e.preventDefault();
        action();
        return;
      }
      const target = e.target as HTMLElement | null;
      const onControl = target?.closest?.("a, button, summary") != null;
      let handled = true;
      switch (e.key) {
        case "j":
        case "ArrowDown":
          h.next();
          break;
        case "k":
        case "ArrowUp":
          h.prev();
          break;
        case "Enter":
          // A focused link or button does its own thing on Enter.
          if (onControl) handled = false;
          else h.open();
          break;
        case "c":
          if (h.create) h.create();
          else handled = false;
          break;
        case "/":
          if (h.search) h.search();
          else handled = false;
          break;
        case "ArrowLeft":
        case "h":
          if (h.collapse) h.collapse();
          else handled = false;
          break;
        case "ArrowRight":
        case "l":
          if (h.expand) h.expand();
          else handled = false;
          break;
        case "x":
          if (h.toggleSelect) h.toggleSelect();
          else handled = false;
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
