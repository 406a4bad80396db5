import Link from "next/link";

import { ArchiveIcon, ChevronRightIcon } from "@/components/icons";
import { ProjectTabs } from "@/components/project/project-tabs";
import { ProjectKey } from "@/components/project-key";
import { ProjectRoleBadge } from "@/components/role-badge";
import { Badge } from "@/components/ui/badge";
import { focusRing } from "@/components/ui/cn";
import { getProjectForRoute } from "@/lib/trpc/project-data";

export const dynamic = "force-dynamic";

export default async function ProjectLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ key: string }>;
}) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  return (
    <>
      <div className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950">
        <div className="mx-auto max-w-6xl px-4 pt-6 sm:px-6">
          <nav aria-label="Breadcrumb">
            <ol className="flex items-center gap-1.5 text-[13px] text-zinc-600 dark:text-zinc-400">
              <li>
                <Link
                  href="/projects"
                  className={`rounded-sm hover:text-zinc-900 dark:hover:text-zinc-100 ${focusRing}`}
                >
                  Projects
                </Link>
              </li>
              <li aria-hidden="true">
                <ChevronRightIcon className="size-3 text-zinc-400 dark:text-zinc-600" />
              </li>
              <li aria-current="page" className="font-mono text-xs font-medium text-zinc-800 dark:text-zinc-200">
                {project.key}
              </li>
            </ol>
          </nav>
          <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-2">
            <h1 className="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{project.name}</h1>
            <div className="flex items-center gap-1.5">
              <ProjectKey value={project.key} />
              <ProjectRoleBadge role={project.myRole} />
              {project.archivedAt ? <Badge tone="amber">Archived</Badge> : null}
            </div>
          </div>
          {/* Every member gets the work tabs; Import goes to those who may import, Settings stays with admins. */}
          <div className="mt-5">
            <ProjectTabs
              projectKey={project.key}
              canImport={project.myRole !== "REPORTER"}
              canManage={project.myRole === "ADMIN"}
            />
          </div>
        </div>
      </div>
      {project.archivedAt ? (
        <div className="border-b border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/20 dark:bg-amber-500/10 dark:text-amber-200">
          <p className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-[13px] sm:px-6">
            <ArchiveIcon className="size-3.5 shrink-0" />
            <span>This project is archived, so it is read-only.</span>
            {project.myRole === "ADMIN" ? (
              <Link
                href={`/projects/${project.key}/settings#archive`}
                className={`rounded-sm font-medium underline underline-offset-2 hover:no-underline ${focusRing}`}
              >
                Restore project
              </Link>
            ) : null}
          </p>
        </div>
      ) : null}
      <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</div>
    </>
  );
}
