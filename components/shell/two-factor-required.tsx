"use client";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTransition } from "react";

import { authLinkClass } from "@/components/auth/auth-card";
import { ShieldIcon } from "@/components/icons";
import { TwoFactorEnrollment } from "@/components/settings/two-factor-setup";
import { Card } from "@/components/ui/card";

/**
 * What the app shows an instance admin while the instance requires two-factor
 * sign-in of them and it is off (REQUIRE_ADMIN_MFA): the API answers them
 * nothing else until it is on. Once the recovery codes are saved the route
 * renders again and the app appears.
 */
export function TwoFactorRequired({ email }: { email: string }) {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  return (
    <div className="mx-auto w-full max-w-xl px-4 py-8 sm:px-6 sm:py-14">
      <Card>
        <div className="flex gap-3 border-b border-zinc-200 px-5 py-5 dark:border-zinc-800">
          <span className="flex size-9 shrink-0 items-center justify-center rounded-lg border border-indigo-200 bg-indigo-50 text-indigo-600 dark:border-indigo-500/30 dark:bg-indigo-500/10 dark:text-indigo-300">
            <ShieldIcon className="size-[18px]" />
          </span>
          <div className="min-w-0">
            <h1 className="text-base font-semibold text-zinc-900 dark:text-zinc-50">Turn on two-factor sign-in</h1>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              This Specline requires two-factor sign-in for instance admins: an admin account reaches every project and
              every user, so a password alone is not enough to protect it. Until it is on, your account can only use
              this page.
            </p>
          </div>
        </div>
        <TwoFactorEnrollment
          account={email}
          finishing={refreshing}
          onFinished={() => startRefresh(() => router.refresh())}
        />
      </Card>
      <p className="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
        Not now?{" "}
        <button type="button" className={authLinkClass} onClick={() => void signOut({ callbackUrl: "/sign-in" })}>
          Sign out
        </button>
      </p>
    </div>
  );
}
