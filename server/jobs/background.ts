/**
 * Starts the background work of a server process and stops it on shutdown.
 * Called from instrumentation.ts only, so tests and CLI scripts that import
 * services never start a dispatcher by accident.
 */
import { getEnv } from "@/lib/env.mjs";
import { onShutdown } from "@/server/http/shutdown";
import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";
import { stopLive } from "@/server/live/bus";
import { log } from "@/server/observability/log";
import { stopTracing, tracingRunning } from "@/server/observability/tracing";
import { resumeImportJobs } from "@/server/services/imports/import-jobs";

/** How often an instance looks for imports nobody runs (queued by an instance that stopped, or with a lapsed lease). */
const IMPORT_SWEEP_MS = 10_000;

export function startBackgroundWork(): void {
  const env = getEnv();
  if (env.BACKGROUND_JOBS === "off" || env.NODE_ENV === "test" || !env.DATABASE_URL) {
    onShutdown(stopSharedWork);
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
  onShutdown(async () => {
    clearInterval(sweep);
    // The event in hand finishes; the rest of the batch is handed back for another instance to take now.
    await stopDispatcher().catch((err: unknown) => log.error({ err }, "the dispatcher did not stop cleanly"));
    await stopSharedWork();
  });
}

/** The live fan-out's Redis subscriber, then the spans still batched (last: the steps above are traced). */
async function stopSharedWork(): Promise<void> {
  await stopLive().catch(() => undefined);
  if (tracingRunning()) await stopTracing().catch(() => undefined);
}
