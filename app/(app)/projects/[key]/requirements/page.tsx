import type { Metadata } from "next";

import { attributeDefinitionsOf } from "@/components/requirements/attributes";
import { listInputOf, parseListState } from "@/components/requirements/list-state";
import { type RequirementsInitial, RequirementsView } from "@/components/requirements/requirements-view";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Requirements · ${key.toUpperCase()}` };
}

export default async function RequirementsPage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ key }, query] = await Promise.all([params, searchParams]);
  const project = await getProjectForRoute(key);
  const api = await getApi();
  const state = parseListState(query);
  const initial: RequirementsInitial = {};
  if (state.view === "tree") {
    initial.tree = await api.requirement.tree({ projectKey: project.key });
  } else {
    const input = listInputOf(project.key, state);
    initial.list = await api.requirement.list(input);
    initial.listKey = JSON.stringify(input);
  }
  return (
    <RequirementsView
      projectKey={project.key}
      canCreate={!project.archivedAt}
      defs={attributeDefinitionsOf(project.settings)}
      initial={initial}
    />
  );
}
