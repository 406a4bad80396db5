import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";

import { AuthCard } from "@/components/auth/auth-card";
import { SignInLink, SignUpForm, type SignUpInvitation } from "@/components/auth/sign-up-form";
import { getEnv } from "@/lib/env.mjs";
import { safeCallbackUrl } from "@/lib/safe-redirect";
import { invitationPreviewInput } from "@/lib/schemas/invitation";
import { getApi } from "@/lib/trpc/server";
import { enabledOAuthProviders } from "@/server/auth/options";
import { instanceIsEmpty, signupAllowed } from "@/server/services/users/register-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Create your account" };

/**
 * The invitation a sign-up link carries (`?invitation=<token>&email=…`):
 * open (with what it invites to, when the preview answers), or closed.
 */
async function invitationOf(params: Record<string, string | string[] | undefined>) {
  const token = typeof params.invitation === "string" ? params.invitation : undefined;
  if (!token) return null;
  if (!invitationPreviewInput.shape.token.safeParse(token).success) return { open: false as const };
  const email = typeof params.email === "string" ? params.email : "";
  try {
    const preview = await (await getApi()).invitation.preview({ token });
    if (preview.status !== "open") return { open: false as const };
    return {
      open: true as const,
      invitation: { token, email: preview.email, projectName: preview.project.name } satisfies SignUpInvitation,
    };
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) {
      return { open: false as const };
    }
    // Not known now (the preview's budget ran out, say): sign-up itself checks the invitation.
    return { open: true as const, invitation: { token, email, projectName: null } satisfies SignUpInvitation };
  }
}

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const env = getEnv();
  const followed = await invitationOf(params);
  const invitation = followed?.open ? followed.invitation : null;
  // An account that exists already answers the invitation from its page once signed in.
  const signInCallbackUrl = invitation ? `/invitations/${invitation.token}` : callbackUrl;
  // The first account of an instance is always allowed (there is nobody yet to invite it).
  if (env.SIGNUP_MODE === "invite" && !invitation && !(await instanceIsEmpty())) {
    return (
      <AuthCard title="Accounts are created by invitation" footer={<SignInLink callbackUrl={callbackUrl} />}>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          {followed
            ? "The invitation you followed is not open any more. Ask whoever invited you to send a new one."
            : "This Specline does not take sign-ups. To join it, ask one of its administrators to invite you."}
        </p>
      </AuthCard>
    );
  }
  // Signing up with a provider skips the invitation, so it is offered only where the address could sign up anyway.
  const providers = invitation && !signupAllowed(invitation.email, env) ? [] : enabledOAuthProviders();
  return (
    <AuthCard
      title="Create your account"
      description={
        invitation?.projectName
          ? `You're joining ${invitation.projectName}.`
          : env.SIGNUP_MODE === "domains" && !invitation
            ? `Open to addresses at ${(env.SIGNUP_DOMAINS ?? []).join(", ")}`
            : "Track requirements and the work that delivers them."
      }
      footer={<SignInLink callbackUrl={signInCallbackUrl} />}
    >
      <SignUpForm
        providers={providers}
        callbackUrl={callbackUrl}
        signInCallbackUrl={signInCallbackUrl}
        invitation={invitation}
      />
    </AuthCard>
  );
}
