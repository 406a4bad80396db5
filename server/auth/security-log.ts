/**
 * The security log: who signed in or failed to, from where, and every change
 * to an account's ways in (passwords, sessions, verification, deactivation,
 * two-factor sign-in, invitations). Kept apart from the audit log (which is
 * about the work) and pruned after SECURITY_LOG_RETENTION_DAYS.
 *
 * It never holds a password, and never an identifier typed at a failed
 * sign-in that matched no account (it may be a password typed into the
 * wrong field): that keeps only its SHA-256, enough to see the same address
 * tried again.
 */

import type { Prisma } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import type { SecurityEventKind } from "@/lib/schemas/security";
import { sha256Hex } from "@/server/auth/digest";
import { db, type Tx } from "@/server/db";
import { log } from "@/server/observability/log";
import { jsonValue } from "@/server/services/audit/json";
import { afterTimeAndId, timeAndIdCursor, timeAndUuidCursorSchema, toPage } from "@/server/services/pagination";

export type { SecurityEventKind };

export interface SecurityEventInput {
  kind: SecurityEventKind;
  userId?: string | null;
  /** An address typed at sign-in; stored only as its SHA-256. */
  email?: string | null;
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** What else is worth knowing (the method, the reason of a failure, a project key); never a secret. */
  detail?: Record<string, string | number | boolean | null>;
}

export function emailHash(email: string): string {
  return sha256Hex(email.trim().toLowerCase());
}

/** Records one event; inside a change's transaction pass its `tx`, so the entry commits with the change. */
export async function recordSecurityEvent(event: SecurityEventInput, client: Tx | typeof db = db): Promise<void> {
  await client.securityEvent.create({
    data: {
      kind: event.kind,
      userId: event.userId ?? null,
      emailHash: event.email ? emailHash(event.email) : null,
      actorId: event.actorId ?? null,
      ip: event.ip?.slice(0, 64) || null,
      userAgent: event.userAgent?.slice(0, 400) || null,
      detail: (event.detail ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}

/**
 * Records a sign-in event without letting the log's failure fail the
 * sign-in itself (the database answered the sign-in a moment ago; a lost
 * entry is logged to the server's output instead).
 */
export async function recordSignInEvent(event: SecurityEventInput): Promise<void> {
  try {
    await recordSecurityEvent(event);
  } catch (err) {
    log.error({ err, kind: event.kind }, "could not record a security event");
  }
}

/** Deletes entries older than the retention, oldest first, in batches; returns how many went. */
export async function pruneSecurityLog(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - getEnv().SECURITY_LOG_RETENTION_DAYS * 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "SecurityEvent" WHERE id IN (
        SELECT id FROM "SecurityEvent" WHERE at < ${before} ORDER BY at LIMIT 5000
      )`;
    total += deleted;
    if (deleted < 5000) return total;
  }
}

const eventSelect = {
  id: true,
  at: true,
  kind: true,
  userId: true,
  emailHash: true,
  actorId: true,
  ip: true,
  userAgent: true,
  detail: true,
  user: { select: { id: true, name: true, email: true } },
} as const;

/** The whole log for instance admins, newest first, keyset-paged by (at, id). */
export async function listSecurityEvents(input: {
  cursor?: string;
  limit: number;
  kind?: SecurityEventKind;
  userId?: string;
}) {
  const rows = await db.securityEvent.findMany({
    where: {
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.userId ? { userId: input.userId } : {}),
      ...afterTimeAndId(input.cursor, "at", "desc", timeAndUuidCursorSchema),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: eventSelect,
  });
  const items = rows.map((e) => ({ ...e, detail: jsonValue(e.detail) }));
  return toPage(items, input.limit, (e) => timeAndIdCursor(e.at, e.id));
}

/** A person's own recent sign-ins and failed attempts on their account (the security settings show them). */
export async function recentSignIns(userId: string) {
  const rows = await db.securityEvent.findMany({
    where: { userId, kind: { in: ["sign_in", "sign_in_failed"] } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: 20,
    select: { id: true, at: true, kind: true, ip: true, userAgent: true, detail: true },
  });
  return rows.map((e) => ({ ...e, detail: jsonValue(e.detail) }));
}
