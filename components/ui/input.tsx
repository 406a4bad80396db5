import { cn, focusRing } from "./cn";

const fieldBase =
  "block w-full rounded-md border bg-white text-sm text-zinc-900 shadow-xs transition-colors placeholder:text-zinc-400 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-900/50";

export function fieldStyles(invalid?: boolean) {
  return cn(
    fieldBase,
    focusRing,
    "focus-visible:ring-offset-0",
    invalid
      ? "border-red-500 focus-visible:ring-red-500/60 dark:border-red-500"
      : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600",
  );
}

export interface InputProps extends React.InputHTMLAttributes<HTMLInputElement> {
  invalid?: boolean;
  compact?: boolean;
  ref?: React.Ref<HTMLInputElement>;
}

export function Input({ invalid, compact, className, ...props }: InputProps) {
  return (
    <input
      aria-invalid={invalid || undefined}
      className={cn(fieldStyles(invalid), compact ? "h-8 px-2.5 text-[13px]" : "h-9 px-3", className)}
      {...props}
    />
  );
}

export interface TextareaProps extends React.TextareaHTMLAttributes<HTMLTextAreaElement> {
  invalid?: boolean;
  ref?: React.Ref<HTMLTextAreaElement>;
}

export function Textarea({ invalid, className, rows = 4, ...props }: TextareaProps) {
  return (
    <textarea
      rows={rows}
      aria-invalid={invalid || undefined}
      className={cn(fieldStyles(invalid), "min-h-20 px-3 py-2 leading-relaxed", className)}
      {...props}
    />
  );
}
