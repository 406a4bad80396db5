import { cn } from "@/components/ui/cn";

/** The Specline mark: three spec lines, the middle one traced through in the accent colour. */
export function LogoMark({ className }: { className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-flex size-7 shrink-0 items-center justify-center rounded-lg bg-gradient-to-b from-indigo-500 to-indigo-600 text-white shadow-sm ring-1 ring-indigo-700/20 ring-inset",
        className,
      )}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="size-[62%]"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        strokeLinecap="round"
      >
        <path d="M3 4.25h6.5" strokeOpacity="0.7" />
        <path d="M3 8h10" />
        <circle cx="12.25" cy="4.25" r="1.1" fill="currentColor" stroke="none" />
        <path d="M3 11.75h4.5" strokeOpacity="0.7" />
      </svg>
    </span>
  );
}

export function Logo({
  className,
  size = "md",
  wordmarkClassName,
}: {
  className?: string;
  size?: "md" | "lg";
  /** E.g. `hidden sm:inline`: the mark alone where room is short. */
  wordmarkClassName?: string;
}) {
  return (
    <span className={cn("inline-flex items-center gap-2", className)}>
      <LogoMark className={size === "lg" ? "size-9 rounded-xl" : undefined} />
      <span
        className={cn(
          "font-semibold tracking-tight text-zinc-900 dark:text-zinc-50",
          size === "lg" ? "text-xl" : "text-[15px]",
          wordmarkClassName,
        )}
      >
        Specline
      </span>
    </span>
  );
}
