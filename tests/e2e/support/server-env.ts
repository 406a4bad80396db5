/**
 * The environment of the production server the end-to-end tests run
 * against, shared by the Playwright config and by specs that start a
 * second server beside it.
 */
export const e2ePort = Number(process.env.E2E_PORT ?? 3100);
export const e2eDatabaseUrl = process.env.E2E_DATABASE_URL;
/** Where the server keeps attachments and, without SMTP, writes each email as an .eml file (`mail/`). */
export const e2eDataDir = ".data-e2e";

const limits = {
  // The throttling spec counts on these: five free attempts per account, then 200 ms doubling up to 1 s.
  LOGIN_MAX_ATTEMPTS: "5",
  LOGIN_DELAY_BASE_MS: "200",
  LOGIN_DELAY_MAX_MS: "1000",
  // The whole suite signs in from this machine's address, far more than 50 times (10 × LOGIN_MAX_ATTEMPTS,
  // the per-address limit) in its six minutes, in bursts of a dozen where specs sign several people in; a
  // one-minute window keeps it under while each throttling spec, which makes its attempts within seconds,
  // still sees them counted together. Sign-ins that still meet a spent window wait for it (userContext,
  // two-factor.spec.ts).
  LOGIN_WINDOW_SECONDS: "60",
  // Every spec signs up its own people, all from this machine's address.
  RATE_LIMIT_REGISTER_PER_HOUR: "1000",
  // The server's report goes to the test output: failures and warnings, not a line per request.
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
};

export function e2eServerEnv(port: number): Record<string, string> {
  return e2eDatabaseUrl
    ? {
        PORT: String(port),
        DATA_DIR: e2eDataDir,
        DATABASE_URL: e2eDatabaseUrl,
        AUTH_SECRET: "e2e-only-auth-secret-not-for-production-use-0123456789",
        ...limits,
      }
    : // Embedded mode keeps rate limits in memory, fresh for every run.
      { PORT: String(port), DATA_DIR: e2eDataDir, DATABASE_URL: "", REDIS_URL: "", ...limits };
}
