import { z } from "zod";

import { id, pagination, projectKey, timestamp } from "./common";

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
