import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { BaselineDetail } from "@/components/baselines/baseline-detail";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

type Params = Promise<{ key: string; id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Baseline · ${key.toUpperCase()}` };
}

export default async function BaselinePage({ params }: { params: Params }) {
  const { key, id } = await params;
  const project = await getProjectForRoute(key);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) notFound();
  const api = await getApi();
  try {
    // Same page size as the client's "Load more" (BASELINE_PAGE_SIZE), so their cursors line up.
    const initial = await api.baseline.byId({ projectKey: project.key, id, limit: 50 });
    return <BaselineDetail projectKey={project.key} initial={initial} />;
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
}
