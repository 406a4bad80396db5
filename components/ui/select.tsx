import { cn } from "./cn";
import { fieldStyles } from "./input";

export interface SelectProps extends React.SelectHTMLAttributes<HTMLSelectElement> {
  invalid?: boolean;
  size?: never;
  compact?: boolean;
  ref?: React.Ref<HTMLSelectElement>;
}

/** A native select (keyboard and screen-reader behaviour for free), styled to match the inputs. */
export function Select({ invalid, compact, className, children, ...props }: SelectProps) {
  return (
    <div className={cn("relative", className)}>
      <select
        aria-invalid={invalid || undefined}
        className={cn(fieldStyles(invalid), "appearance-none pr-8 pl-3", compact ? "h-8 text-[13px]" : "h-9")}
        {...props}
      >
        {children}
      </select>
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 right-2.5 size-3.5 -translate-y-1/2 text-zinc-500 dark:text-zinc-400"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d="m4 6 4 4 4-4" />
      </svg>
    </div>
  );
}
