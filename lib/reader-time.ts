/**
 * The reader's locale and time zone as the server learns them: the zone
 * from a cookie the browser sets (components/local-time.tsx), the locale
 * from Accept-Language. Both are checked against what Intl supports, so a
 * forged value falls back instead of failing a render.
 */

export const TIME_ZONE_COOKIE = "specline-tz";

/** `zone` when Intl knows it as a time zone, else null. */
export function validTimeZone(zone: string | null | undefined): string | null {
  if (!zone || zone.length > 128) return null;
  try {
    const name = zone.includes("%") ? decodeURIComponent(zone) : zone;
    return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The first language of an Accept-Language header that Intl supports, else "en". */
export function readerLocale(acceptLanguage: string | null | undefined): string {
  const tags = (acceptLanguage ?? "")
    .slice(0, 512)
    .split(",")
    .map((part) => part.split(";")[0]?.trim() ?? "")
    .filter((tag) => tag && tag !== "*")
    .slice(0, 10);
  for (const tag of tags) {
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      /* not a language tag */
    }
  }
  return "en";
}
