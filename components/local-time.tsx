"use client";

import { createContext, useContext, useEffect, useMemo, useState } from "react";

import { TIME_ZONE_COOKIE } from "@/lib/reader-time";

/**
 * Every time on a page in the reader's locale and time zone, the same on the
 * server and in the browser: the server renders with the locale of the
 * request's Accept-Language and the zone the browser left in a cookie (UTC
 * before it has), passes both down here, and hydration formats with exactly
 * those. After hydration the browser's own zone takes over if it differs
 * (a first visit, a journey across zones) and is stored for the next
 * request. Relative times ("3 min ago") are computed against the server's
 * clock while hydrating, then against the browser's, refreshed every 30 s.
 */

interface ReaderTime {
  locale: string;
  timeZone: string;
  /** Milliseconds since the epoch relative times are computed against. */
  now: number;
}

const ReaderTimeContext = createContext<ReaderTime | null>(null);

const TICK_MS = 30_000;

export function ReaderTimeProvider({ locale, timeZone, now, children }: ReaderTime & { children: React.ReactNode }) {
  const [zone, setZone] = useState(timeZone);
  const [clock, setClock] = useState(now);
  useEffect(() => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserZone && browserZone !== timeZone) {
      // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie, read by the server's layout.
      document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(browserZone)}; path=/; max-age=31536000; samesite=lax`;
      setZone(browserZone);
    }
    setClock(Date.now());
    const timer = setInterval(() => setClock(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [timeZone]);
  const value = useMemo(() => ({ locale, timeZone: zone, now: clock }), [locale, zone, clock]);
  return <ReaderTimeContext.Provider value={value}>{children}</ReaderTimeContext.Provider>;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** Formatters for one locale and zone (built once per pair: Intl formatters are costly to create). */
export interface TimeFormats {
  locale: string;
  timeZone: string;
  date(d: Date): string;
  dateTime(d: Date): string;
  time(d: Date): string;
  relative(d: Date): string;
}

interface Formatters {
  date: Intl.DateTimeFormat;
  dateTime: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  relative: Intl.RelativeTimeFormat;
}

const cache = new Map<string, Formatters>();

/** The formatters of `locale` in `timeZone`; relative times against `now()`. */
export function timeFormats(locale: string, timeZone: string, now: () => number = Date.now): TimeFormats {
  const key = `${locale}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    f = {
      date: new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone }),
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }),
      time: new Intl.DateTimeFormat(locale, { timeStyle: "medium", timeZone }),
      // The words around a relative time are English ("updated 3 minutes ago"): so is the phrase. Dates and
      // times follow the reader's locale.
      relative: new Intl.RelativeTimeFormat("en", { numeric: "auto" }),
    };
    if (cache.size >= 50) cache.clear();
    cache.set(key, f);
  }
  const formatters = f;
  return {
    locale,
    timeZone,
    date: (d) => formatters.date.format(d),
    dateTime: (d) => formatters.dateTime.format(d),
    time: (d) => formatters.time.format(d),
    relative: (d) => formatRelative(formatters.relative, d, now()),
  };
}

function formatRelative(format: Intl.RelativeTimeFormat, date: Date, now: number): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return format.format(0, "second");
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), "minute");
}

/** The reader's formatters (outside a provider — tests, emails — the runtime's locale and UTC). */
export function useTimeFormats(): TimeFormats {
  const reader = useContext(ReaderTimeContext);
  const locale = reader?.locale ?? "en";
  const timeZone = reader?.timeZone ?? "UTC";
  const now = reader?.now;
  return useMemo(() => timeFormats(locale, timeZone, () => now ?? Date.now()), [locale, timeZone, now]);
}

/**
 * A timestamp in the reader's locale and time zone; relative ones carry the
 * absolute time as their title.
 */
export function LocalTime({ date, mode = "date" }: { date: Date | string; mode?: "date" | "datetime" | "relative" }) {
  const formats = useTimeFormats();
  const d = typeof date === "string" ? new Date(date) : date;
  const text = mode === "relative" ? formats.relative(d) : mode === "datetime" ? formats.dateTime(d) : formats.date(d);
  return (
    <time dateTime={d.toISOString()} title={formats.dateTime(d)}>
      {text}
    </time>
  );
}
