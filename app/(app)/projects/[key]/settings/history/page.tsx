import type { Metadata } from "next";

import { SettingsHistorySection } from "@/components/settings/settings-history-section";
import { SettingsNav } from "@/components/settings/settings-nav";
import { ForbiddenView } from "@/components/status-view";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Settings history · ${key.toUpperCase()}` };
}

function attributeLabels(settings: Record<string, unknown>): Record<string, string> {
  const defs = Array.isArray(settings.requirementAttributes) ? settings.requirementAttributes : [];
  const labels: Record<string, string> = {};
  for (const d of defs) {
    if (d && typeof d === "object" && typeof d.key === "string" && typeof d.label === "string") labels[d.key] = d.label;
  }
  return labels;
}

export default async function ProjectSettingsHistoryPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  if (project.myRole !== "ADMIN") {
    return (
      <ForbiddenView
        title="Project admins only"
        description="Only project admins can see and restore earlier settings. Ask an admin of this project if you need something changed."
      />
    );
  }
  const api = await getApi();
  const history = await api.project.history({ projectKey: project.key, limit: 50 });

  return (
    <div className="space-y-8">
      <SettingsNav projectKey={project.key} current="history" />
      <SettingsHistorySection
        projectKey={project.key}
        initialHistory={history}
        attributeLabels={attributeLabels(project.settings)}
        canRestore={!project.archivedAt}
      />
    </div>
  );
}
