import type { Prisma } from "@prisma/client";
import { z } from "zod";

import type { AuditListInput } from "@/lib/schemas/audit";
import { db } from "@/server/db";
import { jsonValue } from "@/server/services/audit/json";
import { decodeCursor, encodeCursor, toPage } from "@/server/services/pagination";

/** The id of the last event of a page: a positive PostgreSQL bigint, as a decimal string. */
export const auditCursor = z.tuple([
  z
    .string()
    .regex(/^[1-9]\d{0,18}$/)
    .transform(BigInt)
    .refine((n) => n <= 9_223_372_036_854_775_807n),
]);

/**
 * Audit events newest first. `projectId` scopes the query (project admins);
 * undefined means every event (instance admins only — the procedure decides).
 */
export async function listAuditEvents(opts: { input: AuditListInput; projectId?: string }) {
  const { cursor, limit, actorId, action, from, to } = opts.input;
  const before = decodeCursor(cursor, auditCursor)?.[0];
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
  const items = rows.map((r) => ({
    ...r,
    id: r.id.toString(),
    before: jsonValue(r.before),
    after: jsonValue(r.after),
  }));
  return toPage(items, limit, (r) => encodeCursor([r.id]));
}
