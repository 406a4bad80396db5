/**
 * The benchmark scenarios, in the order `node scripts/bench.mjs` runs them.
 *
 * A scenario module's default export:
 *   name, title
 *   seedBudgetMs (optional, default 120 s)   time limit of its seed
 *   seed({ pool, runId, users, addUser })   → state (JSON-serialisable; runs after migrations
 *                                     and after the shared users exist; `await addUser(label)`
 *                                     registers and signs in another user, returning it)
 *   cleanup({ pool, state })        → removes the seeded rows (used only on a
 *                                     database the benchmark did not create)
 *   baseline: { [endpoint or operation]: (pool, state, params) → data }   raw pg handlers
 *                                     (params: {} for load-tested endpoints)
 *   endpoints(state) → [{ name, appPath, targetP99Ms?, session?, check(appData, baselineData) → error | null }]
 *                                     load-tested with autocannon, signed in as the bench user
 *                                     or as the `session` label given to addUser
 *   operations(state) (optional) → timed one-shot operations, run after the
 *                                     endpoints; see ../lib/oneshot.mjs for their shape
 * To add one (requirements, baselines, dashboards…), write the module and list it here.
 */
import foundation from "./foundation.mjs";
import requirements from "./requirements.mjs";
import stats from "./stats.mjs";
import traceability from "./traceability.mjs";

export const scenarios = [foundation, requirements, traceability, stats];
