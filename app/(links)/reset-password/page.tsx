import type { Metadata } from "next";

import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { passwordResetInput } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Choose a new password", robots: { index: false } };

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { token } = await searchParams;
  // A token that cannot be one of ours gets the "not valid" answer without a round trip.
  const valid = typeof token === "string" && passwordResetInput.shape.token.safeParse(token).success;
  return <ResetPasswordForm token={valid ? token : null} />;
}
