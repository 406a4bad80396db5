import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";

import { ReaderTimeProvider } from "@/components/local-time";
import { readerLocale, TIME_ZONE_COOKIE, validTimeZone } from "@/lib/reader-time";
import { THEME_COOKIE, themeClass, validTheme } from "@/lib/theme";

import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Specline", template: "%s · Specline" },
  description: "Requirements under version control, traced to the issues that implement and verify them.",
  // app/icon.svg is the tab icon; public/ holds the favicon.ico fallback, the home-screen icons and the manifest.
  manifest: "/manifest.webmanifest",
  icons: { apple: "/apple-touch-icon.png" },
};

export const viewport: Viewport = { themeColor: "#4f46e5" };

// Every page renders per request, the not-found page included, so its scripts carry the nonce of proxy.ts's policy.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  // Times render in the reader's locale and zone on the server already, so hydration changes nothing.
  const timeZone = validTimeZone(cookieStore.get(TIME_ZONE_COOKIE)?.value) ?? "UTC";
  const locale = readerLocale(headerList.get("accept-language"));
  // The account's theme, as this browser last saw it (components/shell/theme.tsx): no script runs before paint.
  const theme = themeClass(validTheme(cookieStore.get(THEME_COOKIE)?.value));
  return (
    <html lang="en" className={theme}>
      <body className="min-h-screen font-sans">
        <ReaderTimeProvider locale={locale} timeZone={timeZone} now={Date.now()}>
          <Providers>{children}</Providers>
        </ReaderTimeProvider>
      </body>
    </html>
  );
}
