import { cn } from "@/components/ui/cn";

const palettes = [
  "bg-indigo-100 text-indigo-800 dark:bg-indigo-500/20 dark:text-indigo-200",
  "bg-emerald-100 text-emerald-800 dark:bg-emerald-500/20 dark:text-emerald-200",
  "bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200",
  "bg-sky-100 text-sky-800 dark:bg-sky-500/20 dark:text-sky-200",
  "bg-rose-100 text-rose-800 dark:bg-rose-500/20 dark:text-rose-200",
  "bg-violet-100 text-violet-800 dark:bg-violet-500/20 dark:text-violet-200",
  "bg-teal-100 text-teal-800 dark:bg-teal-500/20 dark:text-teal-200",
];

export function initials(name: string, email?: string): string {
  const [first, ...rest] = name.trim().split(/\s+/).filter(Boolean);
  const last = rest.at(-1);
  const letters =
    first !== undefined && last !== undefined ? first.charAt(0) + last.charAt(0) : (first ?? email ?? "?").slice(0, 2);
  return letters.toUpperCase();
}

/** Initials on a colour derived from a stable seed (the user id), so a person keeps their colour everywhere. */
export function Avatar({
  name,
  email,
  seed,
  size = "md",
  className,
}: {
  name: string;
  email?: string;
  seed: string;
  size?: "sm" | "md";
  className?: string;
}) {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-flex shrink-0 items-center justify-center rounded-full font-semibold select-none",
        size === "sm" ? "size-6 text-[10px]" : "size-8 text-xs",
        palettes[hash % palettes.length],
        className,
      )}
    >
      {initials(name, email)}
    </span>
  );
}
