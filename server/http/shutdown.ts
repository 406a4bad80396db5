/**
 * How this process stops. The production entry (scripts/serve.mjs) owns the
 * signals: it drains requests and live streams, then runs the hooks
 * registered here, in order, and exits. It shares its state through
 * globalThis under `SHUTDOWN_STATE` (the server's bundles each load this
 * module, the entry loads none of them).
 *
 * Without that entry (`next dev`, or `next start` run by hand) the first
 * hook registered installs signal handlers that run the hooks and exit, as
 * before draining existed: there is nothing to drain for such a process.
 */

export const SHUTDOWN_STATE = Symbol.for("specline.shutdown");

export type ShutdownHook = () => Promise<unknown>;

interface ShutdownState {
  draining: boolean;
  hooks: ShutdownHook[];
}

const host = globalThis as unknown as Record<symbol, ShutdownState | undefined>;

function state(): ShutdownState {
  let current = host[SHUTDOWN_STATE];
  if (!current) {
    current = { draining: false, hooks: [] };
    host[SHUTDOWN_STATE] = current;
    exitOnSignal(current);
  }
  return current;
}

/** True once this instance has been told to stop: readiness answers "draining". */
export function isDraining(): boolean {
  return host[SHUTDOWN_STATE]?.draining === true;
}

/** Runs `hook` when the process stops, after requests have drained and after the hooks registered before it. */
export function onShutdown(hook: ShutdownHook): void {
  state().hooks.push(hook);
}

function exitOnSignal(current: ShutdownState): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      current.draining = true;
      void (async () => {
        for (const hook of current.hooks) await hook().catch(() => undefined);
      })().finally(() => process.exit(0));
    });
  }
}
