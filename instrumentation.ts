/**
 * Next.js start-up hook. In the Node.js server it starts the outbox
 * dispatcher (server/jobs/background.ts): in-process handlers in the
 * embedded default, a relay to Inngest when Inngest is configured. Nothing
 * starts during `next build`, in the edge runtime, or with
 * BACKGROUND_JOBS=off; tests and scripts never load this file.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startBackgroundWork } = await import("./server/jobs/background");
  startBackgroundWork();
}
