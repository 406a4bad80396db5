import Link from "next/link";

import { Logo } from "@/components/logo";

/** The frame of every signed-out page: background, logo and footer around a narrow column. */
export function AuthShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="relative flex min-h-screen flex-col bg-zinc-50 dark:bg-zinc-950">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 h-80 bg-[radial-gradient(60%_100%_at_50%_0%,rgb(99_102_241/0.10),transparent)] dark:bg-[radial-gradient(60%_100%_at_50%_0%,rgb(99_102_241/0.16),transparent)]"
      />
      <main className="relative flex flex-1 flex-col items-center justify-center px-4 py-12 sm:py-16">
        <Link
          href="/"
          className="mb-8 rounded-md focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
        >
          <Logo size="lg" />
        </Link>
        <div className="w-full max-w-[400px]">{children}</div>
      </main>
      <footer className="relative pb-6 text-center text-xs text-zinc-500 dark:text-zinc-500">
        Requirements under version control, traced to the work that delivers them.
      </footer>
    </div>
  );
}
