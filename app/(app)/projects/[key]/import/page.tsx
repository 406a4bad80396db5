import type { Metadata } from "next";

import { ImportView } from "@/components/imports/import-view";
import { ForbiddenView } from "@/components/status-view";
import { getEnv } from "@/lib/env.mjs";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

/** Recent imports listed on the page; older ones come with "Load more". */
const RECENT_IMPORTS = 20;

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Import and export · ${key.toUpperCase()}` };
}

export default async function ImportPage({
  params,
  searchParams,
}: {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ key }, query] = await Promise.all([params, searchParams]);
  const project = await getProjectForRoute(key);
  // Importing writes requirements and issues: the same rule as the importJob procedures.
  if (project.myRole === "REPORTER") {
    return (
      <ForbiddenView
        title="Maintainers and admins only"
        description="Imports write requirements and issues, so only maintainers and admins of this project can run them. You can export requirements from Baselines."
      />
    );
  }
  const api = await getApi();
  const recent = await api.importJob.list({ projectKey: project.key, limit: RECENT_IMPORTS });
  const asked = typeof query.job === "string" && query.job.length <= 64 ? query.job : null;
  // Without a job in the URL, an import still under way is the one to watch.
  const newest = recent.items[0];
  const running = newest && (newest.status === "QUEUED" || newest.status === "RUNNING") ? newest.id : null;
  return (
    <ImportView
      projectKey={project.key}
      canImport={!project.archivedAt}
      maxBytes={getEnv().IMPORT_MAX_BYTES}
      pageSize={RECENT_IMPORTS}
      initialList={recent}
      initialJobId={asked ?? running}
    />
  );
}
