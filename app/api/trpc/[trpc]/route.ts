/**
 * The tRPC HTTP endpoint. Queries over GET, mutations only as JSON POST (a
 * form-encoded or multipart POST is refused before tRPC sees it, so a
 * cross-site form cannot ride the session cookie).
 */
import { randomUUID } from "node:crypto";

import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { appRouter } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { clientIp } from "@/server/auth/client-ip";
import { getSessionUserId } from "@/server/auth/session";
import { RETRY_AFTER_SECONDS } from "@/server/errors";
import { isSameOrigin } from "@/server/http/route-helpers";
import { rateLimitHeaders } from "@/server/rate-limit";

export const dynamic = "force-dynamic";

function refuse(status: number, code: string, message: string) {
  return Response.json({ error: { message, code: -32600, data: { code, httpStatus: status } } }, { status });
}

async function handler(req: Request) {
  if (req.method === "POST") {
    const type = req.headers.get("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/json")) {
      return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "Mutations must be sent as application/json");
    }
    if (!isSameOrigin(req)) return refuse(403, "FORBIDDEN", "Cross-origin requests are not allowed");
  }
  const requestId = req.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => {
      const userId = await getSessionUserId(req);
      return createContextInner({ userId, requestId, ip: clientIp(req.headers), signal: req.signal });
    },
    responseMeta: ({ ctx, errors }) => {
      const headers = new Headers({ "x-request-id": requestId });
      const decision = ctx?.rateLimit.decision;
      if (decision) for (const [name, value] of Object.entries(rateLimitHeaders(decision))) headers.set(name, value);
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      return { headers };
    },
  });
}

export { handler as GET, handler as POST };
