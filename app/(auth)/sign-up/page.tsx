import type { Metadata } from "next";

import { AuthCard } from "@/components/auth/auth-card";
import { safeCallbackUrl } from "@/components/auth/safe-callback";
import { SignInLink, SignUpForm } from "@/components/auth/sign-up-form";
import { enabledOAuthProviders } from "@/server/auth/options";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  return (
    <AuthCard
      title="Create your account"
      description="Track requirements and the work that delivers them."
      footer={<SignInLink callbackUrl={callbackUrl} />}
    >
      <SignUpForm providers={enabledOAuthProviders()} callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
