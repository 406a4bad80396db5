import { redirect } from "next/navigation";

import { AuthShell } from "@/components/auth/auth-shell";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";

/** Sign-in, sign-up and forgotten passwords: only for people who are signed out. */
export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  if (await getCurrentUser()) redirect("/projects");
  return <AuthShell>{children}</AuthShell>;
}
