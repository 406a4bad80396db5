/**
 * Times in the reader's locale and zone: what the server takes from the
 * request (lib/reader-time.ts) and the formatters both sides use
 * (components/local-time.tsx), so the server's text is the browser's.
 */
import { describe, expect, it } from "vitest";

import { timeFormats } from "@/components/local-time";
import { readerLocale, validTimeZone } from "@/lib/reader-time";
import { emailTime } from "@/server/services/mail/email-time";

describe("the reader's zone and locale from a request", () => {
  it("keeps a zone Intl knows, decoding the cookie's encoding", () => {
    expect(validTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(validTimeZone("America%2FNew_York")).toBe("America/New_York");
    expect(validTimeZone("UTC")).toBe("UTC");
  });

  it("refuses what is not a zone: forged, empty, overlong, malformed encoding", () => {
    for (const bad of ["Mars/Olympus", "", null, undefined, "x".repeat(200), "%E0%A4%A", "<script>"]) {
      expect(validTimeZone(bad)).toBeNull();
    }
  });

  it("takes the first supported language of Accept-Language, else English", () => {
    expect(readerLocale("de-DE,de;q=0.9,en;q=0.8")).toBe("de-DE");
    expect(readerLocale("*;q=0.5, fr-CA")).toBe("fr-CA");
    expect(readerLocale("not a tag!!, ja")).toBe("ja");
    expect(readerLocale(null)).toBe("en");
    expect(readerLocale("")).toBe("en");
    expect(readerLocale("x".repeat(10_000))).toBe("en");
  });
});

describe("formatting in the reader's zone", () => {
  const lateEvening = new Date("2026-12-07T23:30:00Z");

  it("gives the calendar day and time of the zone, not the server's", () => {
    expect(timeFormats("en-US", "Asia/Tokyo").date(lateEvening)).toBe("Dec 8, 2026");
    expect(timeFormats("en-US", "UTC").date(lateEvening)).toBe("Dec 7, 2026");
    expect(timeFormats("en-US", "Asia/Tokyo").dateTime(lateEvening)).toBe("Dec 8, 2026, 8:30 AM");
    expect(timeFormats("de-DE", "Europe/Berlin").dateTime(lateEvening)).toBe("08.12.2026, 00:30");
  });

  it("gives relative times against the clock it is handed", () => {
    const now = Date.parse("2026-12-07T12:00:00Z");
    const en = timeFormats("en", "UTC", () => now);
    expect(en.relative(new Date(now - 3 * 60_000))).toBe("3 minutes ago");
    expect(en.relative(new Date(now - 10_000))).toBe("now");
    expect(en.relative(new Date(now - 26 * 3600_000))).toBe("yesterday");
    // In English sentences ("updated 2 hours ago") whatever the locale of dates.
    expect(timeFormats("de", "UTC", () => now).relative(new Date(now - 2 * 3600_000))).toBe("2 hours ago");
  });

  it("names the zone in emails, falling back to UTC for a zone that no longer exists", () => {
    expect(emailTime(lateEvening, "America/New_York")).toBe("Dec 7, 2026, 6:30 PM (America/New_York)");
    expect(emailTime(lateEvening, "Nowhere/Gone")).toBe("Dec 7, 2026, 11:30 PM (UTC)");
  });
});
