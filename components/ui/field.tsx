import { cloneElement, isValidElement } from "react";

import { cn } from "./cn";
import { Label } from "./label";

interface ControlProps {
  id?: string;
  invalid?: boolean;
  "aria-describedby"?: string;
}

/**
 * A label, a control, an optional hint and an inline error. Wires the
 * control's id, aria-invalid and aria-describedby so the hint and error are
 * read out with the field.
 */
export function Field({
  id,
  label,
  hint,
  error,
  optional,
  className,
  children,
}: {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string | null;
  optional?: boolean;
  className?: string;
  children: React.ReactElement<ControlProps>;
}) {
  const hintId = hint && !error ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, invalid: Boolean(error), "aria-describedby": describedBy })
    : children;
  return (
    <div className={cn("space-y-1.5", className)}>
      <Label htmlFor={id} className="flex items-baseline justify-between gap-2">
        <span>{label}</span>
        {optional ? <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">Optional</span> : null}
      </Label>
      {control}
      {error ? (
        <p id={errorId} className="flex items-start gap-1 text-[13px] text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="text-[13px] text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
