/**
 * API tokens: how another program calls Specline as one of its users
 * (`Authorization: Bearer spl_…`), with that user's permissions, narrowed to
 * reading for a `READ` token. A token is `spl_` and 192 random bits,
 * returned once at creation; only its SHA-256 is kept, with a visible prefix
 * to tell tokens apart. The caller lookup checks the token with the user on
 * every call (revoked, expired, user deactivated: signed out), so revoking
 * takes effect on the next call — live streams included.
 */
import { randomBytes } from "node:crypto";

import type { ApiTokenScope } from "@prisma/client";
import { sha256Hex } from "@/server/auth/digest";
import { db } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { revokeLiveAccess } from "@/server/live/bus";
import { type Actor, applyChange } from "@/server/services/change";

/** What a token looks like: `spl_` and 32 base64url characters. */
export const API_TOKEN = /^spl_[A-Za-z0-9_-]{32}$/;
const PREFIX_LENGTH = 12;
/** A token's last use is recorded at most this often. */
const LAST_USED_EVERY_MS = 60_000;
/** How many live tokens one person may hold. */
export const API_TOKENS_PER_USER = 50;

export const hashApiToken = sha256Hex;

export interface ResolvedApiToken {
  id: string;
  userId: string;
  scope: ApiTokenScope;
}

/**
 * The live token `token` is, or null (unknown, revoked, expired). Its last
 * use moves on at most once a minute.
 */
export async function resolveApiToken(token: string): Promise<ResolvedApiToken | null> {
  if (!API_TOKEN.test(token)) return null;
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: { id: true, userId: true, scope: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() }, select: { id: true } });
  }
  return { id: row.id, userId: row.userId, scope: row.scope };
}

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  scope: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
} as const;

/** Creates a token for the caller and returns it — the only time the token itself is seen. */
export async function createApiToken(opts: {
  actor: Actor & { userId: string };
  input: { name: string; scope: "read" | "write"; expiresInDays?: number };
}) {
  const { userId } = opts.actor;
  const token = `spl_${randomBytes(24).toString("base64url")}`;
  const scope: ApiTokenScope = opts.input.scope === "write" ? "WRITE" : "READ";
  const expiresAt = opts.input.expiresInDays ? new Date(Date.now() + opts.input.expiresInDays * 86_400_000) : null;
  const created = await applyChange(opts.actor, async (tx, record) => {
    const live = await tx.apiToken.count({
      where: { userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    });
    if (live >= API_TOKENS_PER_USER) {
      throw new AppError("BAD_REQUEST", `At most ${API_TOKENS_PER_USER} tokens; revoke one you no longer use`);
    }
    const row = await tx.apiToken.create({
      data: {
        userId,
        name: opts.input.name,
        prefix: token.slice(0, PREFIX_LENGTH),
        tokenHash: hashApiToken(token),
        scope,
        expiresAt,
      },
      select: tokenSelect,
    });
    record({ action: "user.api_token_created", entityType: "ApiToken", entityId: row.id, after: row });
    return row;
  });
  // At least a day from its expiry, if it has one.
  return { ...created, expired: false, token };
}

/** The caller's tokens, live ones first, newest first (never the tokens themselves). */
export async function listApiTokens(userId: string) {
  const rows = await db.apiToken.findMany({
    where: { userId, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 200,
    select: tokenSelect,
  });
  return rows.map((r) => ({ ...r, expired: Boolean(r.expiresAt && r.expiresAt.getTime() <= Date.now()) }));
}

/** Revokes one of the caller's tokens: its next call is refused and its live streams end. */
export async function revokeApiToken(opts: { actor: Actor & { userId: string }; id: string }) {
  const { userId } = opts.actor;
  await applyChange(opts.actor, async (tx, record) => {
    const revoked = await tx.apiToken.updateMany({
      where: { id: opts.id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count !== 1) throw notFound("Token");
    record({ action: "user.api_token_revoked", entityType: "ApiToken", entityId: opts.id });
  });
  revokeLiveAccess(userId);
  return { ok: true as const };
}
