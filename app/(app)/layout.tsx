import { redirect } from "next/navigation";

import { LiveUpdatesProvider } from "@/components/live/live-updates";
import { ThemeSync } from "@/components/shell/theme";
import { TopBar } from "@/components/shell/top-bar";
import { TwoFactorRequired } from "@/components/shell/two-factor-required";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  // Until the address is verified the API answers almost nothing, so the app would only show errors.
  if (!user.emailVerified) redirect("/verify-email");
  // An instance admin the instance requires two-factor sign-in of reaches nothing else until it is on (the API
  // refuses them the rest), so every page shows its setup instead, without the live stream or search.
  const setupOnly = user.mfaRequired && !user.mfaEnabled;
  return (
    <div className="flex min-h-screen flex-col bg-zinc-50 dark:bg-zinc-950">
      <ThemeSync theme={user.theme} />
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:ring-2 focus:ring-indigo-500 focus:outline-none dark:bg-zinc-900 dark:text-zinc-100"
      >
        Skip to content
      </a>
      {setupOnly ? (
        <>
          <TopBar user={user} setupOnly />
          <main id="main" className="flex-1">
            <TwoFactorRequired email={user.email} />
          </main>
        </>
      ) : (
        <LiveUpdatesProvider userId={user.id}>
          <TopBar user={user} />
          <main id="main" className="flex-1">
            {children}
          </main>
        </LiveUpdatesProvider>
      )}
    </div>
  );
}
