import { describe, expect, it } from "vitest";

import { describeUserAgent } from "@/lib/user-agent";

const UA = {
  chromeMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  chromeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  chromeLinux: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  chromeAndroid:
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
  chromeIos:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
  chromeOs:
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  headlessChrome:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
  androidWebView:
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36",
  edgeWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
  edgeMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
  edgeLegacy:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045",
  edgeAndroid:
    "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.50",
  edgeIos:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.0.2478.50 Mobile/15E148 Safari/605.1.15",
  firefoxWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
  firefoxMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
  firefoxUbuntu: "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  firefoxAndroid: "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
  firefoxIos:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
  safariMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
  safariIphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  safariIpad:
    "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  iosInAppWebView:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  androidStockBrowser:
    "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; GT-I9100 Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
  operaWindows:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
  samsungAndroid:
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
};

describe("describeUserAgent", () => {
  it.each<[keyof typeof UA, string, string]>([
    ["chromeMac", "Chrome", "macOS"],
    ["chromeWindows", "Chrome", "Windows"],
    ["chromeLinux", "Chrome", "Linux"],
    ["chromeAndroid", "Chrome", "Android"],
    ["chromeIos", "Chrome", "iOS"],
    ["chromeOs", "Chrome", "ChromeOS"],
    ["androidWebView", "Chrome", "Android"],
    ["edgeWindows", "Edge", "Windows"],
    ["edgeMac", "Edge", "macOS"],
    ["edgeLegacy", "Edge", "Windows"],
    ["edgeAndroid", "Edge", "Android"],
    ["edgeIos", "Edge", "iOS"],
    ["firefoxWindows", "Firefox", "Windows"],
    ["firefoxMac", "Firefox", "macOS"],
    ["firefoxUbuntu", "Firefox", "Linux"],
    ["firefoxAndroid", "Firefox", "Android"],
    ["firefoxIos", "Firefox", "iOS"],
    ["safariMac", "Safari", "macOS"],
    ["safariIphone", "Safari", "iOS"],
    ["safariIpad", "Safari", "iOS"],
    ["operaWindows", "Opera", "Windows"],
    ["samsungAndroid", "Samsung Internet", "Android"],
  ])("%s: %s on %s", (key, browser, os) => {
    expect(describeUserAgent(UA[key])).toEqual({ browser, os, label: `${browser} on ${os}` });
  });

  it("does not take a Chromium browser or a web view for Safari", () => {
    expect(describeUserAgent(UA.chromeMac).browser).toBe("Chrome");
    expect(describeUserAgent(UA.iosInAppWebView)).toEqual({
      browser: null,
      os: "iOS",
      label: "Unknown browser on iOS",
    });
    expect(describeUserAgent(UA.androidStockBrowser)).toEqual({
      browser: null,
      os: "Android",
      label: "Unknown browser on Android",
    });
  });

  it("does not take an iPhone for a Mac, nor an Android phone for Linux", () => {
    expect(describeUserAgent(UA.safariIphone).os).toBe("iOS");
    expect(describeUserAgent(UA.chromeAndroid).os).toBe("Android");
  });

  it("names the browser alone when the system is not recognised", () => {
    expect(describeUserAgent("Mozilla/5.0 (X11; FreeBSD amd64; rv:125.0) Gecko/20100101 Firefox/125.0")).toEqual({
      browser: "Firefox",
      os: null,
      label: "Firefox",
    });
  });

  it("falls back to an unknown device for other clients and a missing header", () => {
    for (const ua of [null, undefined, "", "   ", "curl/8.6.0", "node", "Specline-Bench/1.0"]) {
      expect(describeUserAgent(ua)).toEqual({ browser: null, os: null, label: "Unknown device" });
    }
  });

  it("names a headless Chrome (an automated browser) as Chrome", () => {
    expect(describeUserAgent(UA.headlessChrome).label).toBe("Chrome on Linux");
  });
});
