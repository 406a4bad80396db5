import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { FolderIcon } from "@/components/icons";
import { MyInvitations } from "@/components/invitations/my-invitations";
import { PageHeader } from "@/components/page-header";
import { NewProjectButton } from "@/components/projects/new-project-dialog";
import { ProjectCard } from "@/components/projects/project-card";
import { buttonStyles } from "@/components/ui/button";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { projectListInput } from "@/lib/schemas/project";
import { getCurrentUser } from "@/lib/trpc/current-user";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const showArchived = params.archived === "1";
  const cursor = typeof params.cursor === "string" ? params.cursor : undefined;
  // A cursor typed into the URL that the list would refuse is a page that does not exist, not an error.
  if (!projectListInput.shape.cursor.safeParse(cursor).success) notFound();
  const [api, me] = await Promise.all([getApi(), getCurrentUser()]);
  const [page, invitations] = await Promise.all([
    api.project.list({ includeArchived: showArchived, cursor, limit: 60 }),
    api.invitation.listMine(),
  ]);
  const isInstanceAdmin = me?.role === "ADMIN";

  const filterLink = (archived: boolean, label: string) => {
    const active = archived === showArchived;
    return (
      <Link
        href={archived ? "/projects?archived=1" : "/projects"}
        aria-current={active ? "page" : undefined}
        className={cn(
          "rounded-md px-2.5 py-1 text-[13px] font-medium transition-colors",
          focusRing,
          active
            ? "bg-white text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-50 dark:ring-zinc-700"
            : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100",
        )}
      >
        {label}
      </Link>
    );
  };

  return (
    <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        title="Projects"
        description={
          isInstanceAdmin
            ? "Every project on this instance. As an instance admin you can open any of them."
            : "Projects you're a member of, and those open for anyone to report issues."
        }
        actions={<NewProjectButton />}
      />

      {invitations.length > 0 ? <MyInvitations initialInvitations={invitations} /> : null}

      <nav aria-label="Project filter" className="mt-6 inline-flex gap-1 rounded-lg bg-zinc-100 p-1 dark:bg-zinc-900">
        {filterLink(false, "Active")}
        {filterLink(true, "Including archived")}
      </nav>

      {page.items.length === 0 && !cursor ? (
        <div className="mt-6 rounded-lg border border-dashed border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900/40">
          <EmptyState
            icon={<FolderIcon className="size-5" />}
            title={showArchived ? "No projects, archived or otherwise" : "No projects yet"}
            description="Create a project to start capturing requirements, or ask a project admin to invite you to theirs."
            action={<NewProjectButton label="Create your first project" />}
          />
        </div>
      ) : (
        <>
          <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {page.items.map((p) => (
              <li key={p.id}>
                <ProjectCard project={p} openReporting={p.openReporting} />
              </li>
            ))}
          </ul>
          {cursor || page.nextCursor ? (
            <div className="mt-8 flex justify-center gap-2">
              {cursor ? (
                <Link
                  href={showArchived ? "/projects?archived=1" : "/projects"}
                  className={buttonStyles({ size: "sm" })}
                >
                  Back to first page
                </Link>
              ) : null}
              {page.nextCursor ? (
                <Link
                  href={`/projects?${new URLSearchParams({ ...(showArchived ? { archived: "1" } : {}), cursor: page.nextCursor })}`}
                  className={buttonStyles({ size: "sm" })}
                >
                  Next page
                </Link>
              ) : null}
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
