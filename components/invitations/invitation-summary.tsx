import { LocalTime } from "@/components/local-time";
import { ProjectKey } from "@/components/project-key";
import {
  type ProjectRole,
  ProjectRoleBadge,
  projectRoleDescription,
  projectRoleInSentence,
} from "@/components/role-badge";

/** What every view of an invitation shows: who invites, to which project, with which role. */
export interface InvitationFacts {
  email: string;
  role: ProjectRole;
  expiresAt: Date;
  invitedBy: { name: string } | null;
  project: { key: string; name: string };
}

/** "Ada invited you to Payments as a maintainer." */
export function InvitationSentence({ invitation }: { invitation: InvitationFacts }) {
  return (
    <>
      <span className="font-medium text-zinc-900 dark:text-zinc-100">{invitation.invitedBy?.name ?? "Someone"}</span>{" "}
      invited you to <span className="font-medium text-zinc-900 dark:text-zinc-100">{invitation.project.name}</span> as{" "}
      {projectRoleInSentence(invitation.role)}.
    </>
  );
}

/** The project, the role and what it allows, the address it was sent to and how long it stays open. */
export function InvitationSummary({
  invitation,
  showExpiry = true,
}: {
  invitation: InvitationFacts;
  showExpiry?: boolean;
}) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-zinc-50/70 p-4 dark:border-zinc-800 dark:bg-zinc-950/40">
      <p className="flex min-w-0 items-center gap-2">
        <ProjectKey value={invitation.project.key} />
        <span className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-50">{invitation.project.name}</span>
      </p>
      <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-[13px]">
        <dt className="text-zinc-500 dark:text-zinc-400">Role</dt>
        <dd className="flex flex-wrap items-center gap-x-2 gap-y-1 text-zinc-700 dark:text-zinc-300">
          <ProjectRoleBadge role={invitation.role} />
          <span>{projectRoleDescription(invitation.role)}</span>
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Sent to</dt>
        <dd className="break-all text-zinc-700 dark:text-zinc-300">{invitation.email}</dd>
        {showExpiry ? (
          <>
            <dt className="text-zinc-500 dark:text-zinc-400">Expires</dt>
            <dd className="text-zinc-700 dark:text-zinc-300">
              <LocalTime date={invitation.expiresAt} mode="relative" />
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
