"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useRef, useState } from "react";

import { AuthCard, authErrorMessage, authLinkClass } from "@/components/auth/auth-card";
import { errorCode } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";

import { type InvitationFacts, InvitationSentence, InvitationSummary } from "./invitation-summary";

const projectsLink = (
  <Link href="/projects" className={buttonStyles({ variant: "primary", className: "w-full" })}>
    Go to your projects
  </Link>
);

/**
 * The invitation link, opened while signed in: accept (and go to the
 * project) or decline. Nothing happens until a button is pressed — mail
 * scanners open links too. The link proves the invitation was received, so
 * an account with another address may accept it as well; the page says so.
 */
export function AnswerInvitation({
  token,
  invitation,
  viewerEmail,
}: {
  token: string;
  invitation: InvitationFacts;
  viewerEmail: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [outcome, setOutcome] = useState<"declined" | "closed" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const titleRef = useRef<HTMLHeadingElement>(null);

  function show(next: "declined" | "closed") {
    setOutcome(next);
    requestAnimationFrame(() => titleRef.current?.focus());
  }

  /** The invitations listed on the projects page, fetched again when it is next shown. */
  function answered() {
    void queryClient.invalidateQueries({ queryKey: trpc.invitation.listMine.pathKey(), refetchType: "none" });
  }

  function onError(err: unknown) {
    // Answered, revoked or expired since the page was opened.
    if (errorCode(err) === "NOT_FOUND") show("closed");
    else setError(authErrorMessage(err));
  }

  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({
      onSuccess: ({ projectKey }) => {
        answered();
        router.push(`/projects/${projectKey}`);
      },
      onError,
    }),
  );
  const decline = useMutation(
    trpc.invitation.decline.mutationOptions({
      onSuccess: () => {
        answered();
        show("declined");
      },
      onError,
    }),
  );

  if (outcome === "declined") {
    return (
      <AuthCard title="Invitation declined" titleRef={titleRef}>
        <div className="space-y-6">
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            You did not join {invitation.project.name}. If you change your mind, ask{" "}
            {invitation.invitedBy?.name ?? "a project admin"} to invite you again.
          </p>
          {projectsLink}
        </div>
      </AuthCard>
    );
  }

  if (outcome === "closed") {
    return (
      <AuthCard
        title="This invitation is not open any more"
        description="It was answered, withdrawn or ran out while this page was open."
        titleRef={titleRef}
      >
        {projectsLink}
      </AuthCard>
    );
  }

  const otherAddress = viewerEmail.toLowerCase() !== invitation.email.toLowerCase();
  const busy = accept.isPending || accept.isSuccess || decline.isPending;

  return (
    <AuthCard
      title={`Join ${invitation.project.name}`}
      description={<InvitationSentence invitation={invitation} />}
      titleRef={titleRef}
      footer={
        <>
          Not {viewerEmail}?{" "}
          <button
            type="button"
            className={authLinkClass}
            disabled={signingOut}
            aria-busy={signingOut || undefined}
            onClick={() => {
              setSigningOut(true);
              void signOut({ callbackUrl: `/invitations/${token}` });
            }}
          >
            Sign out
          </button>
        </>
      }
    >
      <div className="space-y-4">
        <InvitationSummary invitation={invitation} />
        {otherAddress ? (
          <Alert tone="info">
            This invitation was sent to <span className="font-medium break-all">{invitation.email}</span>; you are
            signed in as <span className="font-medium break-all">{viewerEmail}</span>. Accepting adds this account to
            the project.
          </Alert>
        ) : null}
        {error ? <Alert>{error}</Alert> : null}
        <div className="flex flex-col gap-2">
          <Button
            variant="primary"
            className="w-full"
            loading={accept.isPending || accept.isSuccess}
            disabled={busy}
            onClick={() => {
              setError(null);
              accept.mutate({ token });
            }}
          >
            Accept invitation
          </Button>
          <Button
            className="w-full"
            loading={decline.isPending}
            disabled={busy}
            onClick={() => {
              setError(null);
              decline.mutate({ token });
            }}
          >
            Decline
          </Button>
        </div>
      </div>
    </AuthCard>
  );
}
