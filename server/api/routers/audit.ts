import { auditEventPageOut, auditListInput } from "@/lib/schemas/audit";
import { createTRPCRouter, projectOrInstanceProcedure } from "@/server/api/trpc";
import { listAuditEvents } from "@/server/services/audit/list-audit-events";

export const auditRouter = createTRPCRouter({
  /**
   * Instance admins read every event; project admins read their project's
   * events (projectKey required). Others: FORBIDDEN, or NOT_FOUND for a
   * project they cannot see.
   */
  list: projectOrInstanceProcedure("audit:read")
    .input(auditListInput)
    .output(auditEventPageOut)
    .query(({ ctx, input }) => listAuditEvents({ input, projectId: ctx.scope?.projectId })),
});
