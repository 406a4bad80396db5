"use client";
import { useEffect, useRef, useState } from "react";

export type CopyState = "idle" | "copied" | "failed";

/**
 * Copies text to the clipboard and says how it went for a few seconds. The
 * clipboard exists only on secure origins (HTTPS or localhost): a Specline
 * served over plain HTTP gets "failed", and the caller asks for a manual copy.
 */
export function useCopy(resetAfterMs = 2500) {
  const [state, setState] = useState<CopyState>("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy(value: string) {
    clearTimeout(timer.current);
    try {
      if (!navigator.clipboard) throw new Error("No clipboard");
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    timer.current = setTimeout(() => setState("idle"), resetAfterMs);
  }

  return { state, copy };
}

/** What to say after a copy: `copied` when it worked, how to copy by hand when the browser refused. */
export function copyStatus(state: CopyState, copied: string): string | null {
  if (state === "copied") return copied;
  if (state === "failed") return "This browser did not allow copying. Select the text and copy it yourself.";
  return null;
}
