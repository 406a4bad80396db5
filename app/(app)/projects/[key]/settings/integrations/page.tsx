import type { Metadata } from "next";

import { SettingsNav } from "@/components/settings/settings-nav";
import { SlackSection } from "@/components/settings/slack-section";
import { WebhooksSection } from "@/components/settings/webhooks-section";
import { ForbiddenView } from "@/components/status-view";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Integrations · ${key.toUpperCase()}` };
}

export default async function ProjectIntegrationsPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  if (project.myRole !== "ADMIN") {
    return (
      <ForbiddenView
        title="Project admins only"
        description="Only project admins can manage webhooks and Slack. Ask an admin of this project if you need something changed."
      />
    );
  }
  const api = await getApi();
  const [webhooks, slack] = await Promise.all([
    api.webhook.list({ projectKey: project.key, limit: 100 }),
    api.webhook.slack.get({ projectKey: project.key }),
  ]);
  const archived = Boolean(project.archivedAt);

  return (
    <div className="space-y-8">
      <SettingsNav projectKey={project.key} current="integrations" />
      <WebhooksSection projectKey={project.key} initialWebhooks={webhooks} archived={archived} />
      <SlackSection projectKey={project.key} initial={slack} archived={archived} />
    </div>
  );
}
