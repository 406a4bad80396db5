import type { Metadata } from "next";
import Link from "next/link";

import { AuditLog } from "@/components/admin/audit-log";
import { SecurityLog } from "@/components/admin/security-log";
import { UsersTable } from "@/components/admin/users-table";
import { PageHeader } from "@/components/page-header";
import { ForbiddenView } from "@/components/status-view";
import { cn, focusRing } from "@/components/ui/cn";
import { getCurrentUser } from "@/lib/trpc/current-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const me = await getCurrentUser();
  if (me?.role !== "ADMIN") {
    return (
      <ForbiddenView
        title="Instance admins only"
        description="This area manages users and shows the audit log for the whole instance. Ask an instance administrator if you need access."
      />
    );
  }
  const params = await searchParams;
  const tab = params.tab === "audit" || params.tab === "security" ? params.tab : "users";
  const tabs = [
    { id: "users", label: "Users", href: "/admin" },
    { id: "audit", label: "Audit log", href: "/admin?tab=audit" },
    { id: "security", label: "Security log", href: "/admin?tab=security" },
    { id: "jobs", label: "Background jobs", href: "/admin/jobs" },
    { id: "system", label: "System", href: "/admin/system" },
  ];

  return (
    <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        title="Administration"
        description="Manage who can use this Specline instance, and review every change and sign-in."
      />
      <nav
        aria-label="Administration"
        className="mt-6 flex gap-5 overflow-x-auto border-b border-zinc-200 pb-px dark:border-zinc-800"
      >
        {tabs.map((t) => (
          <Link
            key={t.id}
            href={t.href}
            aria-current={tab === t.id ? "page" : undefined}
            className={cn(
              "-mb-px rounded-t-sm border-b-2 px-0.5 pb-2.5 text-sm font-medium whitespace-nowrap transition-colors",
              focusRing,
              "focus-visible:ring-offset-0",
              tab === t.id
                ? "border-indigo-600 text-zinc-900 dark:border-indigo-400 dark:text-zinc-50"
                : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-600 dark:hover:text-zinc-100",
            )}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <div className="mt-6">
        {tab === "users" ? (
          <UsersTable currentUserId={me.id} />
        ) : tab === "audit" ? (
          <AuditLog />
        ) : (
          <SecurityLog currentUserId={me.id} />
        )}
      </div>
    </div>
  );
}
