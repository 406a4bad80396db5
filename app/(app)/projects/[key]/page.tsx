import type { Metadata } from "next";
import Link from "next/link";

import { actorName, describeEvent, eventSubject } from "@/components/audit-format";
import { Avatar } from "@/components/avatar";
import { ClockIcon, UsersIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { RequirementKey, StatusBadge } from "@/components/requirements/badges";
import { ProjectRoleBadge } from "@/components/role-badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn, focusRing } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { getProjectForRoute } from "@/lib/trpc/project-data";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ key: string }> }): Promise<Metadata> {
  const { key } = await params;
  return { title: key.toUpperCase() };
}

const MEMBER_PREVIEW = 8;

export default async function ProjectOverviewPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const project = await getProjectForRoute(key);
  const api = await getApi();
  const isAdmin = project.myRole === "ADMIN";
  const [members, activity, recent] = await Promise.all([
    api.project.members.list({ projectKey: project.key, limit: MEMBER_PREVIEW }),
    isAdmin ? api.audit.list({ projectKey: project.key, limit: 8 }) : Promise.resolve(null),
    api.requirement.list({ projectKey: project.key, sort: "updated", limit: 5 }),
  ]);

  const linkClass = cn(
    "rounded-sm text-[13px] font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400 dark:hover:text-indigo-300",
    focusRing,
  );

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
      <div className="min-w-0 space-y-6 lg:col-span-2">
        <Card>
          <CardHeader
            title="About"
            actions={
              isAdmin && !project.archivedAt ? (
                <Link href={`/projects/${project.key}/settings`} className={linkClass}>
                  Edit
                </Link>
              ) : null
            }
          />
          <CardBody>
            {project.description ? (
              <p className="text-sm leading-relaxed whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">
                {project.description}
              </p>
            ) : (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">
                No description yet.
                {isAdmin ? " Add one in settings so new members know what this project covers." : ""}
              </p>
            )}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Requirements"
            description="Recently changed, newest first."
            actions={
              <Link href={`/projects/${project.key}/requirements`} className={linkClass}>
                View all
              </Link>
            }
          />
          {recent.items.length === 0 ? (
            <EmptyState
              title="No requirements yet"
              description="Capture what the system must do; every change is versioned."
              className="py-8"
              action={
                <Link href={`/projects/${project.key}/requirements`} className={linkClass}>
                  Go to requirements
                </Link>
              }
            />
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {recent.items.map((r) => (
                <li key={r.key}>
                  <Link
                    href={`/projects/${project.key}/requirements/${r.key}`}
                    className={cn(
                      "flex items-center gap-3 px-5 py-2.5 hover:bg-zinc-50 dark:hover:bg-zinc-800/40",
                      focusRing,
                      "focus-visible:ring-offset-0",
                    )}
                  >
                    <RequirementKey value={r.key} className="w-20 shrink-0" />
                    <span className="min-w-0 flex-1 truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">
                      {r.title}
                    </span>
                    <StatusBadge status={r.status} />
                    <span className="hidden w-24 shrink-0 text-right text-xs text-zinc-500 sm:block dark:text-zinc-400">
                      <LocalTime date={r.updatedAt} mode="relative" />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>

        {activity ? (
          <Card>
            <CardHeader title="Recent activity" description="Changes to this project, newest first." />
            {activity.items.length === 0 ? (
              <EmptyState icon={<ClockIcon className="size-5" />} title="No activity yet" className="py-8" />
            ) : (
              <ol aria-label="Recent activity" className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {activity.items.map((e) => {
                  const subject = eventSubject(e);
                  return (
                    <li key={e.id} className="flex items-start gap-3 px-5 py-3">
                      <Avatar size="sm" name={actorName(e)} seed={e.actor?.id ?? "system"} className="mt-0.5" />
                      <p className="min-w-0 flex-1 text-sm wrap-anywhere text-zinc-700 dark:text-zinc-300">
                        <span className="font-medium text-zinc-900 dark:text-zinc-100">{actorName(e)}</span>{" "}
                        {subject ? (
                          <Link
                            href={`/projects/${project.key}/${subject.section}/${subject.key}`}
                            className="hover:text-zinc-900 hover:underline dark:hover:text-zinc-100"
                          >
                            {describeEvent(e)}
                          </Link>
                        ) : (
                          describeEvent(e)
                        )}
                      </p>
                      <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
                        <LocalTime date={e.createdAt} mode="relative" />
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
          </Card>
        ) : null}
      </div>

      <div className="min-w-0 space-y-6">
        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-3 text-sm">
              <dt className="text-zinc-500 dark:text-zinc-400">Key</dt>
              <dd className="text-right font-mono text-[13px] font-medium text-zinc-900 dark:text-zinc-100">
                {project.key}
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Your role</dt>
              <dd className="text-right">
                <ProjectRoleBadge role={project.myRole} />
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Members</dt>
              <dd className="text-right text-zinc-900 tabular-nums dark:text-zinc-100">{project.memberCount}</dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Settings</dt>
              <dd
                className="text-right text-zinc-900 tabular-nums dark:text-zinc-100"
                title="Every change to the project's name, description and settings is kept as a new version"
              >
                version {project.version}
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Created</dt>
              <dd className="text-right text-zinc-900 dark:text-zinc-100">
                <LocalTime date={project.createdAt} />
              </dd>
              <dt className="text-zinc-500 dark:text-zinc-400">Last updated</dt>
              <dd className="text-right text-zinc-900 dark:text-zinc-100">
                <LocalTime date={project.updatedAt} />
              </dd>
            </dl>
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Members"
            description={`${project.memberCount} ${project.memberCount === 1 ? "person" : "people"}`}
            actions={
              isAdmin ? (
                <Link href={`/projects/${project.key}/settings#members`} className={linkClass}>
                  Manage
                </Link>
              ) : null
            }
          />
          {members.items.length === 0 ? (
            <EmptyState icon={<UsersIcon className="size-5" />} title="No members" className="py-8" />
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {members.items.map((m) => (
                <li key={m.id} className="flex items-center gap-3 px-5 py-2.5">
                  <Avatar size="sm" name={m.user.name} email={m.user.email} seed={m.user.id} />
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{m.user.name}</p>
                    <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{m.user.email}</p>
                  </div>
                  <ProjectRoleBadge role={m.role} />
                </li>
              ))}
            </ul>
          )}
          {project.memberCount > members.items.length ? (
            <p className="border-t border-zinc-100 px-5 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              and {project.memberCount - members.items.length} more
            </p>
          ) : null}
        </Card>
      </div>
    </div>
  );
}
