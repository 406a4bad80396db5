/**
 * Next.js start-up hook, in the Node.js server only and never during
 * `next build` or in the edge runtime; tests and scripts never load this
 * file. First tracing (server/observability/tracing.ts: nothing without an
 * OTLP endpoint), so its instrumentations are in place before any database
 * or Redis client is loaded; a failure there is logged and the server runs
 * untraced. Then the outbox dispatcher (server/jobs/background.ts, unless
 * BACKGROUND_JOBS=off): in-process handlers in the embedded default, a relay
 * to Inngest when Inngest is configured.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startTracing } = await import("./server/observability/tracing");
  await startTracing().catch(async (err: unknown) => {
    const { log } = await import("./server/observability/log");
    log.error({ err }, "tracing did not start");
  });
  const { startBackgroundWork } = await import("./server/jobs/background");
  startBackgroundWork();
}
