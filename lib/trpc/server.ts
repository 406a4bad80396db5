/**
 * tRPC for server components: a caller bound to the current request's
 * session, built once per request.
 */
import "server-only";

import { headers } from "next/headers";
import { cache } from "react";

import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getSessionUserId } from "@/server/auth/session";

export const getApi = cache(async () => {
  const h = await headers();
  const userId = await getSessionUserId();
  return createCaller(
    createContextInner({
      userId,
      requestId: h.get("x-request-id") ?? undefined,
      ip: clientIp(h),
    }),
  );
});
