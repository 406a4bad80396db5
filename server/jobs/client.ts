/**
 * The Inngest client. Used by the serve route (`app/api/inngest/route.ts`)
 * and, when Inngest is configured, by the outbox dispatcher to relay events.
 * Keys and the dev-server URL come from the environment (lib/env.mjs).
 */
import { Inngest } from "inngest";

import { getEnv, parseEnv } from "@/lib/env.mjs";
import { JobLoggingMiddleware } from "@/server/jobs/job-logging";
import { PermanentFailureMiddleware } from "@/server/jobs/permanent-failures";

export const INNGEST_APP_ID = "specline";

/**
 * True when events go to an Inngest server instead of the in-process
 * handlers: an event key or signing key is set (Inngest Cloud or a
 * self-hosted server), or `INNGEST_DEV` points at a dev server.
 */
export function inngestConfigured(env = getEnv()): boolean {
  return Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || (env.INNGEST_DEV && env.INNGEST_BASE_URL));
}

/**
 * Built at import (functions are declared on it), so it parses the
 * environment afresh rather than through getEnv(): importing a service must
 * not freeze the cached environment before a test or script has set it.
 */
function createClient() {
  const env = parseEnv(process.env);
  return new Inngest({
    id: INNGEST_APP_ID,
    // Every function: a log line per run, and a service's PermanentFailure ends the step or run without retries.
    middleware: [JobLoggingMiddleware, PermanentFailureMiddleware],
    ...(env.INNGEST_EVENT_KEY ? { eventKey: env.INNGEST_EVENT_KEY } : {}),
    ...(env.INNGEST_SIGNING_KEY ? { signingKey: env.INNGEST_SIGNING_KEY } : {}),
    ...(env.INNGEST_BASE_URL ? { baseUrl: env.INNGEST_BASE_URL } : {}),
    ...(env.INNGEST_DEV ? { isDev: true } : {}),
  });
}

export const inngest = createClient();
