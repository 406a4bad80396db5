/**
 * The Inngest serve endpoint: GET describes the app, PUT registers the
 * functions with the Inngest server, POST runs a step. When a signing key
 * is set (INNGEST_SIGNING_KEY) the SDK refuses requests without a valid
 * signature. In the embedded default (Inngest not configured, see
 * inngestConfigured) the outbox dispatcher runs the same services
 * in-process, and every request here is answered 503.
 */
import { serve } from "inngest/next";

import { jsonError } from "@/server/http/route-helpers";
import { inngest, inngestConfigured } from "@/server/jobs/client";
import { functions } from "@/server/jobs/functions";

export const dynamic = "force-dynamic";

const served = serve({ client: inngest, functions });

type Handler = (typeof served)["GET"];

/** The SDK's handler when Inngest is configured; otherwise nobody may register or run functions here. */
function whenConfigured(handler: Handler): Handler {
  return ((...args: Parameters<Handler>) =>
    inngestConfigured()
      ? handler(...args)
      : jsonError(503, "Background jobs run in-process: Inngest is not configured", "SERVICE_UNAVAILABLE")) as Handler;
}

export const GET = whenConfigured(served.GET);
export const POST = whenConfigured(served.POST);
export const PUT = whenConfigured(served.PUT);
