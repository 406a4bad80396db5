import type { Metadata } from "next";

import { PageHeader } from "@/components/page-header";
import { TraceabilityView } from "@/components/traceability/traceability-view";
import { getProjectForRoute } from "@/lib/trpc/project-data";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Traceability · ${key.toUpperCase()}` };
}

export default async function TraceabilityPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Traceability"
        description="How requirements are covered by issues, which links need review, and what a change would affect."
      />
      <TraceabilityView projectKey={project.key} />
    </div>
  );
}
