/**
 * next-auth's endpoints (sign-in, sign-out, session, CSRF, OAuth callbacks).
 * Their POST bodies are small forms, read here with the same ceiling as API
 * calls (REQUEST_BODY_MAX_BYTES) before next-auth parses them.
 */
import { NextRequest } from "next/server";
import NextAuth from "next-auth";

import { getEnv } from "@/lib/env.mjs";
import { clientIp } from "@/server/auth/client-ip";
import { buildAuthOptions } from "@/server/auth/options";
import { getRequestSession } from "@/server/auth/session";
import { readBodyWithin, requestInit } from "@/server/http/body-limit";
import { jsonError, withRequest } from "@/server/http/route-helpers";
import { resolveCallerInProject } from "@/server/services/projects/resolve-project-access";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/** The request's session if it is live (not ended, not idle too long, the account active). */
async function liveSession(req: Request): Promise<{ userId: string; sessionId: string } | null> {
  const session = await getRequestSession(req);
  if (!session) return null;
  const caller = await resolveCallerInProject({ ...session, projectKey: null });
  return caller ? session : null;
}

function handler(incoming: Request, ctx: RouteContext) {
  return withRequest(incoming, "auth/[...nextauth]", () => authRequest(incoming, ctx));
}

async function authRequest(incoming: Request, ctx: RouteContext) {
  let req = incoming;
  if (req.method === "POST") {
    const max = getEnv().REQUEST_BODY_MAX_BYTES;
    const body = await readBodyWithin(req, max);
    if (!body.ok) return jsonError(413, `Request bodies can be at most ${max} bytes`, "PAYLOAD_TOO_LARGE");
    // next-auth reads `nextUrl`, so it needs a NextRequest.
    req = new NextRequest(req.url, requestInit(req, body.bytes) as ConstructorParameters<typeof NextRequest>[1]);
  }
  // A sign-in here starts a session for this browser (its user agent and address show in the sessions list);
  // an OAuth sign-in from a browser already signed in connects the provider to that account.
  const signedIn = await liveSession(req);
  const options = buildAuthOptions({
    userAgent: req.headers.get("user-agent"),
    ip: clientIp(req.headers),
    signedInUserId: signedIn?.userId ?? null,
    signedInSessionId: signedIn?.sessionId ?? null,
  });
  return (NextAuth(options) as (req: Request, ctx: unknown) => Promise<Response>)(req, ctx);
}

export { handler as GET, handler as POST };
