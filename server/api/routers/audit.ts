import { TRPCError } from "@trpc/server";

import { auditListInput } from "@/lib/schemas/audit";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";
import { authorizeProjectOrThrow } from "@/server/auth/project-scope";
import { listAuditEvents } from "@/server/services/audit/list-audit-events";

export const auditRouter = createTRPCRouter({
  /**
   * Instance admins read every event; project admins read their project's
   * events (projectKey required). Others: FORBIDDEN, or NOT_FOUND for a
   * project they cannot see.
   */
  list: protectedProcedure.input(auditListInput).query(async ({ ctx, input }) => {
    if (!input.projectKey) {
      if (ctx.user.role !== "ADMIN") {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "Only instance administrators can read the whole audit log",
        });
      }
      return listAuditEvents({ input });
    }
    const { scope } = await authorizeProjectOrThrow({
      userId: ctx.user.id,
      projectKey: input.projectKey,
      permission: "audit:read",
      requestId: ctx.requestId,
    });
    return listAuditEvents({ input, projectId: scope.projectId });
  }),
});
