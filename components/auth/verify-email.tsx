"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { signOut } from "next-auth/react";
import { useRef, useState } from "react";
import { errorCode, errorDetails, serverFieldErrors } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";

import { AuthCard, authErrorMessage, authLinkClass } from "./auth-card";
import { InvalidLink } from "./invalid-link";

/** Who opened the page: decides what an invalid link offers instead. */
export type VerifyViewer = "signed-out" | "unverified" | "verified";

const INVALID_LINK: Record<VerifyViewer, string> = {
  unverified: "Confirmation links work once, for 24 hours. Have a new one sent to your address.",
  "signed-out": "Confirmation links work once, for 24 hours. Sign in to have a new one sent.",
  verified: "Confirmation links work once, for 24 hours. The address of the account you are signed in to is confirmed.",
};

const continueLink = (
  <Link href="/projects" className={buttonStyles({ variant: "primary", className: "w-full" })}>
    Continue
  </Link>
);

/**
 * Confirms an address with the token from a verification email. Nothing is
 * sent until the button is pressed: mail scanners open links to inspect
 * them, and must not use up the link. `token` is null when the link in the
 * address bar cannot be one of ours.
 */
export function ConfirmEmail({ token, viewer }: { token: string | null; viewer: VerifyViewer }) {
  const trpc = useTRPC();
  const [outcome, setOutcome] = useState<"confirmed" | "invalid" | null>(token ? null : "invalid");
  const [formError, setFormError] = useState<string | null>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  function show(next: "confirmed" | "invalid") {
    setOutcome(next);
    requestAnimationFrame(() => titleRef.current?.focus());
  }

  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onError(err) {
        const invalid =
          (errorCode(err) === "BAD_REQUEST" && errorDetails(err)?.reason === "invalid_token") ||
          Boolean(serverFieldErrors(err).token);
        if (invalid) show("invalid");
        else setFormError(authErrorMessage(err));
      },
      onSuccess() {
        show("confirmed");
      },
    }),
  );

  if (outcome === "confirmed") {
    return (
      <AuthCard title="Your address is confirmed" titleRef={titleRef}>
        <div className="space-y-6">
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            You can now use Specline with this address.
          </p>
          {continueLink}
        </div>
      </AuthCard>
    );
  }

  if (outcome === "invalid") {
    return (
      <InvalidLink description={INVALID_LINK[viewer]} titleRef={titleRef}>
        {viewer === "unverified" ? (
          <ResendVerification />
        ) : viewer === "verified" ? (
          continueLink
        ) : (
          <Link href="/sign-in" className={buttonStyles({ variant: "primary", className: "w-full" })}>
            Sign in
          </Link>
        )}
      </InvalidLink>
    );
  }

  return (
    <AuthCard
      title="Confirm your email address"
      description="Confirm that this address is yours to start using Specline."
      titleRef={titleRef}
    >
      <div className="space-y-4">
        {formError ? <Alert>{formError}</Alert> : null}
        <Button
          variant="primary"
          className="w-full"
          loading={verify.isPending}
          onClick={() => {
            if (!token) return;
            setFormError(null);
            verify.mutate({ token });
          }}
        >
          Confirm my email address
        </Button>
      </div>
    </AuthCard>
  );
}

/** Where an unverified account is sent: where the link went, a way to have it sent again, and a way out. */
export function CheckInbox({ email }: { email: string }) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <AuthCard
      title="Confirm your email address"
      footer={
        <>
          Not your address?{" "}
          <button
            type="button"
            className={authLinkClass}
            disabled={signingOut}
            aria-busy={signingOut || undefined}
            onClick={() => {
              setSigningOut(true);
              void signOut({ callbackUrl: "/sign-in" });
            }}
          >
            Sign out
          </button>
        </>
      }
    >
      <p className="mb-6 text-sm text-zinc-700 dark:text-zinc-300">
        Check your inbox — we sent a link to{" "}
        <span className="font-medium break-all text-zinc-900 dark:text-zinc-50">{email}</span>. Follow it to start using
        Specline.
      </p>
      <ResendVerification />
    </AuthCard>
  );
}

/**
 * Sends the verification email again. The status line is always in the page,
 * empty until the email is on its way, so screen readers announce it and
 * nothing below it moves.
 */
function ResendVerification() {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const resend = useMutation(
    trpc.auth.requestVerification.mutationOptions({
      onError(err) {
        setError(authErrorMessage(err));
      },
    }),
  );
  return (
    <div className="space-y-2">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        className="w-full"
        loading={resend.isPending}
        onClick={() => {
          setError(null);
          resend.mutate();
        }}
      >
        Send the link again
      </Button>
      <p role="status" className="min-h-5 text-center text-[13px] text-emerald-700 dark:text-emerald-400">
        {resend.isSuccess ? "Sent — check your inbox." : null}
      </p>
    </div>
  );
}
