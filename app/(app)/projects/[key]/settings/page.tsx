import type { Metadata } from "next";

import { ApprovalReviewSection } from "@/components/settings/approval-review-section";
import { ArchiveSection } from "@/components/settings/archive-section";
import { AttributesSection } from "@/components/settings/attributes-section";
import { MembersSection } from "@/components/settings/members-section";
import { OpenReportingSection } from "@/components/settings/open-reporting-section";
import { ProjectDetailsForm } from "@/components/settings/project-details-form";
import { SettingsNav } from "@/components/settings/settings-nav";
import { ForbiddenView } from "@/components/status-view";
import { getCurrentUser } from "@/lib/trpc/current-user";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";
import { isOpenForReporting } from "@/server/auth/permissions";
import { gatesApproval } from "@/server/services/reviews/approval-gate";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Settings · ${key.toUpperCase()}` };
}

export default async function ProjectSettingsPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  if (project.myRole !== "ADMIN") {
    return (
      <ForbiddenView
        title="Project admins only"
        description="Only project admins can change settings and members. Ask an admin of this project if you need something changed."
      />
    );
  }
  const [api, me] = await Promise.all([getApi(), getCurrentUser()]);
  const archived = Boolean(project.archivedAt);
  // An archived project takes no invitations and its open ones are closed, so there is nothing to list.
  const [members, invitations] = await Promise.all([
    api.project.members.list({ projectKey: project.key, limit: 100 }),
    archived ? null : api.project.invitations.list({ projectKey: project.key }),
  ]);
  const openReporting = isOpenForReporting(project.settings);

  return (
    <div className="space-y-8">
      <SettingsNav projectKey={project.key} current="general" />
      <ProjectDetailsForm
        project={{ key: project.key, name: project.name, description: project.description, version: project.version }}
        archived={archived}
      />
      <MembersSection
        projectKey={project.key}
        currentUserId={me?.id ?? ""}
        initialMembers={members}
        initialInvitations={invitations}
        archived={archived}
        openReporting={openReporting}
      />
      <OpenReportingSection
        project={{ key: project.key, version: project.version, settings: project.settings, openReporting }}
        archived={archived}
      />
      <ApprovalReviewSection
        project={{
          key: project.key,
          version: project.version,
          settings: project.settings,
          approvalNeedsReview: gatesApproval(project.settings),
        }}
        archived={archived}
      />
      <AttributesSection
        project={{ key: project.key, version: project.version, settings: project.settings }}
        archived={archived}
      />
      <ArchiveSection projectKey={project.key} projectName={project.name} archived={archived} />
    </div>
  );
}
