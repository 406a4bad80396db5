import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";

import { CommentsSection } from "@/components/comments/comments-section";
import { attributeDefinitionsOf } from "@/components/requirements/attributes";
import { RequirementDetail } from "@/components/requirements/requirement-detail";
import { ReviewsPanel } from "@/components/requirements/reviews-panel";
import { ItemLinks } from "@/components/traceability/item-links";
import { decodeRouteParam, routeParamOrNotFound } from "@/lib/route-param";
import { getCurrentUser } from "@/lib/trpc/current-user";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

type Params = Promise<{ key: string; reqKey: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { reqKey } = await params;
  return { title: decodeRouteParam(reqKey)?.toUpperCase() ?? "Requirement" };
}

export default async function RequirementPage({ params }: { params: Params }) {
  const { key, reqKey: rawReqKey } = await params;
  const project = await getProjectForRoute(key);
  const reqKey = routeParamOrNotFound(rawReqKey);
  if (reqKey !== reqKey.toUpperCase() && /^[a-zA-Z]{2,10}-[1-9]\d{0,8}$/.test(reqKey)) {
    redirect(`/projects/${project.key}/requirements/${reqKey.toUpperCase()}`);
  }
  // Only keys of this project: PAY-12 under /projects/OPS is not found, whoever can see PAY.
  if (!new RegExp(`^${project.key}-[1-9]\\d{0,8}$`).test(reqKey)) notFound();
  const [api, me] = await Promise.all([getApi(), getCurrentUser()]);
  try {
    const [requirement, history, members] = await Promise.all([
      api.requirement.byKey({ key: reqKey }),
      api.requirement.history({ key: reqKey, limit: 20 }),
      api.project.members.list({ projectKey: project.key, limit: 100 }),
    ]);
    return (
      <div className="space-y-10">
        <RequirementDetail
          projectKey={project.key}
          initial={requirement}
          initialHistory={history}
          role={project.myRole}
          meId={me?.id ?? ""}
          archived={Boolean(project.archivedAt)}
          defs={attributeDefinitionsOf(project.settings)}
        />
        <div className="border-t border-zinc-200 pt-8 dark:border-zinc-800">
          <ReviewsPanel
            reqKey={requirement.key}
            meId={me?.id ?? ""}
            members={members.items}
            canRequest={project.myRole !== "REPORTER"}
            archived={Boolean(project.archivedAt)}
          />
        </div>
        <div className="border-t border-zinc-200 pt-8 dark:border-zinc-800">
          <ItemLinks
            projectKey={project.key}
            itemKey={reqKey}
            canManage={project.myRole !== "REPORTER" && !project.archivedAt}
            title="Trace links"
          />
        </div>
        <div className="border-t border-zinc-200 pt-8 dark:border-zinc-800">
          <CommentsSection
            subject={{ kind: "requirement", key: requirement.key }}
            currentUserId={me?.id ?? ""}
            members={members.items.filter((m) => !m.user.deactivatedAt)}
            canComment={!project.archivedAt}
          />
        </div>
      </div>
    );
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
}
