/**
 * Sessions with state in the database. next-auth still writes the cookie
 * (an encrypted JWT), but the cookie only names a `Session` row: the caller
 * lookup every request already makes (resolveCallerInProject) joins it, so
 * a session that was ended — sign-out, "sign out everywhere", a password
 * change or reset, deactivation — or that ran past its idle timeout or
 * absolute lifetime stops working on the next request, wherever the cookie
 * was copied to.
 */
import { createHash, randomBytes } from "node:crypto";

import { Prisma } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import { db, queryRows } from "@/server/db";
import { revokeLiveAccess } from "@/server/live/bus";

const DAY_MS = 86_400_000;
/** A session's last-seen time (and with it the idle timeout) moves on at most this often. */
export const SESSION_TOUCH_MS = 60_000;
/** What is kept of a browser's self-description. */
const USER_AGENT_MAX = 400;

export interface SessionOrigin {
  userAgent?: string | null;
  ip?: string | null;
}

/** Starts a session for `userId` (at sign-in) and returns its id, which only the encrypted cookie carries. */
export async function startSession(userId: string, origin: SessionOrigin = {}): Promise<string> {
  const env = getEnv();
  const id = randomBytes(32).toString("base64url");
  const now = Date.now();
  const expiresAt = new Date(now + env.SESSION_MAX_AGE_DAYS * DAY_MS);
  await db.session.create({
    data: {
      id,
      userId,
      idleExpiresAt: new Date(Math.min(now + env.SESSION_IDLE_DAYS * DAY_MS, expiresAt.getTime())),
      expiresAt,
      userAgent: origin.userAgent?.slice(0, USER_AGENT_MAX) || null,
      ip: origin.ip?.slice(0, 64) || null,
    },
  });
  return id;
}

/** Records a request on the session: last seen now, the idle timeout counted from now (never past the absolute end). */
export async function touchSession(id: string): Promise<void> {
  const idleMs = getEnv().SESSION_IDLE_DAYS * DAY_MS;
  await queryRows(Prisma.sql`
    UPDATE "Session"
    SET "lastSeenAt" = now(),
        "idleExpiresAt" = LEAST(now() + ${idleMs} * interval '1 millisecond', "expiresAt")
    WHERE id = ${id}
    RETURNING id`);
}

/** Whether a session last seen at `lastSeenAt` should be touched by this request. */
export function dueForTouch(lastSeenAt: Date, now = Date.now()): boolean {
  return now - lastSeenAt.getTime() >= SESSION_TOUCH_MS;
}

/** Ends one session (sign-out). */
export async function endSession(id: string): Promise<void> {
  const ended = await db.session.findUnique({ where: { id }, select: { userId: true } });
  await db.session.deleteMany({ where: { id } });
  if (ended) revokeLiveAccess(ended.userId);
}

/**
 * Ends every session of `userId`, or every one but `except` (a password
 * change keeps the browser that made it). Open live streams re-check their
 * session and end. Inside a transaction, pass it as `tx`: the live streams
 * are told once the caller has committed (`afterCommit`).
 */
export async function endSessionsOf(
  userId: string,
  opts: { except?: string; tx?: Prisma.TransactionClient } = {},
): Promise<{ ended: number; afterCommit: () => void }> {
  const client = opts.tx ?? db;
  const { count } = await client.session.deleteMany({
    where: { userId, ...(opts.except ? { id: { not: opts.except } } : {}) },
  });
  const afterCommit = () => revokeLiveAccess(userId);
  if (!opts.tx) afterCommit();
  return { ended: count, afterCommit };
}

/**
 * How a session is named to its user (the sessions page, revoking one): a
 * digest of its id, so the id itself never leaves the encrypted cookie.
 */
export function sessionHandle(id: string): string {
  return createHash("sha256").update(id).digest("base64url").slice(0, 22);
}

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** How many live sessions one user may list (a browser per sign-in; old ones end by themselves). */
const SESSION_LIST_MAX = 200;

async function liveSessionsOf(userId: string) {
  const now = new Date();
  return db.session.findMany({
    where: { userId, expiresAt: { gt: now }, idleExpiresAt: { gt: now } },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    take: SESSION_LIST_MAX,
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true, ip: true },
  });
}

/** The live sessions of `userId`, most recently seen first, each named by its handle. */
export async function listSessions(userId: string, currentId: string | undefined): Promise<SessionView[]> {
  const rows = await liveSessionsOf(userId);
  return rows.map((r) => ({ ...r, id: sessionHandle(r.id), current: r.id === currentId }));
}

/** The id of the live session of `userId` named `handle`, or null. */
export async function sessionIdByHandle(userId: string, handle: string): Promise<string | null> {
  return (await liveSessionsOf(userId)).find((r) => sessionHandle(r.id) === handle)?.id ?? null;
}

/** Removes sessions past their idle or absolute end, and emailed links that expired a day ago or more. */
export async function pruneEndedSessions(now = new Date()): Promise<{ sessions: number; tokens: number }> {
  const sessions = await db.session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { idleExpiresAt: { lte: now } }] },
  });
  const tokens = await db.accountToken.deleteMany({ where: { expiresAt: { lte: new Date(now.getTime() - DAY_MS) } } });
  return { sessions: sessions.count, tokens: tokens.count };
}
