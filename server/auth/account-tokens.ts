/**
 * Single-use links sent by email (password reset, address verification).
 *
 * A link's token is derived from the id of the outbox event that asked for
 * the message (HMAC-SHA256 under AUTH_SECRET), so a retried delivery sends
 * the same link instead of a second one, and the token itself is stored
 * nowhere: the `AccountToken` row keeps its SHA-256, the event keeps only
 * the address. Redeeming is one conditional UPDATE, so a link works once
 * even when it is followed twice at the same moment.
 */
import { createHmac } from "node:crypto";

import type { AccountTokenPurpose, Prisma } from "@prisma/client";

import { getEnv } from "@/lib/env.mjs";
import { sha256Hex } from "@/server/auth/digest";

/** What a link looks like: 43 base64url characters (256 bits). */
export const ACCOUNT_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The token of an emailed link of `kind` for `id` (an event, an invitation): the same every time it is made. */
export function deriveLinkToken(kind: "account-token" | "invitation", id: string): string {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is required to make emailed links");
  return createHmac("sha256", secret).update(`specline-${kind}:${id}`).digest("base64url");
}

export function deriveAccountToken(eventId: string): string {
  return deriveLinkToken("account-token", eventId);
}

export const hashAccountToken = sha256Hex;

/**
 * Marks the token used and returns whom it was for, or null when it is
 * unknown, used, expired or for another purpose — one answer for all four.
 */
export async function redeemAccountToken(
  tx: Prisma.TransactionClient,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ userId: string; email: string } | null> {
  if (!ACCOUNT_TOKEN.test(token)) return null;
  const rows = await tx.$queryRaw<{ userId: string; email: string }[]>`
    UPDATE "AccountToken" SET "usedAt" = now()
    WHERE "tokenHash" = ${hashAccountToken(token)} AND purpose = ${purpose}::"AccountTokenPurpose"
      AND "usedAt" IS NULL AND "expiresAt" > now()
    RETURNING "userId", email`;
  return rows[0] ?? null;
}
