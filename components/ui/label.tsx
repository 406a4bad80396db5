import { cn } from "./cn";

/** A field label; `htmlFor` is required so every label names its control. */
export function Label({
  className,
  htmlFor,
  children,
  ...props
}: React.LabelHTMLAttributes<HTMLLabelElement> & { htmlFor: string; children: React.ReactNode }) {
  return (
    <label
      htmlFor={htmlFor}
      className={cn("block text-sm font-medium text-zinc-800 dark:text-zinc-200", className)}
      {...props}
    >
      {children}
    </label>
  );
}
