"use client";

const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function formatRelative(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), "minute");
}

/**
 * A timestamp in the reader's locale and time zone. The server renders it in
 * its own zone, so the text may legitimately differ at hydration.
 */
export function LocalTime({ date, mode = "date" }: { date: Date | string; mode?: "date" | "datetime" | "relative" }) {
  const d = typeof date === "string" ? new Date(date) : date;
  const text =
    mode === "relative" ? formatRelative(d) : mode === "datetime" ? dateTimeFormat.format(d) : dateFormat.format(d);
  return (
    <time dateTime={d.toISOString()} title={dateTimeFormat.format(d)} suppressHydrationWarning>
      {text}
    </time>
  );
}
