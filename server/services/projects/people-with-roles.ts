import { effectiveRole, isOpenForReporting } from "@/server/auth/permissions";
import { db, type Tx } from "@/server/db";

/**
 * Of `userIds`, those with a role in the project and their role, by effectiveRole (the same rule as the
 * access check): members with theirs, instance admins as ADMIN, and — where the project is open for
 * reporting — anyone else signed up as a REPORTER. Deactivated and unverified accounts get nothing, in
 * the app or by email.
 */
export async function peopleWithRoles(projectId: string, userIds: string[], client: Tx | typeof db = db) {
  if (userIds.length === 0) return [];
  const [project, users] = await Promise.all([
    client.project.findUnique({ where: { id: projectId }, select: { settings: true } }),
    client.user.findMany({
      where: { id: { in: userIds }, deactivatedAt: null, emailVerifiedAt: { not: null } },
      select: {
        id: true,
        role: true,
        email: true,
        timeZone: true,
        notificationPreference: true,
        memberships: { where: { projectId }, select: { role: true } },
      },
    }),
  ]);
  if (!project) return [];
  const openReporting = isOpenForReporting(project.settings);
  return users.flatMap((u) => {
    const role = effectiveRole({ instanceRole: u.role, memberRole: u.memberships[0]?.role, openReporting });
    if (!role) return [];
    const user = { email: u.email, timeZone: u.timeZone, notificationPreference: u.notificationPreference };
    return [{ userId: u.id, role, user }];
  });
}
