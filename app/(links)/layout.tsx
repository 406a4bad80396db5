import { AuthShell } from "@/components/auth/auth-shell";

export const dynamic = "force-dynamic";

/** Pages opened from links in email: they work whether or not the browser is signed in, so no redirect here. */
export default function LinksLayout({ children }: { children: React.ReactNode }) {
  return <AuthShell>{children}</AuthShell>;
}
