import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";

import { AuthCard } from "@/components/auth/auth-card";
import { InvalidLink } from "@/components/auth/invalid-link";
import { AnswerInvitation } from "@/components/invitations/answer-invitation";
import { InvitationSentence, InvitationSummary } from "@/components/invitations/invitation-summary";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button";
import { decodeRouteParam } from "@/lib/route-param";
import { invitationPreviewInput } from "@/lib/schemas/invitation";
import { type CurrentUser, getCurrentUser } from "@/lib/trpc/current-user";
import { getApi } from "@/lib/trpc/server";
import type { RouterOutputs } from "@/lib/trpc/types";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Invitation", robots: { index: false } };

type Preview = RouterOutputs["invitation"]["preview"];

/** The invitation behind the link; null for a link that is not (or no longer) one. */
async function previewOf(token: string): Promise<Preview | "busy" | null> {
  if (!invitationPreviewInput.shape.token.safeParse(token).success) return null;
  try {
    return await (await getApi()).invitation.preview({ token });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) return null;
    if (err instanceof TRPCError && err.code === "TOO_MANY_REQUESTS") return "busy";
    throw err;
  }
}

const CLOSED: Record<Exclude<Preview["status"], "open">, { title: string; description: (by: string) => string }> = {
  accepted: {
    title: "This invitation was accepted",
    description: () => "It has been used to join the project already.",
  },
  declined: {
    title: "This invitation was declined",
    description: (by) => `If you want to join after all, ask ${by} to invite you again.`,
  },
  revoked: {
    title: "This invitation was withdrawn",
    description: (by) => `It no longer gives access to the project. Ask ${by} if you think this is a mistake.`,
  },
  expired: {
    title: "This invitation has expired",
    description: (by) => `Invitations stay open for 14 days. Ask ${by} to invite you again.`,
  },
};

/**
 * Where an invitation email's link leads, signed in or not. Signed in, the
 * invitation is answered here; signed out, the way in is to create an
 * account with the invited address (which joins the project at once) or to
 * sign in and come back.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const token = decodeRouteParam((await params).token) ?? "";
  const [invitation, user] = await Promise.all([previewOf(token), getCurrentUser()]);
  const home = homeLink(user);

  if (invitation === "busy") {
    return (
      <AuthCard title="Try again later" description="Too many attempts from this network. Wait a while, then reload.">
        {home}
      </AuthCard>
    );
  }
  if (!invitation) {
    return (
      <InvalidLink description="Invitation links work until they are answered, for 14 days. Ask whoever invited you to send a new one.">
        {home}
      </InvalidLink>
    );
  }

  if (invitation.status !== "open") {
    const closed = CLOSED[invitation.status];
    return (
      <AuthCard title={closed.title} description={closed.description(invitation.invitedBy?.name ?? "a project admin")}>
        <div className="space-y-6">
          <InvitationSummary invitation={invitation} showExpiry={false} />
          {home}
        </div>
      </AuthCard>
    );
  }

  if (user?.emailVerified) {
    return <AnswerInvitation token={token} invitation={invitation} viewerEmail={user.email} />;
  }

  if (user) {
    return (
      <AuthCard title={`Join ${invitation.project.name}`} description={<InvitationSentence invitation={invitation} />}>
        <div className="space-y-4">
          <InvitationSummary invitation={invitation} />
          <Alert tone="warning" title="Confirm your email address first">
            The address of your account, <span className="font-medium break-all">{user.email}</span>, is not confirmed
            yet. Confirm it, then open this link again.
          </Alert>
          <Link href="/verify-email" className={buttonStyles({ variant: "primary", className: "w-full" })}>
            Confirm your address
          </Link>
        </div>
      </AuthCard>
    );
  }

  const signUp = `/sign-up?${new URLSearchParams({
    invitation: token,
    email: invitation.email,
    callbackUrl: `/projects/${invitation.project.key}`,
  })}`;
  const signIn = `/sign-in?${new URLSearchParams({ callbackUrl: `/invitations/${token}` })}`;
  return (
    <AuthCard title={`Join ${invitation.project.name}`} description={<InvitationSentence invitation={invitation} />}>
      <div className="space-y-4">
        <InvitationSummary invitation={invitation} />
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          New to Specline? Create an account with this address and you join the project straight away. Already have an
          account? Sign in to accept.
        </p>
        <div className="flex flex-col gap-2">
          <Link href={signUp} className={buttonStyles({ variant: "primary", className: "w-full" })}>
            Create an account
          </Link>
          <Link href={signIn} className={buttonStyles({ className: "w-full" })}>
            Sign in
          </Link>
        </div>
      </div>
    </AuthCard>
  );
}

function homeLink(user: CurrentUser | null) {
  return user ? (
    <Link href="/projects" className={buttonStyles({ variant: "primary", className: "w-full" })}>
      Go to your projects
    </Link>
  ) : (
    <Link href="/sign-in" className={buttonStyles({ variant: "primary", className: "w-full" })}>
      Sign in
    </Link>
  );
}
