import type { Metadata } from "next";
import { Suspense } from "react";

import { IssueListView } from "@/components/issues/issue-list-view";
import { NewIssueButton } from "@/components/issues/new-issue-dialog";
import { PageHeader } from "@/components/page-header";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Issues · ${key.toUpperCase()}` };
}

export default async function IssuesPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  const api = await getApi();
  const members = await api.project.members.list({ projectKey: project.key, limit: 100 });
  const canTriage = project.myRole !== "REPORTER";
  return (
    <div className="space-y-6">
      <PageHeader
        title="Issues"
        description={
          canTriage
            ? "Everything reported on this project. Select issues to triage them in bulk."
            : "Issues you reported or that are assigned to you."
        }
        actions={<NewIssueButton projectKey={project.key} disabled={Boolean(project.archivedAt)} />}
      />
      <Suspense>
        <IssueListView
          projectKey={project.key}
          canTriage={canTriage}
          members={members.items.filter((m) => !m.user.deactivatedAt)}
        />
      </Suspense>
    </div>
  );
}
