/**
 * tRPC for server components: a caller bound to the current request's
 * session and to the request id proxy.ts gave the page, built once per request.
 */
import "server-only";

import { headers } from "next/headers";
import { cache } from "react";

import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getRequestSession } from "@/server/auth/session";
import { pageRequestId } from "@/server/http/request-id";

export const getApi = cache(async () => {
  const h = await headers();
  const session = await getRequestSession();
  return createCaller(
    createContextInner({
      userId: session?.userId ?? null,
      sessionId: session?.sessionId,
      requestId: pageRequestId(h),
      ip: clientIp(h),
    }),
  );
});
