/**
 * The benchmark scenarios, in the order `node scripts/bench.mjs` runs them.
 *
 * A scenario module's default export:
 *   name, title
 *   seedBudgetMs (optional, default 120 s)   time limit of its seed
 *   seed({ pool, runId, users })   → state (JSON-serialisable; runs after migrations
 *                                     and after the shared users exist)
 *   cleanup({ pool, state })        → removes the seeded rows (used only on a
 *                                     database the benchmark did not create)
 *   baseline: { [endpoint or operation]: (pool, state, params) → data }   raw pg handlers
 *                                     (params: {} for load-tested endpoints)
 *   endpoints(state) → [{ name, appPath, targetP99Ms?, check(appData, baselineData) → error | null }]
 *                                     load-tested with autocannon
 *   operations(state) (optional) → timed one-shot operations, run after the
 *                                     endpoints; see ../lib/oneshot.mjs for their shape
 * To add one (requirements, baselines, dashboards…), write the module and list it here.
 */
import foundation from "./foundation.mjs";
import requirements from "./requirements.mjs";

export const scenarios = [foundation, requirements];
