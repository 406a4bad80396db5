import { TRPCError } from "@trpc/server";

import { auditListInput } from "@/lib/schemas/audit";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { roleHas } from "@/server/auth/permissions";
import { listAuditEvents } from "@/server/services/audit/list-audit-events";
import { resolveProjectAccessOrThrow } from "@/server/services/projects/resolve-project-access";

export const auditRouter = createTRPCRouter({
  /**
   * Instance admins read every event; project admins read their project's
   * events (projectKey required). Others: FORBIDDEN, or NOT_FOUND for a
   * project they cannot see.
   */
  list: protectedProcedure.input(auditListInput).query(async ({ ctx, input }) => {
    if (ctx.user.role === "ADMIN") {
      if (!input.projectKey) return listAuditEvents({ input });
      const { project } = await resolveProjectAccessOrThrow({ user: ctx.user, projectKey: input.projectKey });
      return listAuditEvents({ input, projectId: project.id });
    }
    if (!input.projectKey) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only instance administrators can read the whole audit log" });
    }
    const { project, role } = await resolveProjectAccessOrThrow({ user: ctx.user, projectKey: input.projectKey });
    if (!roleHas(role, "audit:read")) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only project admins can read the project's audit log" });
    }
    return listAuditEvents({ input, projectId: project.id });
  }),
});
