import type { Metadata, Viewport } from "next";

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

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
