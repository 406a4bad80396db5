import type { ProjectRole } from "@prisma/client";

import { effectiveRole, isOpenForReporting } from "@/server/auth/permissions";
import { db, type Tx } from "@/server/db";

/**
 * Of `userIds`, those with a role in the project and their role: members,
 * and — where the project is open for reporting — anyone else signed up, as
 * a REPORTER (effectiveRole, the same rule as the access check). Deactivated
 * and unverified accounts get nothing, in the app or by email.
 */
export async function peopleWithRoles(projectId: string, userIds: string[], client: Tx | typeof db = db) {
  if (userIds.length === 0) return [];
  const [project, members] = await Promise.all([
    client.project.findUnique({ where: { id: projectId }, select: { settings: true } }),
    client.membership.findMany({
      where: { projectId, userId: { in: userIds }, user: { deactivatedAt: null, emailVerifiedAt: { not: null } } },
      select: {
        userId: true,
        role: true,
        user: { select: { email: true, timeZone: true, notificationPreference: true } },
      },
    }),
  ]);
  if (!isOpenForReporting(project?.settings)) return members;
  const memberIds = new Set(members.map((m) => m.userId));
  const others = await client.user.findMany({
    where: {
      id: { in: userIds.filter((id) => !memberIds.has(id)) },
      role: "USER",
      deactivatedAt: null,
      emailVerifiedAt: { not: null },
    },
    select: { id: true, email: true, timeZone: true, notificationPreference: true },
  });
  return [
    ...members,
    ...others.map((u) => ({
      userId: u.id,
      role: effectiveRole({ instanceRole: "USER", memberRole: null, openReporting: true }) as ProjectRole,
      user: { email: u.email, timeZone: u.timeZone, notificationPreference: u.notificationPreference },
    })),
  ];
}
