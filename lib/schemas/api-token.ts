import { z } from "zod";

import { displayName } from "./common";

export const apiTokenCreateInput = z.object({
  name: displayName,
  scope: z.enum(["read", "write"]),
  /** Days until the token stops working (1–366); without it, it works until revoked. */
  expiresInDays: z.number().int().min(1).max(366).optional(),
});
export const apiTokenRevokeInput = z.object({ id: z.string().min(1).max(40) });
