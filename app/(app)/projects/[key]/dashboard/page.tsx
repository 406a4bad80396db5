import type { Metadata } from "next";

import { PageHeader } from "@/components/page-header";
import { getProjectForRoute } from "@/lib/trpc/project-data";

import { DashboardView } from "./_components/dashboard-view";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Dashboard · ${key.toUpperCase()}` };
}

export default async function DashboardPage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<{ days?: string | string[] }>;
}) {
  const [{ key }, { days }] = await Promise.all([params, searchParams]);
  const project = await getProjectForRoute(key);
  // The window lives in the URL (?days=90) so a view can be shared; anything else means 30.
  const window = days === "90" ? 90 : 30;
  const canRefresh = project.myRole !== "REPORTER" && !project.archivedAt;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Dashboard"
        description="Open issues, throughput, requirement status and coverage over time, from the daily statistics (UTC days)."
      />
      <DashboardView projectKey={project.key} days={window} canRefresh={canRefresh} />
    </div>
  );
}
