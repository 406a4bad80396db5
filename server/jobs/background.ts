/**
 * Starts the background work of a server process and stops it on shutdown.
 * Called from instrumentation.ts only, so tests and CLI scripts that import
 * services never start a dispatcher by accident.
 */
import { getEnv } from "@/lib/env.mjs";
import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";
import { log } from "@/server/observability/log";
import { stopTracing, tracingRunning } from "@/server/observability/tracing";
import { resumeImportJobs } from "@/server/services/imports/import-jobs";

/** How often an instance looks for imports nobody runs (queued by an instance that stopped, or with a lapsed lease). */
const IMPORT_SWEEP_MS = 10_000;

export function startBackgroundWork(): void {
  const env = getEnv();
  if (env.BACKGROUND_JOBS === "off" || env.NODE_ENV === "test" || !env.DATABASE_URL) {
    // No dispatcher to stop, but batched spans to send before Next.js exits.
    if (tracingRunning()) exitOnSignal(async () => undefined);
    return;
  }
  startDispatcher();
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    resumeImportJobs()
      .catch((err: unknown) => log.error({ err }, "could not resume imports"))
      .finally(() => {
        sweeping = false;
      });
  }, IMPORT_SWEEP_MS);
  sweep.unref?.();
  // Let the event in hand finish and hand the rest of the batch back.
  exitOnSignal(stopDispatcher);
}

/** On SIGTERM/SIGINT: let `stop` finish, send the spans still batched, then exit as Next.js would. */
function exitOnSignal(stop: () => Promise<unknown>): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void stop()
        .then(stopTracing, stopTracing)
        .finally(() => process.exit(0));
    });
  }
}
