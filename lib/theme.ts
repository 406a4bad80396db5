/** The reader's theme: light, dark, or as their device is. Kept per account and mirrored in a cookie for rendering. */
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = "specline-theme";

export function validTheme(value: string | null | undefined): Theme {
  return (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";
}

/** The class on <html> for a theme (app/globals.css: `.dark`, `.light`, none for the system's). */
export function themeClass(theme: Theme): string | undefined {
  return theme === "system" ? undefined : theme;
}
