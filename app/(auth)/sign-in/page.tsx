import type { Metadata } from "next";

import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm, SignUpLink } from "@/components/auth/sign-in-form";
import { getEnv } from "@/lib/env.mjs";
import { safeCallbackUrl } from "@/lib/safe-redirect";
import { enabledOAuthProviders } from "@/server/auth/options";
import { instanceIsEmpty } from "@/server/services/users/register-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  const env = getEnv();
  return (
    <AuthCard
      title="Sign in to Specline"
      description="Welcome back. Enter your details to continue."
      footer={
        env.SIGNUP_MODE === "invite" && !(await instanceIsEmpty()) ? (
          "Accounts here are created by invitation."
        ) : (
          <>
            <SignUpLink callbackUrl={callbackUrl} />
            {env.SIGNUP_MODE === "domains" ? (
              <span className="mt-1 block text-xs">
                Sign-up is open to addresses at {env.SIGNUP_DOMAINS?.join(", ")}.
              </span>
            ) : null}
          </>
        )
      }
    >
      <SignInForm providers={enabledOAuthProviders()} callbackUrl={callbackUrl} initialError={error} />
    </AuthCard>
  );
}
