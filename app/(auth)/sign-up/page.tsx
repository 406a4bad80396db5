import type { Metadata } from "next";

import { AuthCard } from "@/components/auth/auth-card";
import { SignInLink, SignUpForm } from "@/components/auth/sign-up-form";
import { getEnv } from "@/lib/env.mjs";
import { safeCallbackUrl } from "@/lib/safe-redirect";
import { enabledOAuthProviders } from "@/server/auth/options";
import { instanceIsEmpty } from "@/server/services/users/register-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const env = getEnv();
  // The first account of an instance is always allowed (there is nobody yet to invite it).
  if (env.SIGNUP_MODE === "invite" && !(await instanceIsEmpty())) {
    return (
      <AuthCard title="Accounts are created by invitation" footer={<SignInLink callbackUrl={callbackUrl} />}>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          This Specline does not take sign-ups. To join it, ask one of its administrators to invite you.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Create your account"
      description={
        env.SIGNUP_MODE === "domains"
          ? `Open to addresses at ${(env.SIGNUP_DOMAINS ?? []).join(", ")}`
          : "Track requirements and the work that delivers them."
      }
      footer={<SignInLink callbackUrl={callbackUrl} />}
    >
      <SignUpForm providers={enabledOAuthProviders()} callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
