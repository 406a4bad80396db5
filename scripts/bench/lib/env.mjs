/** Benchmark settings from the environment. */

/**
 * The integer in environment variable `name`, or `fallback` when unset; out
 * of [min, max] or not an integer, it names the variable and exits 2.
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`[bench] ${name} must be an integer between ${min} and ${max}`);
    process.exit(2);
  }
  return n;
}
