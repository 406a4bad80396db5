import type { Metadata } from "next";
import Link from "next/link";

import { SystemStatusView } from "@/components/admin/system-status";
import { PageHeader } from "@/components/page-header";
import { ForbiddenView } from "@/components/status-view";
import { cn, focusRing } from "@/components/ui/cn";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "System" };

export default async function AdminSystemPage() {
  const me = await getCurrentUser();
  if (me?.role !== "ADMIN") {
    return (
      <ForbiddenView
        title="Instance admins only"
        description="This page shows the health of the services this instance depends on. Ask an instance administrator if you need access."
      />
    );
  }
  return (
    <div className="mx-auto max-w-6xl space-y-6 px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        eyebrow={
          <Link
            href="/admin"
            className={cn(
              "rounded-sm text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
              focusRing,
            )}
          >
            ← Administration
          </Link>
        }
        title="System"
        description="The services this instance depends on, background work, and this instance's traffic. Updates live."
      />
      <SystemStatusView />
    </div>
  );
}
