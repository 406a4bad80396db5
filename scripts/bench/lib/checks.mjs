/**
 * What a check script reports: `log` prefixes its lines with the script's
 * name, `check` prints ok or FAIL and keeps the failures, so that the script
 * can go on checking and exit non-zero at the end.
 */
export function createChecks(name) {
  const failures = [];
  const log = (msg) => console.log(`[${name}] ${msg}`);
  function check(condition, message) {
    if (condition) log(`ok   ${message}`);
    else {
      log(`FAIL ${message}`);
      failures.push(message);
    }
  }
  return { log, check, failures };
}
