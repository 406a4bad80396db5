"use client";
import { useState } from "react";

import { cn } from "./cn";
import { Input } from "./input";

/**
 * A one-word filter box (a tag, a label): applies on Enter or when it loses
 * focus, follows the value when the URL changes it, and is tinted while a
 * filter is set.
 */
export function TextFilter({
  label,
  value,
  onChange,
  className,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
}) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  return (
    <search aria-label={`Filter by ${label.toLowerCase()}`} className={className}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onChange(text.trim());
        }}
      >
        <Input
          compact
          aria-label={label}
          placeholder={label}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => text.trim() !== value && onChange(text.trim())}
          className={cn(value && "border-indigo-300 bg-indigo-50/60 dark:border-indigo-500/40 dark:bg-indigo-500/10")}
        />
      </form>
    </search>
  );
}
