/**
 * The Inngest serve endpoint: GET describes the app, PUT registers the
 * functions with the Inngest server, POST runs a step. When a signing key
 * is set (INNGEST_SIGNING_KEY) the SDK refuses requests without a valid
 * signature. Unused in the embedded default, where the outbox dispatcher
 * runs the same services in-process.
 */
import { serve } from "inngest/next";

import { inngest } from "@/server/jobs/client";
import { functions } from "@/server/jobs/functions";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
