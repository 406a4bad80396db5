import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ArrowLeftIcon } from "@/components/icons";
import { IssueDetailView } from "@/components/issues/issue-detail-view";
import { focusRing } from "@/components/ui/cn";
import { decodeRouteParam, routeParamOrNotFound } from "@/lib/route-param";
import { getCurrentUser } from "@/lib/trpc/current-user";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ issueKey: string }> }): Promise<Metadata> {
  const { issueKey } = await params;
  return { title: decodeRouteParam(issueKey)?.toUpperCase() ?? "Issue" };
}

export default async function IssuePage({ params }: { params: Promise<{ key: string; issueKey: string }> }) {
  const { key, issueKey: rawIssueKey } = await params;
  const project = await getProjectForRoute(key);
  const issueKey = routeParamOrNotFound(rawIssueKey).toUpperCase();
  if (!/^[A-Z]{2,10}-I-[1-9]\d{0,8}$/.test(issueKey) || !issueKey.startsWith(`${project.key}-`)) notFound();
  const api = await getApi();
  const issue = await api.issue.byKey({ key: issueKey }).catch((err: unknown) => {
    // Issues a reporter may not see are indistinguishable from missing ones.
    if (
      err instanceof TRPCError &&
      (err.code === "NOT_FOUND" || err.code === "FORBIDDEN" || err.code === "BAD_REQUEST")
    )
      notFound();
    throw err;
  });
  const [members, me] = await Promise.all([
    api.project.members.list({ projectKey: project.key, limit: 100 }),
    getCurrentUser(),
  ]);
  return (
    <div className="space-y-4">
      <Link
        href={`/projects/${project.key}/issues`}
        className={`inline-flex items-center gap-1.5 rounded-sm text-[13px] text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100 ${focusRing}`}
      >
        <ArrowLeftIcon className="size-3.5" />
        All issues
      </Link>
      <IssueDetailView
        projectKey={project.key}
        initialIssue={issue}
        role={project.myRole}
        currentUserId={me?.id ?? ""}
        members={members.items.filter((m) => !m.user.deactivatedAt)}
        archived={Boolean(project.archivedAt)}
      />
    </div>
  );
}
