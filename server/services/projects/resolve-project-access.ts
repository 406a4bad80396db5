import { type InstanceRole, Prisma, type ProjectRole } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import { validTheme } from "@/lib/theme";
import { effectiveRole } from "@/server/auth/permissions";
import { OPEN_FOR_REPORTING_SQL } from "@/server/auth/project-roles-sql";
import { dueForTouch, touchSession } from "@/server/auth/sessions";
import { queryRows } from "@/server/db";

/**
 * The caller, their session and their effective role in a project, in one
 * prepared statement (the per-request path of every procedure and route).
 *
 * null — the caller counts as signed out — when the user no longer exists,
 * is deactivated, or `sessionId` names no live session of theirs (ended,
 * idle too long, past its lifetime). `sessionId` undefined is an in-process
 * caller acting for a user without a browser (the seed, tests); every HTTP
 * carrier passes the session its cookie names. `project`/`role` null when
 * the project does not exist or the caller is not a member (both mean
 * NOT_FOUND to the caller). A session last seen over a minute ago is
 * touched (one more statement, at most once a minute per session).
 */
export async function resolveCallerInProject(opts: {
  userId: string;
  sessionId?: string;
  /** An API token the call came with instead of a session: it must still be live. */
  apiTokenId?: string;
  projectKey: string | null;
}) {
  const checkSession = opts.sessionId !== undefined;
  const checkToken = opts.apiTokenId !== undefined;
  const rows = await queryRows<{
    userId: string;
    email: string;
    userName: string;
    userRole: InstanceRole;
    emailVerifiedAt: Date | null;
    totpEnabledAt: Date | null;
    timeZone: string;
    theme: string;
    sessionSeenAt: Date | null;
    tokenLive: boolean | null;
    projectId: string | null;
    projectKey: string | null;
    projectName: string | null;
    archivedAt: Date | null;
    openReporting: boolean | null;
    memberRole: ProjectRole | null;
  }>(Prisma.sql`
    SELECT u.id AS "userId", u.email, u.name AS "userName", u.role AS "userRole", u."emailVerifiedAt", u."totpEnabledAt",
           u."timeZone", u.theme, s."lastSeenAt" AS "sessionSeenAt", (t.id IS NOT NULL) AS "tokenLive",
           p.id AS "projectId", p.key AS "projectKey", p.name AS "projectName", p."archivedAt",
           ${OPEN_FOR_REPORTING_SQL} AS "openReporting",
           m.role AS "memberRole"
    FROM "User" u
    LEFT JOIN "Session" s ON s.id = ${opts.sessionId ?? null} AND s."userId" = u.id
                         AND s."idleExpiresAt" > now() AND s."expiresAt" > now()
    LEFT JOIN "ApiToken" t ON t.id = ${opts.apiTokenId ?? null} AND t."userId" = u.id
                          AND t."revokedAt" IS NULL AND (t."expiresAt" IS NULL OR t."expiresAt" > now())
    LEFT JOIN "Project" p ON p.key = ${opts.projectKey}
    LEFT JOIN "Membership" m ON m."projectId" = p.id AND m."userId" = u.id
    WHERE u.id = ${opts.userId} AND u."deactivatedAt" IS NULL`);
  const row = rows[0];
  if (!row) return null;
  if (checkToken && !row.tokenLive) return null;
  if (checkSession) {
    if (!row.sessionSeenAt) return null;
    if (dueForTouch(row.sessionSeenAt) && opts.sessionId) await touchSession(opts.sessionId);
  }
  const user = {
    id: row.userId,
    email: row.email,
    name: row.userName,
    role: row.userRole,
    emailVerified: row.emailVerifiedAt !== null,
    mfaEnabled: row.totpEnabledAt !== null,
    /** The instance asks this person for two-factor sign-in (REQUIRE_ADMIN_MFA, instance admins). */
    mfaRequired: row.userRole === "ADMIN" && getEnv().REQUIRE_ADMIN_MFA,
    /** The zone the person's emails give times in. */
    timeZone: row.timeZone,
    theme: validTheme(row.theme),
  };
  const project =
    row.projectId && row.projectKey && row.projectName !== null
      ? { id: row.projectId, key: row.projectKey, name: row.projectName, archivedAt: row.archivedAt }
      : null;
  const role = project
    ? effectiveRole({ instanceRole: user.role, memberRole: row.memberRole, openReporting: row.openReporting === true })
    : null;
  // A reporter by the project's openness, not by membership (the members list says so).
  const implicit = role !== null && user.role !== "ADMIN" && !row.memberRole;
  return { user, project, role, implicit };
}
