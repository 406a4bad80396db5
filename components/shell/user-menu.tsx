"use client";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { useId } from "react";

import { Avatar } from "@/components/avatar";
import {
  ChevronDownIcon,
  GlobeIcon,
  KeyboardIcon,
  KeyIcon,
  LogOutIcon,
  SettingsIcon,
  ShieldIcon,
} from "@/components/icons";
import { InstanceRoleBadge } from "@/components/role-badge";
import { cn, focusRing } from "@/components/ui/cn";
import { usePopover } from "@/components/ui/use-popover";
import type { Theme } from "@/lib/theme";
import { SHOW_SHORTCUTS_EVENT } from "./shortcuts-help";
import { ThemeChoice } from "./theme";

export interface UserMenuUser {
  id: string;
  name: string;
  email: string;
  role: "ADMIN" | "USER";
  theme: Theme;
}

const itemStyles =
  "flex w-full items-center gap-2 rounded-md px-3 py-2 text-left text-sm text-zinc-700 outline-none hover:bg-zinc-100 focus:bg-zinc-100 focus:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800 dark:focus:text-zinc-50";
const itemIconStyles = "size-4 text-zinc-500 dark:text-zinc-400";

/**
 * The account menu, following the WAI-ARIA menu button pattern: Enter, Space
 * or ArrowDown open it and focus the first item; arrows move; Escape closes
 * and returns focus to the button.
 */
export function UserMenu({ user }: { user: UserMenuUser }) {
  const { open, setOpen, rootRef, buttonRef, panelId: menuId, handlers } = usePopover({ items: '[role="menuitem"]' });
  const buttonId = useId();

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        {...handlers}
        className={cn(
          "flex items-center gap-2 rounded-full py-0.5 pr-2 pl-0.5 text-sm text-zinc-700 transition-colors hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
          focusRing,
          open && "bg-zinc-100 dark:bg-zinc-800",
        )}
      >
        <Avatar name={user.name} email={user.email} seed={user.id} />
        {/* The name is the button's text (on a phone for screen readers only): what is read is what is seen. */}
        <span className="sr-only">Account menu for </span>
        <span className="sr-only max-w-40 truncate font-medium sm:not-sr-only">{user.name}</span>
        <ChevronDownIcon className="size-3.5 text-zinc-500 dark:text-zinc-400" />
      </button>
      {open ? (
        <div
          id={menuId}
          role="menu"
          aria-labelledby={buttonId}
          {...handlers}
          className="absolute right-0 z-40 mt-2 w-72 origin-top-right rounded-lg border border-zinc-200 bg-white p-1 shadow-lg shadow-zinc-950/10 dark:border-zinc-800 dark:bg-zinc-900 dark:shadow-black/40"
        >
          <div className="flex items-start gap-3 px-3 pt-2.5 pb-3">
            <Avatar name={user.name} email={user.email} seed={user.id} />
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-50">{user.name}</p>
              <p className="truncate text-[13px] text-zinc-600 dark:text-zinc-400">{user.email}</p>
              <div className="mt-1.5">
                <InstanceRoleBadge role={user.role} />
              </div>
            </div>
          </div>
          <div className="px-3 pb-2.5">
            <ThemeChoice initial={user.theme} />
          </div>
          <hr className="-mx-1 my-1 border-zinc-200 dark:border-zinc-800" />
          {user.role === "ADMIN" ? (
            <Link
              href="/admin"
              role="menuitem"
              tabIndex={-1}
              onClick={() => setOpen(false)}
              className={cn(itemStyles, "sm:hidden")}
            >
              <SettingsIcon className={itemIconStyles} />
              Administration
            </Link>
          ) : null}
          <Link
            href="/settings/preferences"
            role="menuitem"
            tabIndex={-1}
            onClick={() => setOpen(false)}
            className={itemStyles}
          >
            <GlobeIcon className={itemIconStyles} />
            Preferences
          </Link>
          <Link
            href="/settings/security"
            role="menuitem"
            tabIndex={-1}
            onClick={() => setOpen(false)}
            className={itemStyles}
          >
            <ShieldIcon className={itemIconStyles} />
            Security
          </Link>
          <Link
            href="/settings/tokens"
            role="menuitem"
            tabIndex={-1}
            onClick={() => setOpen(false)}
            className={itemStyles}
          >
            <KeyIcon className={itemIconStyles} />
            API tokens
          </Link>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            aria-keyshortcuts="Shift+?"
            onClick={() => {
              setOpen(false);
              window.dispatchEvent(new Event(SHOW_SHORTCUTS_EVENT));
            }}
            className={itemStyles}
          >
            <KeyboardIcon className={itemIconStyles} />
            Keyboard shortcuts
          </button>
          <hr className="-mx-1 my-1 border-zinc-200 dark:border-zinc-800" />
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            onClick={() => {
              setOpen(false);
              void signOut({ callbackUrl: "/sign-in" });
            }}
            className={itemStyles}
          >
            <LogOutIcon className={itemIconStyles} />
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
