"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

import { LiveIndicator } from "@/components/live/live-indicator";
import { Logo } from "@/components/logo";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { SearchPalette } from "@/components/search/search-palette";
import { cn, focusRing } from "@/components/ui/cn";

import { ShortcutsHelp } from "./shortcuts-help";
import { UserMenu, type UserMenuUser } from "./user-menu";

/**
 * The app's top bar. `setupOnly` is for an account that can reach nothing
 * but its setup yet (two-factor sign-in the instance requires): only the
 * logo and the account menu, nothing that would ask the API for more.
 */
export function TopBar({ user, setupOnly = false }: { user: UserMenuUser; setupOnly?: boolean }) {
  const pathname = usePathname();
  // On a phone the admin pages are in the account menu: the bar keeps to the width of the screen.
  const links = [
    { href: "/projects", label: "Projects", className: "" },
    ...(user.role === "ADMIN" ? [{ href: "/admin", label: "Admin", className: "hidden sm:block" }] : []),
  ];
  return (
    <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/85 backdrop-blur supports-[backdrop-filter]:bg-white/75 dark:border-zinc-800 dark:bg-zinc-950/85 dark:supports-[backdrop-filter]:bg-zinc-950/70">
      <div className="mx-auto flex h-14 max-w-6xl min-w-0 items-center gap-2 px-3 sm:gap-6 sm:px-6">
        <Link href="/projects" className={cn("rounded-md", focusRing)} aria-label="Specline home">
          <Logo wordmarkClassName="hidden sm:inline" />
        </Link>
        {setupOnly ? null : (
          <nav aria-label="Main" className="flex items-center gap-1">
            {links.map((l) => {
              const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
              return (
                <Link
                  key={l.href}
                  href={l.href}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors",
                    l.className,
                    focusRing,
                    active
                      ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                      : "text-zinc-600 hover:bg-zinc-100/70 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100",
                  )}
                >
                  {l.label}
                </Link>
              );
            })}
          </nav>
        )}
        <div className="ml-auto flex items-center gap-2 sm:gap-3">
          {setupOnly ? null : (
            <>
              <LiveIndicator />
              <SearchPalette />
              <NotificationBell />
              <ShortcutsHelp />
            </>
          )}
          <UserMenu user={user} />
        </div>
      </div>
    </header>
  );
}
