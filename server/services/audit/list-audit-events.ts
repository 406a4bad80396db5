import type { Prisma } from "@prisma/client";

import type { AuditListInput } from "@/lib/schemas/audit";
import { db } from "@/server/db";
import { toPage } from "@/server/services/pagination";

/**
 * Audit events newest first. `projectId` scopes the query (project admins);
 * undefined means every event (instance admins only — the procedure decides).
 */
export async function listAuditEvents(opts: { input: AuditListInput; projectId?: string }) {
  const { cursor, limit, actorId, action, from, to } = opts.input;
  let before: bigint | undefined;
  if (cursor && /^\d{1,19}$/.test(cursor)) before = BigInt(cursor);
  const where: Prisma.AuditEventWhereInput = {
    ...(opts.projectId ? { projectId: opts.projectId } : {}),
    ...(actorId ? { actorId } : {}),
    ...(action ? { action: action.endsWith("*") ? { startsWith: action.slice(0, -1) } : action } : {}),
    ...(from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
    ...(before !== undefined ? { id: { lt: before } } : {}),
  };
  const rows = await db.auditEvent.findMany({
    where,
    orderBy: { id: "desc" },
    take: limit + 1,
    select: {
      id: true,
      createdAt: true,
      action: true,
      entityType: true,
      entityId: true,
      before: true,
      after: true,
      requestId: true,
      actor: { select: { id: true, email: true, name: true } },
      project: { select: { key: true } },
    },
  });
  const items = rows.map((r) => ({ ...r, id: r.id.toString() }));
  return toPage(items, limit, (r) => r.id);
}
