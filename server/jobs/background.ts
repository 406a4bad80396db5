/**
 * Starts the background work of a server process and stops it on shutdown.
 * Called from instrumentation.ts only, so tests and CLI scripts that import
 * services never start a dispatcher by accident.
 */
import { getEnv } from "@/lib/env.mjs";
import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";

export function startBackgroundWork(): void {
  const env = getEnv();
  if (env.BACKGROUND_JOBS === "off" || env.NODE_ENV === "test" || !env.DATABASE_URL) return;
  startDispatcher();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      // Let the event in hand finish and hand the rest of the batch back, then exit as Next.js would.
      void stopDispatcher().finally(() => process.exit(0));
    });
  }
}
