import type { Metadata } from "next";
import Link from "next/link";

import { Logo } from "@/components/logo";
import { NotFoundView } from "@/components/status-view";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <div className="flex min-h-screen flex-col bg-zinc-50 dark:bg-zinc-950">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <div className="mx-auto flex h-14 max-w-6xl items-center px-4 sm:px-6">
          <Link
            href="/"
            className="rounded-md focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
          >
            <Logo />
          </Link>
        </div>
      </header>
      <main className="flex-1">
        <NotFoundView />
      </main>
    </div>
  );
}
