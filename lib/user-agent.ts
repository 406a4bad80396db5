/**
 * A readable name for a browser from its User-Agent header ("Chrome on
 * macOS"), for the list of a user's sessions. Only the browser family and
 * the operating system: versions and device models are noise there, and
 * browsers freeze or fake them anyway.
 */

export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  /** What to show: "Chrome on macOS", "Firefox", "Unknown browser on Linux" or "Unknown device". */
  label: string;
}

// Order matters: Edge, Opera and Samsung Internet also name Chrome, and every Chromium and iOS browser names Safari.
const BROWSERS: [name: string, pattern: RegExp][] = [
  ["Edge", /\bEdg(?:e|A|iOS)?\//],
  ["Opera", /\b(?:OPR|OPT)\/|^Opera\//],
  ["Samsung Internet", /\bSamsungBrowser\//],
  ["Firefox", /\b(?:Firefox|FxiOS)\//],
  // "HeadlessChrome" is Chrome driven by a program (automated tests, scrapers).
  ["Chrome", /(?:\b|Headless)(?:Chrome|CriOS|Chromium)\//],
  // Safari proper says "Version/…"; in-app web views on iOS and the old Android browser do not count.
  ["Safari", /^(?!.*\bAndroid\b).*\bVersion\/[\d.]+.*\bSafari\//],
];

// Order matters: iOS browsers say "like Mac OS X", Android ones say "Linux".
const SYSTEMS: [name: string, pattern: RegExp][] = [
  ["iOS", /\b(?:iPhone|iPad|iPod)\b/],
  ["Android", /\bAndroid\b/],
  ["Windows", /\bWindows\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["macOS", /\bMac OS X\b|\bMacintosh\b/],
  ["Linux", /\bLinux\b/],
];

function firstMatch(candidates: [string, RegExp][], text: string): string | null {
  return candidates.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const ua = userAgent?.trim() ?? "";
  const browser = ua ? firstMatch(BROWSERS, ua) : null;
  const os = ua ? firstMatch(SYSTEMS, ua) : null;
  const label =
    browser && os ? `${browser} on ${os}` : (browser ?? (os ? `Unknown browser on ${os}` : "Unknown device"));
  return { browser, os, label };
}
