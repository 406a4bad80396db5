import Link from "next/link";

import { UsersIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { ProjectKey } from "@/components/project-key";
import { type ProjectRole, ProjectRoleBadge } from "@/components/role-badge";
import { Badge } from "@/components/ui/badge";
import { cn, focusRing } from "@/components/ui/cn";

export interface ProjectSummary {
  id: string;
  key: string;
  name: string;
  description: string;
  memberCount: number;
  myRole: ProjectRole;
  archivedAt: Date | null;
  updatedAt: Date;
}

export function ProjectCard({
  project,
  openReporting = false,
}: {
  project: ProjectSummary;
  /** Anyone signed in may report issues in the project. */
  openReporting?: boolean;
}) {
  return (
    <Link
      href={`/projects/${project.key}`}
      className={cn(
        "group flex h-full flex-col rounded-lg border border-zinc-200 bg-white p-4 shadow-xs transition hover:border-zinc-300 hover:shadow-sm dark:border-zinc-800 dark:bg-zinc-900/60 dark:hover:border-zinc-700 dark:hover:bg-zinc-900",
        focusRing,
        project.archivedAt && "opacity-80",
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <ProjectKey value={project.key} />
        <div className="flex items-center gap-1.5">
          {project.archivedAt ? <Badge tone="amber">Archived</Badge> : null}
          {openReporting ? (
            <Badge tone="sky" title="Anyone signed in can report issues in this project">
              Open<span className="sr-only"> for reporting</span>
            </Badge>
          ) : null}
          <ProjectRoleBadge role={project.myRole} />
        </div>
      </div>
      <h2 className="mt-3 truncate text-[15px] font-semibold text-zinc-900 group-hover:text-indigo-700 dark:text-zinc-50 dark:group-hover:text-indigo-300">
        {project.name}
      </h2>
      <p
        className={cn(
          "mt-1 line-clamp-2 text-sm sm:min-h-10",
          project.description ? "text-zinc-600 dark:text-zinc-400" : "text-zinc-500 italic dark:text-zinc-400",
        )}
      >
        {project.description || "No description"}
      </p>
      <div className="mt-4 flex items-center gap-3 border-t border-zinc-100 pt-3 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
        <span className="inline-flex items-center gap-1.5">
          <UsersIcon className="size-3.5" />
          {project.memberCount} {project.memberCount === 1 ? "member" : "members"}
        </span>
        <span aria-hidden="true" className="text-zinc-300 dark:text-zinc-700">
          ·
        </span>
        <span>
          Updated <LocalTime date={project.updatedAt} />
        </span>
      </div>
    </Link>
  );
}
