import { cn } from "@/components/ui/cn";

export function ProjectKey({ value, className }: { value: string; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex h-5 items-center rounded border border-zinc-200 bg-zinc-50 px-1.5 font-mono text-[11px] font-semibold tracking-wide text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
        className,
      )}
    >
      {value}
    </span>
  );
}
