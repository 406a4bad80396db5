/**
 * The benchmark scenarios, in the order `node scripts/bench.mjs` runs them.
 *
 * A scenario module's default export:
 *   name, title
 *   seed({ pool, runId, users })   → state (JSON-serialisable; runs after migrations
 *                                     and after the shared users exist)
 *   cleanup({ pool, state })        → removes the seeded rows (used only on a
 *                                     database the benchmark did not create)
 *   baseline: { [endpoint]: (pool, state) → data }   raw pg handlers
 *   endpoints(state) → [{ name, appPath, check(appData, baselineData) → error | null }]
 * To add one (requirements, baselines, dashboards…), write the module and list it here.
 */
import foundation from "./foundation.mjs";

export const scenarios = [foundation];
