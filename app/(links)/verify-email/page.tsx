import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { CheckInbox, ConfirmEmail, type VerifyViewer } from "@/components/auth/verify-email";
import { verifyEmailInput } from "@/lib/schemas/auth";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confirm your email address", robots: { index: false } };

/**
 * With `?token=`: the link from the verification email, confirmed only when
 * its button is pressed. Without: where an unverified account waits for it.
 */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { token } = await searchParams;
  const user = await getCurrentUser();
  if (token !== undefined) {
    const valid = typeof token === "string" && verifyEmailInput.shape.token.safeParse(token).success;
    const viewer: VerifyViewer = !user ? "signed-out" : user.emailVerified ? "verified" : "unverified";
    return <ConfirmEmail token={valid ? token : null} viewer={viewer} />;
  }
  if (!user) redirect("/sign-in");
  if (user.emailVerified) redirect("/projects");
  return <CheckInbox email={user.email} />;
}
