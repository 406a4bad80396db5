import { z } from "zod";

import { dateTimeOut, displayName } from "./common";

export const apiTokenCreateInput = z.object({
  name: displayName,
  scope: z.enum(["read", "write"]),
  /** Days until the token stops working (1–366); without it, it works until revoked. */
  expiresInDays: z.number().int().min(1).max(366).optional(),
});
export const apiTokenRevokeInput = z.object({ id: z.string().min(1).max(40) });

/* ------------------------------------------------------------------ outputs */

/** What a token may do: read only, or read and write. */
export const API_TOKEN_SCOPES = ["READ", "WRITE"] as const;

/** An API token as its owner sees it: never the token itself, only its first characters. */
export const apiTokenOut = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The token's first characters (`spl_AbCd1234`), to tell tokens apart. */
    prefix: z.string(),
    scope: z.enum(API_TOKEN_SCOPES),
    createdAt: dateTimeOut,
    expiresAt: dateTimeOut.nullable(),
    lastUsedAt: dateTimeOut.nullable(),
    /** Past its expiry: it no longer works. */
    expired: z.boolean(),
  })
  .meta({ id: "ApiToken", description: "An API token (never the token itself, only its first characters)" });

/** The caller's live tokens, newest first. */
export const apiTokenListOut = z.array(apiTokenOut);

/** A token just created, with the token itself — the only time it is shown. */
export const createdApiTokenOut = apiTokenOut
  .extend({ token: z.string() })
  .meta({ id: "CreatedApiToken", description: "A new API token with the token itself, shown this once" });
