import { z } from "zod";

import { dateTimeOut, id, jsonOut, pageOut, pagination, projectKey, timestamp } from "./common";

export const auditListInput = z
  .object({
    ...pagination,
    projectKey: projectKey.optional(),
    actorId: id.optional(),
    action: z.string().trim().min(1).max(100).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: "`from` must be before `to`", path: ["from"] });
export type AuditListInput = z.infer<typeof auditListInput>;

/* ------------------------------------------------------------------ outputs */

/** One change in the audit trail: who did what to which entity, with its state before and after. */
export const auditEventOut = z
  .object({
    /** A decimal string (the events are numbered past what a JSON number holds exactly). */
    id: z.string(),
    createdAt: dateTimeOut,
    /** What happened, e.g. `project.updated`. */
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: jsonOut,
    after: jsonOut,
    requestId: z.string(),
    /** Who made the change; null for a system action or an account since deleted. */
    actor: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
    /** The project it happened in; null for instance-wide events. */
    project: z.object({ key: z.string() }).nullable(),
  })
  .meta({ id: "AuditEvent", description: "One change in the audit trail, with the state before and after" });

/** One page of audit events, newest first. */
export const auditEventPageOut = pageOut(auditEventOut);
