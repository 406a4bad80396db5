/**
 * next-auth's endpoints (sign-in, sign-out, session, CSRF, OAuth callbacks).
 * Their POST bodies are small forms, read here with the same ceiling as API
 * calls (REQUEST_BODY_MAX_BYTES) before next-auth parses them.
 */
import { NextRequest } from "next/server";
import NextAuth from "next-auth";

import { getEnv } from "@/lib/env.mjs";
import { authOptions } from "@/server/auth/options";
import { readBodyWithin, requestInit } from "@/server/http/body-limit";
import { jsonError } from "@/server/http/route-helpers";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(incoming: Request, ctx: RouteContext) {
  let req = incoming;
  if (req.method === "POST") {
    const max = getEnv().REQUEST_BODY_MAX_BYTES;
    const body = await readBodyWithin(req, max);
    if (!body.ok) return jsonError(413, `Request bodies can be at most ${max} bytes`, "PAYLOAD_TOO_LARGE");
    // next-auth reads `nextUrl`, so it needs a NextRequest.
    req = new NextRequest(req.url, requestInit(req, body.bytes) as ConstructorParameters<typeof NextRequest>[1]);
  }
  return (NextAuth(authOptions()) as (req: Request, ctx: unknown) => Promise<Response>)(req, ctx);
}

export { handler as GET, handler as POST };
