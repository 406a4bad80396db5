import type { Metadata } from "next";
import Link from "next/link";

import { MailFolder, OutboxHealth } from "@/components/admin/background-jobs";
import { PageHeader } from "@/components/page-header";
import { ForbiddenView } from "@/components/status-view";
import { cn, focusRing } from "@/components/ui/cn";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Background jobs" };

export default async function AdminJobsPage() {
  const me = await getCurrentUser();
  if (me?.role !== "ADMIN") {
    return (
      <ForbiddenView
        title="Instance admins only"
        description="This page shows the delivery of background work for the whole instance. Ask an instance administrator if you need access."
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
        title="Background jobs"
        description="Notifications, webhooks and statistics start from domain events. See what is waiting, what failed, and send it again."
      />
      <OutboxHealth />
      <MailFolder />
    </div>
  );
}
