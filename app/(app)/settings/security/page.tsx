import type { Metadata } from "next";
import Link from "next/link";

import { authLinkClass } from "@/components/auth/auth-card";
import { signInErrorMessage } from "@/components/auth/sign-in-form";
import { PageHeader } from "@/components/page-header";
import { PasswordSection } from "@/components/settings/password-section";
import { RecentSignInsSection } from "@/components/settings/recent-sign-ins-section";
import { SessionsSection } from "@/components/settings/sessions-section";
import { SignInMethodsSection } from "@/components/settings/sign-in-methods-section";
import { TwoFactorSection } from "@/components/settings/two-factor-section";
import { Alert } from "@/components/ui/alert";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Security" };

export default async function SecuritySettingsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { error } = await searchParams;
  const api = await getApi();
  const [security, sessions, twoFactor] = await Promise.all([
    api.user.security(),
    api.user.sessions.list(),
    api.user.twoFactor.status(),
  ]);
  return (
    <div className="mx-auto max-w-2xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        title="Security"
        description={
          <>
            Your password and two-factor sign-in, the browsers you are signed in on, and the accounts you sign in with.
            Programs sign in with{" "}
            <Link href="/settings/tokens" className={authLinkClass}>
              API tokens
            </Link>
            .
          </>
        }
      />
      <div className="mt-8 space-y-6">
        {typeof error === "string" ? (
          // A provider that could not be connected (it belongs to another account, …), as next-auth reports it.
          <Alert>{signInErrorMessage(error)}</Alert>
        ) : null}
        <PasswordSection security={security} />
        <TwoFactorSection initialStatus={twoFactor} email={security.email} />
        <SessionsSection initialSessions={sessions} />
        <RecentSignInsSection />
        <SignInMethodsSection security={security} />
      </div>
    </div>
  );
}
