import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";

import { BaselinesView } from "@/components/baselines/baselines-view";
import { compareRefs } from "@/components/baselines/compare-refs";
import { attributeDefinitionsOf, attributeLabels, attributeTypes } from "@/components/requirements/attributes";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Baselines · ${key.toUpperCase()}` };
}

export default async function BaselinesPage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ key }, query] = await Promise.all([params, searchParams]);
  const project = await getProjectForRoute(key);
  const api = await getApi();
  const list = await api.baseline.list({ projectKey: project.key, limit: 50 });
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : null);
  const refs = compareRefs({ from: one(query.from), to: one(query.to) }, list.items[0]?.id);
  let initialCompare = null;
  if (refs && refs.from !== refs.to) {
    try {
      initialCompare = { ...refs, result: await api.baseline.compare({ projectKey: project.key, ...refs }) };
    } catch (err) {
      // A stale or foreign id in the URL: the client shows the error next to the pickers.
      if (!(err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST"))) throw err;
    }
  }
  const canCreate = !project.archivedAt && (project.myRole === "MAINTAINER" || project.myRole === "ADMIN");
  const defs = attributeDefinitionsOf(project.settings);
  return (
    <BaselinesView
      projectKey={project.key}
      canCreate={canCreate}
      initialList={list}
      initialCompare={initialCompare}
      attributeLabels={attributeLabels(defs)}
      attributeTypes={attributeTypes(defs)}
    />
  );
}
