"use client";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";

import { cn } from "@/components/ui/cn";
import { THEME_COOKIE, THEMES, type Theme, themeClass, validTheme } from "@/lib/theme";
import { useTRPC } from "@/lib/trpc/react";

const LABELS: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };

/** Shows `theme` now and on the next page the server renders (the cookie it reads). */
function apply(theme: Theme) {
  const root = document.documentElement;
  root.classList.remove("light", "dark");
  const cls = themeClass(theme);
  if (cls) root.classList.add(cls);
  // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie, read by the root layout.
  document.cookie = `${THEME_COOKIE}=${theme}; path=/; max-age=31536000; samesite=lax`;
}

function cookieTheme(): Theme {
  const match = document.cookie.match(new RegExp(`(?:^|; )${THEME_COOKIE}=([^;]*)`));
  return validTheme(match?.[1]);
}

/**
 * The account's theme on this browser: a browser that has not seen it yet
 * (a new device, another person's account before) takes it over.
 */
export function ThemeSync({ theme }: { theme: Theme }) {
  useEffect(() => {
    if (cookieTheme() !== theme) apply(theme);
  }, [theme]);
  return null;
}

/** Light, dark or system: shown at once, saved to the account. */
export function ThemeChoice({ initial }: { initial: Theme }) {
  const trpc = useTRPC();
  const name = useId();
  const [theme, setTheme] = useState<Theme>(initial);
  const save = useMutation(trpc.user.updatePreferences.mutationOptions());
  return (
    // A press keeps the focus where it is: inside a menu, focus leaving for nothing would close the menu
    // before the click lands. The radios still take focus from the keyboard.
    <fieldset
      className="flex gap-1 rounded-md bg-zinc-100 p-0.5 dark:bg-zinc-800"
      onMouseDown={(e) => e.preventDefault()}
    >
      <legend className="sr-only">Theme</legend>
      {THEMES.map((t) => (
        <label
          key={t}
          className={cn(
            "flex-1 cursor-pointer rounded px-2 py-1 text-center text-xs font-medium transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500",
            theme === t
              ? "bg-white text-zinc-900 shadow-xs dark:bg-zinc-950 dark:text-zinc-50"
              : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
          )}
        >
          <input
            type="radio"
            name={name}
            value={t}
            checked={theme === t}
            className="sr-only"
            onChange={() => {
              setTheme(t);
              apply(t);
              save.mutate({ theme: t });
            }}
          />
          {LABELS[t]}
        </label>
      ))}
    </fieldset>
  );
}
